/*
 * exp, log and softplus correctly rounded to a number format: the real value, rounded once by the format's rule
 * (fixed point: floor or nearest-even, saturating; IEEE: nearest-even, overflowing to infinity, subnormals, the sign
 * of zero kept). The fast double-double (exp-core.ts, log-core.ts) decides almost every case; the rest go to the
 * exact intervals (exact-elementary.ts).
 */
import { EXP_OUT, EXP_REL, expCore, expQuick } from "./exp-core.js";
import { pow2 } from "./bits.js";
import { LOG_OUT, log1pCore, logCore } from "./log-core.js";
import { exp as expIv, log as logIv, log1p as log1pIv } from "./exact-elementary.js";
import { add, fromDouble, neg, type Iv } from "./interval.js";
import {
  BINARY64,
  FIXED,
  decideBetween,
  decideNear,
  decideQuickFixed,
  decideQuickIeee,
  decideScaled,
  exponentOf,
  roundDD,
  type RoundingTarget,
} from "./round-target.js";
import { decideExactly, startPrecision } from "./slow-path.js";

const U = 2 ** -53;
const SMALLEST = pow2(-1074);
/** 2^k for k in [-1022, 1023]. */
const SCALE = Float64Array.from({ length: 2046 }, (_, i) => pow2(i - 1022));
const EXP_C = (EXP_REL + 4.04 * U * U) * (1 + 8 * U);
const EXP_TINY = 2.1 * SMALLEST;

/**
 * e^x rounded once. exp(±0) = 1, exp(+inf) = +inf (fixed: the largest value), exp(-inf) = +0; beyond |x| = 1500
 * the value is far outside every format (saturates, overflows or underflows by its sign).
 */
export function expRounded(x: number, t: RoundingTarget): number {
  // The quick path (see tanhRounded for why): expCore's constant bound, a value in binary64's normal range (a lo
  // or err below 2^-1022 loses at most 2^-1074: added), the decision inline for binary64.
  if (x >= -708 && x <= 709 && x !== 0) {
    const m = expQuick(x);
    const sc = SCALE[m + 1022]!;
    const hi = EXP_OUT[0]! * sc;
    const lo = EXP_OUT[1]! * sc;
    // EXP_REL hi, a subnormal lo's loss, and decideNear's margin for lo -+ e (|lo| <= 1.01u hi): one constant.
    const e = hi * EXP_C + EXP_TINY;
    const sL = lo - e;
    const Lh = hi + sL;
    const sU = lo + e;
    const Uh = hi + sU;
    if (t.kind === BINARY64) {
      if (Lh === Uh) return Lh;
    } else {
      const v = t.kind === FIXED ? decideQuickFixed(hi, lo, e, t) : decideQuickIeee(hi, lo, e, t);
      if (v === v) return v;
    }
  }
  return expCareful(x, t);
}

function expCareful(x: number, t: RoundingTarget): number {
  if (x === 0) return roundDD(1, 0, t);
  if (!(x >= -1500 && x <= 1500)) {
    if (x !== x) return NaN;
    return decideScaled(1, 0, 0, x > 0 ? 4096 : -4096, t);
  }
  const m = expCore(x, 0);
  const v = decideScaled(EXP_OUT[0]!, EXP_OUT[1]!, EXP_OUT[2]!, m, t);
  if (v === v) return v;
  return decideExactly((p) => expIv(fromDouble(x, p), p), startPrecision(m, t), t, `exp(${x})`, 1);
}

/**
 * ln x rounded once, for x > 0. log(1) = +0, log(±0) = -inf, log(+inf) = +inf, log(x < 0) = NaN (IEEE).
 * Fixed point has no infinities or NaN: log(0) saturates to the format's least value and so, by ccbound's choice,
 * does log of a negative value.
 */
