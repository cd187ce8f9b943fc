import type { Arith } from "./arith.js";
import {
  DOWN,
  EXACT_BELOW,
  KMAX,
  KMIN,
  NEAREST,
  UP,
  fixedParams,
  roundFixed,
  roundFixedWith,
  roundHalfEven,
  type FixedFormat,
} from "./fixed.js";
import { checkDot, checkMatVec } from "./arith-check.js";
import { productError } from "./two-product.js";
import { transcendentalsFor } from "./transcendentals.js";

/*
 * Fixed-point arithmetic. Sums and differences of two values k * 2^-F are exact in binary64 (|k| < 2^53), so one
 * rounding of the binary64 result is exact. Products need up to 2(I + F) bits: when the binary64 product is below
 * 2^(53 - 2F) it is exact; otherwise TwoProduct's rounding error decides the cases where binary64 landed on (floor)
 * or next to a tie (nearest) of the grid. Operands must be values of the format.
 *
 * The kernels are module-level functions taking the format's constants (see roundFixed and fixedParams for why
 * not closures): every fixed format runs the same monomorphic code. Imported helpers are captured in module
 * constants: transforms that rewrite imports as property reads (vitest, CJS interop) would add a lookup per call.
 */
const round = roundFixed;
const roundWith = roundFixedWith;
const halfEven = roundHalfEven;
const twoProductError = productError;
const TWO52 = 4503599627370496;

/** The format's value of y = P + E on the 2^-F-scaled grid, given exactly as P + E with |E| <= ulp(P) / 2. */
export function roundSplit(P: number, E: number, down: number, kmin: number, kmax: number, nearest: boolean): number {
  let k: number;
  // |P| >= 2^52 is outside [kmin, kmax] by at least 1/2, whatever E is: saturate by sign.
  if (P >= TWO52) k = kmax;
  else if (P <= -TWO52) k = kmin;
  else if (nearest) {
    // ulp(P) <= 1/2, so |E| <= 1/4 and E only matters when P is a tie.
    k = halfEven(P);
    const d = k - P;
    if ((d === 0.5 || d === -0.5) && E !== 0) k = E > 0 ? P + 0.5 : P - 0.5;
  } else {
    // E only matters when P is on the grid.
    k = Math.floor(P);
    if (k === P && E < 0) k -= 1;
  }
  return Math.min(Math.max(k, kmin), kmax) * down + 0;
}

/** The format's value of a * b for values a, b of the format; exactBelow = 2^(53 - 2F). */
function mulFixed(
  a: number,
  b: number,
  up: number,
  down: number,
  kmin: number,
  kmax: number,
  nearest: boolean,
  exactBelow: number,
): number {
  const p = a * b;
  if (!(Math.abs(p) >= exactBelow)) return round(p, up, down, kmin, kmax, nearest); // exact product (or NaN)
  return roundSplit(p * up, twoProductError(a, b, p) * up, down, kmin, kmax, nearest);
}

function mulWith(a: number, b: number, p: Float64Array): number {
  return mulFixed(a, b, p[UP]!, p[DOWN]!, p[KMIN]!, p[KMAX]!, p[NEAREST] === 1, p[EXACT_BELOW]!);
}

/** acc = round(acc + mul(w[i + j], v[vOffset + j])) for j in [0, cols), acc from 0; constants read once. */
function dotFixed(w: Float64Array, i: number, cols: number, v: Float64Array, vOffset: number, p: Float64Array): number {
  const up = p[UP]!;
  const down = p[DOWN]!;
  const kmin = p[KMIN]!;
  const kmax = p[KMAX]!;
  const nearest = p[NEAREST] === 1;
  const exactBelow = p[EXACT_BELOW]!;
  let acc = 0;
  for (let j = 0; j < cols; j++, i++) {
    acc = round(
      acc + mulFixed(w[i]!, v[vOffset + j]!, up, down, kmin, kmax, nearest, exactBelow),
      up,
      down,
      kmin,
      kmax,
      nearest,
    );
  }
  return acc;
}

