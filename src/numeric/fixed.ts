import { CcboundError } from "../errors.js";
import type { NumberFormat } from "./format.js";
import { pow2 } from "./bits.js";

/** "floor" is the paper's rule (App. B.2: round down to the grid); "nearest" rounds to nearest, ties to even. */
export type FixedRounding = "floor" | "nearest";

/**
 * Signed fixed point with 1 sign bit, `intBits` integer bits and `fracBits` fraction bits (p = 1 + I + F):
 * the values k * 2^-F for integers k in [-2^(I+F), 2^(I+F) - 1], stored as k in two's complement.
 * Rounding saturates (±Infinity go to max and min). There is no NaN and no -0: round(NaN) is NaN but NaN is not
 * representable (encode throws), and round never returns -0, so -0 itself is not a value (round(-0) is +0).
 */
export interface FixedFormat extends NumberFormat {
  readonly kind: "fixed";
  readonly intBits: number;
  readonly fracBits: number;
  readonly rounding: FixedRounding;
}

const cache = new Map<string, FixedFormat>();
const FIXED_HINT = 'fixed:I.F needs integers I, F >= 0 with 1 + I + F <= 53, and rounding "floor" or "nearest"';

/** The fixed-point format; one instance per (I, F, rounding), so identity can key caches (arithFor). */
export function fixedFormat(intBits: number, fracBits: number, rounding: FixedRounding = "floor"): FixedFormat {
  const bits = 1 + intBits + fracBits;
  // p <= 53 keeps every k (and every code) an exact integer `number`.
  if (
    !Number.isInteger(intBits) ||
    !Number.isInteger(fracBits) ||
    intBits < 0 ||
    fracBits < 0 ||
    bits > 53 ||
    (rounding !== "floor" && rounding !== "nearest")
  ) {
    throw new CcboundError(
      "invalid-format",
      `unsupported fixed-point format (I=${intBits}, F=${fracBits}, rounding ${String(rounding)})`,
      undefined,
      FIXED_HINT,
    );
  }
  const name = rounding === "floor" ? `fixed:${intBits}.${fracBits}` : `fixed:${intBits}.${fracBits}:nearest`;
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const params = fixedParams(intBits, fracBits, rounding);
  const round = (x: number) => roundFixedWith(x, params);
  const up = pow2(fracBits);
  const down = pow2(-fracBits);
  const kmax = pow2(intBits + fracBits) - 1;
  const kmin = -pow2(intBits + fracBits);
  const isRepresentable = (x: number) => x === x && Object.is(round(x), x);
  const modulus = pow2(bits);
  const format: FixedFormat = Object.freeze({
    name,
    kind: "fixed",
    bits,
    max: kmax * down,
    min: kmin * down,
    intBits,
    fracBits,
    rounding,
    round,
    isRepresentable,
    encode(x: number): bigint {
      if (!isRepresentable(x)) throw new RangeError(`${x} is not a value of ${name}; round it before encoding`);
      const k = x * up; // exact: x is k * 2^-F
      return BigInt(k < 0 ? k + modulus : k);
    },
    decode(code: bigint): number {
      if (code < 0n || code >> BigInt(bits) !== 0n)
        throw new RangeError(`${code} is not a ${bits}-bit code of ${name}`);
      const n = Number(code);
      return (n > kmax ? n - modulus : n) * down;
    },
  });
  cache.set(name, format);
  return format;
}

const TWO51 = 2251799813685248;
const SHIFT = 6755399441055744; // 1.5 * 2^52

/** Indices into a fixed format's constants (see fixedParams). */
export const UP = 0,
  DOWN = 1,
  KMIN = 2,
  KMAX = 3,
  NEAREST = 4,
  EXACT_BELOW = 5;

/**
 * A fixed format's constants as raw doubles: [2^F, 2^-F, kmin, kmax, nearest ? 1 : 0, 2^(53 - 2F)] (the last is
 * the bound under which a binary64 product of two values is exact; see arith-fixed.ts). Kept in a Float64Array, read
 * into locals by the kernels: as closure values or arguments they are V8 Smis for some formats and heap numbers
 * for others, and a loop that has seen both re-checks them every iteration (2x slower, measured).
 */
export function fixedParams(intBits: number, fracBits: number, rounding: FixedRounding): Float64Array {
  return Float64Array.of(
    pow2(fracBits),
    pow2(-fracBits),
    -pow2(intBits + fracBits),
    pow2(intBits + fracBits) - 1,
    rounding === "nearest" ? 1 : 0,
    pow2(53 - 2 * fracBits),
  );
}

/** roundFixed with the constants from fixedParams. */
export function roundFixedWith(x: number, p: Float64Array): number {
  return roundFixed(x, p[UP]!, p[DOWN]!, p[KMIN]!, p[KMAX]!, p[NEAREST] === 1);
}

/**
 * Rounds a binary64 to the grid k * 2^-F (up = 2^F, down = 2^-F), saturating at k in [kmin, kmax].
 * A module-level function with the format's constants as arguments, not a closure per format: closures of one
 * function literal share V8's feedback, so once a second format existed the first one's loops got several times
 * slower (measured); one function is a single monomorphic call target for every fixed format.
 * t = x * 2^F is exact (a power-of-two scaling that can only overflow, and overflow saturates anyway).
 * Measured on the 256x256 matVec: an explicit NaN test (`if (t !== t) return NaN`) made it 3x slower (NaN already
 * falls through every comparison), clamping with a ternary instead of Math.min/max 3x slower (with Smi bounds the
 * ternary's result gets a tagged representation), and Math.round 2.5x slower than the 1.5 * 2^52 shift.
 */
export function roundFixed(x: number, up: number, down: number, kmin: number, kmax: number, nearest: boolean): number {
  const t = x * up;
  if (!(Math.abs(t) < TWO51)) return roundFixedWide(t, down, kmin, kmax, nearest);
  // For |t| < 2^51, t + 1.5 * 2^52 lands in a binade of quantum 1: binary64 rounds it to an integer, ties to even.
  const k = nearest ? t + SHIFT - SHIFT : Math.floor(t);
  return Math.min(Math.max(k, kmin), kmax) * down + 0; // + 0 turns -0 into +0
}

/** roundFixed for |t| >= 2^51, ±Infinity and NaN (rare: off the hot path). */
function roundFixedWide(t: number, down: number, kmin: number, kmax: number, nearest: boolean): number {
  const k = nearest ? roundHalfEven(t) : Math.floor(t);
  return Math.min(Math.max(k, kmin), kmax) * down + 0;
}

/**
 * The integer nearest to t, ties to even. For |t| < 2^51 by the 1.5 * 2^52 shift (which gives +0, never -0);
 * beyond, Math.round breaks ties upwards and odd ties are moved down (exact for |t| < 2^53; NaN, ±Infinity pass).
 */
export function roundHalfEven(t: number): number {
  if (Math.abs(t) < TWO51) return t + SHIFT - SHIFT;
  const r = Math.round(t);
  return r - t === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