export function logRounded(x: number, t: RoundingTarget): number {
  if (!(x > 0 && x < Infinity)) {
    if (x === Infinity) return roundDD(Infinity, 0, t);
    if (t.kind === FIXED && x <= 0) return t.kmin * t.fixed[1]!;
    if (x === 0) return -Infinity;
    return NaN;
  }
  if (x === 1) return 0;
  logCore(x);
  const v = decideNear(LOG_OUT[0]!, LOG_OUT[1]!, LOG_OUT[2]!, t);
  if (v === v) return v;
  const E = exponentOf(Math.abs(LOG_OUT[0]!));
  return decideExactly((p) => logIv(fromDouble(x, p), p), startPrecision(E, t), t, `log(${x})`, x > 1 ? 1 : -1);
}

/**
 * softplus(x) = ln(1 + e^x) rounded once (the real function at every x: no threshold past which x is returned, as
 * PyTorch's Softplus has). softplus(-inf) = +0, softplus(+inf) = +inf, softplus(±0) = ln 2.
 * Computed as ln(1 + e^x) for x <= 0 and x + ln(1 + e^-x) for x > 0, so that nothing cancels.
 */
export function softplusRounded(x: number, t: RoundingTarget): number {
  if (x !== x) return NaN;
  if (x === Infinity) return roundDD(Infinity, 0, t);
  if (x <= -1500) return x === -Infinity ? 0 : decideScaled(1, 0, 0, -4096, t);
  if (x >= 50) {
    // x + d with 0 < d < e^-50 < 2^-72 <= 2^-60 x. No rounding boundary of any format lies strictly between x and
    // x + 2^-1074, so (x, 2^-1074) stands for the lower end even where d is smaller.
    return decideBetween(x, SMALLEST, x, x * 2 ** -60, t);
  }
  const v = softplusFast(x, t);
  if (v === v) return v;
  const start = startPrecision(x > 0 ? exponentOf(x) : Math.floor(x * 1.4427) - 1, t);
  return decideExactly((p) => softplusIv(x, p), start, t, `softplus(${x})`, 1);
}

/** The fast path: e^-|x| by expCore, ln(1 + w) by log1pCore, then x added for x > 0. NaN when undecided. */
function softplusFast(x: number, t: RoundingTarget): number {
  const ax = Math.abs(x);
  const m = expCore(-ax, 0);
  const wh = EXP_OUT[0]!;
  const wl = EXP_OUT[1]!;
  const we = EXP_OUT[2]!;
  if (m < -60) {
    // w = e^-|x| < 2^-59: ln(1 + w) = w - w^2/2 + ..., within w^2 of w. Only x < 0 gets here with something to
    // round (for x > 0, x + w with w below 2^-59 x is decided next to x itself).
    if (x > 0) return decideNear(x, wh * 2 ** m, wh * 2 ** m * 2 ** -50, t);
    const ww = wh * wh * 2 ** m; // w^2 / 2^m (w^2 in the same scale), at most 2^-58 of w
    return decideScaled(wh, wl - ww / 2, we + ww * ww + Math.abs(ww) * 2 ** -52, m, t);
  }
  const s = 2 ** m;
  log1pCore(wh * s, wl * s, we * s);
  const lh = LOG_OUT[0]!;
  const ll = LOG_OUT[1]!;
  const le = LOG_OUT[2]!;
  if (x <= 0) return decideNear(lh, ll, le, t);
  // x + ln(1 + e^-x): TwoSum, then the low parts.
  const sh = x + lh;
  const bv = sh - x;
  const se = x - (sh - bv) + (lh - bv);
  const sl = se + ll;
  const hi = sh + sl;
  const lo = sl - (hi - sh);
  return decideNear(hi, lo, le + Math.abs(sl) * 2 ** -52, t);
}

/** softplus(x) as an exact interval: ln(1 + e^x) for x <= 0, x + ln(1 + e^-x) for x > 0. */
function softplusIv(x: number, p: number): Iv {
  const ax = fromDouble(Math.abs(x), p);
  const w = expIv(neg(ax), p);
  const l = log1pIv(w, p);
  return x > 0 ? add(ax, l) : l;
}

/** The exact enclosures the slow path decides with, by function (exported for the tests of the slow path). */
export const expLogEnclosures = {
  exp: (x: number, p: number): Iv => expIv(fromDouble(x, p), p),
  log: (x: number, p: number): Iv => logIv(fromDouble(x, p), p),
  softplus: softplusIv,
};
