/*
 * sin and cos correctly rounded to a number format: the real function at the exact argument, rounded once by the
 * format's rule, for every binary64 argument however large (the reduction by pi/2 is exact: trig-core.ts for the
 * fast path, exact-trig.ts for the slow one). RetNet's rotations (xPos) read them.
 *
 * Special values: sin(±0) = ±0, cos(±0) = 1, sin(±inf) = cos(±inf) = NaN, NaN gives NaN (as every function
 * does for a non-finite argument it has no limit at; a value of a fixed-point format is never one). Tiny arguments, |x| < 2^-26: sin x is strictly
 * between x - x^3/6 and x (x > 0; mirrored), cos x strictly between 1 - 2^-55 and 1, decided without the core.
 * The slow path ends: sin a and cos a are transcendental for every algebraic a != 0 (Lindemann-Weierstrass), so no
 * binary64 argument but 0 has its value on a rounding boundary.
 */
import { TRIG_OUT, trigCore } from "./trig-core.js";
import { sinCosIv } from "./exact-trig.js";
import { pow2 } from "./bits.js";
import type { Iv } from "./interval.js";
import { FIXED, decideBetween, decideNear, exponentOf, roundDD, type RoundingTarget } from "./round-target.js";
import { decideExactly, startPrecision } from "./slow-path.js";

const U = 2 ** -53;
const SMALLEST = pow2(-1074);

/** sin(x) rounded once. */
export function sinRounded(x: number, t: RoundingTarget): number {
  const ax = Math.abs(x);
  if (!(ax < Infinity)) return NaN;
  if (ax < 2 ** -26) {
    if (ax === 0) return t.kind === FIXED ? 0 : x;
    // Below 2^-300 no format has a rounding boundary within x^3 of x (binary64's boundaries are midpoints, x is
    // not one; every other format's boundaries near 0 are above 2^-160): sin x rounds as x does.
    if (ax < 2 ** -300) return roundDD(x, 0, t);
    // x - x^3/6 + x^5/120 - ...: lo = -x^3/6 within 4u of itself, the rest below x^5/120.
    const lo = -(x * x * x) / 6;
    const v = decideNear(x, lo, Math.abs(lo) * (4 * U) + Math.abs(lo) * x * x * 0.06, t);
    if (v === v) return v;
    return slow(x, t, false, exponentOf(ax), Math.sign(x));
  }
  trigCore(x, false);
  const v = decideNear(TRIG_OUT[0]!, TRIG_OUT[1]!, TRIG_OUT[2]!, t);
  if (v === v) return v;
  return slow(x, t, false, exponentOf(Math.abs(TRIG_OUT[0]!)), Math.sign(TRIG_OUT[0]!));
}

/** cos(x) rounded once. */
export function cosRounded(x: number, t: RoundingTarget): number {
  const ax = Math.abs(x);
  if (!(ax < Infinity)) return NaN;
  if (ax < 2 ** -26) {
    if (ax === 0) return roundDD(1, 0, t);
    // 1 - x^2/2 < cos x < 1 with x^2/2 < 2^-53: every format rounds the open range (1 - 2^-53, 1) as it rounds
    // "just below 1" (binary64's midpoint below 1 is 1 - 2^-54; floor gives the grid point below 1). Where x^2/2 is
    // not below 2^-55 the double-double 1 - x^2/2 decides.
    if (ax < 2 ** -28) return decideBetween(1, -(2 ** -55), 1, -SMALLEST, t);
    const lo = -(x * x) / 2;
    const v = decideNear(1, lo, Math.abs(lo) * (2 * U) + lo * lo * 0.17, t);
    if (v === v) return v;
    return slow(x, t, true, -1, 1);
  }
  trigCore(x, true);
  const v = decideNear(TRIG_OUT[0]!, TRIG_OUT[1]!, TRIG_OUT[2]!, t);
  if (v === v) return v;
  return slow(x, t, true, exponentOf(Math.abs(TRIG_OUT[0]!)), Math.sign(TRIG_OUT[0]!));
}

function slow(x: number, t: RoundingTarget, cos: boolean, E: number, sign: number): number {
  const name = cos ? "cos" : "sin";
  return decideExactly((p) => sinCosIv(x, p, cos), startPrecision(E, t), t, `${name}(${x})`, sign);
}

/** The exact enclosures the slow path decides with (for the tests of the slow path). */
export const trigEnclosures = {
  sin: (x: number, p: number): Iv => sinCosIv(x, p, false),
  cos: (x: number, p: number): Iv => sinCosIv(x, p, true),
};
