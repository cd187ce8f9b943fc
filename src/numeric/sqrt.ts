/*
 * The square root correctly rounded to binary64, checked in integers: Math.sqrt gives a candidate r, and r is kept
 * only when x lies strictly between the squares of the midpoints next to r (a square root is never exactly a
 * midpoint: a midpoint has 54 significant bits and its square is not a binary64). Otherwise the neighbour on the
 * side of x is taken and checked again. So the result does not rest on the engine: ECMA-262 leaves Math's
 * functions to the implementation, and this is one comparison of bigints a call (layer norm calls it once per
 * vector).
 *
 * Narrower IEEE formats round this binary64 root once more, which is their correct rounding (53 >= 2(m + 1) + 2,
 * the same argument as for + - * / in arith.ts).
 */
import { doubleParts } from "./interval.js";

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

function next(x: number, up: boolean): number {
  F64[0] = x;
  U64[0] = up ? U64[0]! + 1n : U64[0]! - 1n; // x > 0 finite
  return F64[0]!;
}

/** (a + b)/2 for two doubles, exactly, as sig 2^exp. */
function midpoint(a: number, b: number): { sig: bigint; exp: number } {
  const pa = doubleParts(a);
  const pb = doubleParts(b);
  const e = Math.min(pa.exp, pb.exp) - 1;
  return { sig: (pa.sig << BigInt(pa.exp - e - 1)) + (pb.sig << BigInt(pb.exp - e - 1)), exp: e };
}

/** sign of x - m^2 for a dyadic midpoint m: -1, 0 or 1. */
function compareSquare(x: number, m: { sig: bigint; exp: number }): number {
  const px = doubleParts(x);
  const sq = m.sig * m.sig;
  const e2 = 2 * m.exp;
  const e = Math.min(px.exp, e2);
  const lhs = px.sig << BigInt(px.exp - e);
  const rhs = sq << BigInt(e2 - e);
  return lhs < rhs ? -1 : lhs > rhs ? 1 : 0;
}

/** sqrt(x) correctly rounded to binary64 (NaN for x < 0, sqrt(-0) = -0, sqrt(+inf) = +inf). */
export function sqrt64(x: number): number {
  if (!(x > 0) || x === Infinity) return x === 0 || x === Infinity ? x : NaN;
  let r = Math.sqrt(x);
  for (let i = 0; i < 4; i++) {
    // r is right iff (mid(r-, r))^2 < x < (mid(r, r+))^2.
    if (r < Number.MAX_VALUE && compareSquare(x, midpoint(r, next(r, true))) >= 0) {
      r = next(r, true);
      continue;
    }
    if (r > 0 && compareSquare(x, midpoint(next(r, false), r)) <= 0) {
      r = next(r, false);
      continue;
    }
    return r;
  }
  throw new Error(`internal: sqrt(${x}) did not settle`);
}

const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);
const f = Math.fround;

/**
 * round32(sqrt x) for a binary32 x, decided in binary64 without bigints: r = round32(Math.sqrt x) is a candidate
 * (whatever the engine's accuracy), kept only when x lies strictly between the squares of the binary32 midpoints
 * next to r, which is the definition of r being sqrt x correctly rounded. Those midpoints have at most 25
 * significant bits, so their squares (at most 50 bits, between 2^-300 and 2^256) are exact in binary64 and the two
 * comparisons are exact; sqrt x is never a midpoint (its square would have more than 24 bits). Otherwise, and for
 * arguments that are not positive finite binary32 values, round32(sqrt64 x) decides, which is the same value (the
 * double rounding is innocuous, 53 >= 2 * 24 + 2): so this is float32's sqrt bit for bit, with no bigint (layer
 * norm and RMSNorm take one a vector).
 */
export function sqrt32(x: number): number {
  if (x > 0 && x < Infinity && f(x) === x) {
    const r = f(Math.sqrt(x));
    if (r > 0 && r < Infinity) {
      // r's binary32 neighbours: r is positive and finite, so its code steps by one either way (down may be +0).
      F32[0] = r;
      I32[0] = I32[0]! + 1;
      const up = F32[0]!;
      I32[0] = I32[0]! - 2;
      const down = F32[0]!;
      const hi = (r + up) * 0.5;
      const lo = (r + down) * 0.5;
      if (lo * lo < x && x < hi * hi) return r;
    }
  }
  return f(sqrt64(x));
}