export function fixedArith(format: FixedFormat): Arith {
  const p = fixedParams(format.intBits, format.fracBits, format.rounding);
  return {
    format,
    round: format.round,
    add: (a, b) => roundWith(a + b, p),
    sub: (a, b) => roundWith(a - b, p),
    mul: (a, b) => mulWith(a, b, p),
    dotRow(w, r, cols, v, vOffset = 0) {
      checkDot(w, r, cols, v, vOffset);
      return dotFixed(w, r * cols, cols, v, vOffset, p);
    },
    matVec(w, rows, cols, v, bias, out, outOffset = 0, vOffset = 0) {
      checkMatVec(w, rows, cols, v, bias, out, outOffset, vOffset);
      for (let r = 0; r < rows; r++) {
        const acc = dotFixed(w, r * cols, cols, v, vOffset, p);
        out[outOffset + r] = bias === null ? acc : roundWith(acc + bias[r]!, p);
      }
    },
    // The real functions rounded once by the format's rule (floor: the exact tanh(20) is below 1 and floors to
    // the grid point below 1; round-to-nearest gives 1): see transcendentals.ts.
    ...transcendentalsFor(format),
    relu: (x) => (x > 0 ? roundWith(x, p) : x === x ? 0 : NaN),
    div: (a, b) => divFixed(a, b, p),
    sqrt: (x) => sqrtFixed(x, p),
  };
}

/**
 * a / b for a = A 2^-F and b = B 2^-F is A / B, so the code is floor(A 2^F / B) (or the nearest, ties to even), in
 * integers: exact, where binary64's quotient could round onto a grid point from below. Division by zero saturates
 * by the sign of a (0 / 0 is 0): fixed point has no infinities.
 */
function divFixed(a: number, b: number, p: Float64Array): number {
  const kmin = p[KMIN]!;
  const kmax = p[KMAX]!;
  if (b === 0) return a > 0 ? kmax * p[DOWN]! : a < 0 ? kmin * p[DOWN]! : 0;
  const numerator = a * p[UP]! * p[UP]!;
  if (Math.abs(numerator) < TWO52) return divSmall(numerator, b * p[UP]!, p); // attention divides at every position
  let num = BigInt(a * p[UP]!) * BigInt(p[UP]!);
  let den = BigInt(b * p[UP]!);
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  let k = num / den; // truncates toward zero
  let rest = num - k * den;
  if (rest < 0n) {
    k -= 1n; // floor
    rest += den;
  }
  if (p[NEAREST] === 1 && (2n * rest > den || (2n * rest === den && (k & 1n) === 1n))) k += 1n;
  const code = Math.min(Math.max(Number(k), kmin), kmax);
  return code * p[DOWN]! + 0;
}

/**
 * floor (or nearest) of num / den for integers |num| < 2^52 in binary64. The correctly rounded quotient q cannot
 * cross an integer k: that needs |q - k| < ulp(k)/2, i.e. 1/|den| < |k| 2^-53, so |num| ~ |k den| > 2^53. Hence
 * floor(q) is the exact floor, and num - k den (below 2^53) is the exact remainder for the tie test.
 */
function divSmall(num: number, den: number, p: Float64Array): number {
  if (den < 0) {
    num = -num;
    den = -den;
  }
  let k = Math.floor(num / den);
  const rest = num - k * den;
  if (p[NEAREST] === 1 && (2 * rest > den || (2 * rest === den && k % 2 !== 0))) k += 1;
  return Math.min(Math.max(k, p[KMIN]!), p[KMAX]!) * p[DOWN]! + 0;
}

/** sqrt(A 2^-F) = sqrt(A 2^F) 2^-F: the code is the integer square root of A 2^F (rounded up past k + 1/2 for nearest). */
function sqrtFixed(x: number, p: Float64Array): number {
  if (!(x > 0)) return 0; // negative or zero: the square root of a variance is never asked of a negative
  const n = BigInt(x * p[UP]!) * BigInt(p[UP]!);
  let k = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (k * k > n) k -= 1n;
  while ((k + 1n) * (k + 1n) <= n) k += 1n;
  if (p[NEAREST] === 1 && n - k * k > k) k += 1n; // n >= (k + 1/2)^2 = k^2 + k + 1/4, and n is an integer
  return Math.min(Number(k), p[KMAX]!) * p[DOWN]!;
}
