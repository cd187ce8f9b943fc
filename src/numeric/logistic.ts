/*
 * tanh, the logistic sigmoid and SiLU correctly rounded to a number format: the real function rounded once by the
 * format's rule, never 1/(1 + exp(-x)) evaluated in some engine's arithmetic. The fast path builds each on the
 * double-double e^x of exp-core.ts with its error bound carried through (below); the exact intervals decide the rest.
 *
 *   tanh x    = E / (E + 2),  E = e^(2|x|) - 1      (sign restored after; |x| < 2^-10: the odd Taylor series)
 *   sigmoid x = 1 / (1 + e^-x) for x > 0,  e^x / (1 + e^x) for x < 0   (|x| < 2^-9: 1/2 + tanh(x/2)/2)
 *   silu x    = x sigmoid(x)
 *
 * Propagated error (u = 2^-53): for a quotient E/D with D = E + c, an error dE in E and a rounding dr in D's low
 * part change it by at most (2 |dE| + |E| |dr|) / D^2 (c = 2) or (|dE| + |E| |dr|) / D^2 (D = 1 + E); the
 * double-double division itself (q1 = Eh/Dh, remainder by TwoProduct, q2 = rem/Dh) is within 2^-100 |q| (about
 * 6u^2 in fact). Past |x| = 20 (tanh) or 40 (sigmoid), 1 - |f(x)| < 2^-56, below every format's resolution next to 1,
 * but never 0: the value is passed as the open range (1 - 2^-56, 1), which floors to the grid point below 1.
 */
import { EXP_OUT, EXP_REL, expCore, expQuick } from "./exp-core.js";
import { exp as expIv, expm1 as expm1Iv } from "./exact-elementary.js";
import { add, div, fromDouble, int, mul, neg, type Iv } from "./interval.js";
import { pow2 } from "./bits.js";
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
const DIV_ERR = 2 ** -100; // the double-double division, relative (about 15u^2 in fact)
const MARGIN = 1 + 2 ** -40;
const POW2 = Float64Array.from({ length: 64 }, (_, k) => pow2(k)); // small powers of two
const INV_POW2 = Float64Array.from({ length: 64 }, (_, k) => pow2(-k));
const QUICK_TANH = 2 ** -7;
const QUICK_SIGMOID = 2 ** -9;
// The quick paths' error bounds, e = h/D^2 C1 + q1 C2 (see tanhRounded). The factors: the division's own bound
// (1 + 4u), MARGIN, and decideNear's (1 + 8u) for the rounding of lo -+ e.
const FOLD = (1 + 4 * U) * MARGIN * (1 + 8 * U);
const TANH_C1 = 2 * (EXP_REL + 2.1 * U * U) * FOLD;
const TANH_C2 = (DIV_ERR + 2 ** -97.8 + 4.04 * U * U) * MARGIN * (1 + 8 * U);
const SIGMOID_C1 = EXP_REL * FOLD;
const SIGMOID_C2 = (DIV_ERR + 2.1 * U * U + 4.04 * U * U) * MARGIN * (1 + 8 * U);
const SMALLEST = pow2(-1074);
const SPLIT = 134217729;

/** Where the cores write: [hi, lo, err]; the cores return the binary scale s of the value (hi + lo) 2^s. */
const OUT = new Float64Array(3);

/**
 * tanh of |x| < 2^-10 by x - x^3/3 + 2x^5/15 - 17x^7/315: an alternating series with decreasing terms, so the
 * truncation is below the next term 62|x|^9/2835. The correction lo = x c (c ~ -x^2/3, rounded within 3u) is
 * added by Fast2Sum. (For |x| < 2^-537, x^2 underflows and lo is 0: the value is x within 2^-1074 relatively,
 * which every rounding to nearest takes to x; fixed-point arguments are never that small.)
 */
function tanhSmall(x: number): void {
  const x2 = x * x;
  const c = x2 * (-1 / 3 + x2 * (2 / 15 - x2 * (17 / 315)));
  const l = x * c;
  const hi = x + l;
  const lo = l - (hi - x);
  OUT[0] = hi;
  OUT[1] = lo;
  OUT[2] = (Math.abs(l) * 5 * U + Math.abs(x) * (x2 * x2) * (x2 * x2) * 0.0219) * (1 + 8 * U);
}

/** tanh of 2^-10 <= ax < 20 as E / (E + 2), E = e^(2 ax) - 1 from expCore (2^m below 2^58: exact scalings). */
function tanhMid(ax: number): void {
  const m = expCore(2 * ax, 0);
  const s = POW2[m]!; // 0 <= m <= 58
  const h = EXP_OUT[0]! * s;
  const l = EXP_OUT[1]! * s;
  const errE0 = EXP_OUT[2]! * s;
  // E = (h - 1) + l: TwoSum(h, -1) then l; E > 2^-9.
  const e0 = h - 1;
  const bv = e0 - h;
  const ee = h - (e0 - bv) + (-1 - bv);
  const el0 = ee + l;
  const Eh = e0 + el0;
  const El = el0 - (Eh - e0);
  const errE = errE0 + U * Math.abs(el0);
  // D = E + 2 by TwoSum.
  const d0 = Eh + 2;
  const bd = d0 - Eh;
  const de = Eh - (d0 - bd) + (2 - bd);
  const Dl = de + El;
  const Dh = d0;
  // Q = E / D in double-double, with one division: q1 = Eh/Dh to 2u, the remainder by TwoProduct, q2 = rem/Dh.
  const inv = 1 / Dh;
  const q1 = Eh * inv;
  const pr = q1 * Dh;
  let c = SPLIT * q1;
  const qh = c - (c - q1);
  const ql = q1 - qh;
  c = SPLIT * Dh;
  const dh = c - (c - Dh);
  const dl = Dh - dh;
  const pe = qh * dh - pr + qh * dl + ql * dh + ql * dl;
  const rem = Eh - pr - pe + El - q1 * Dl;
  const q2 = rem * inv;
  const hi = q1 + q2;
  const lo = q2 - (hi - q1);
  OUT[0] = hi;
  OUT[1] = lo;
  OUT[2] = ((2 * errE + Eh * U * Math.abs(Dl)) * (inv * inv) * (1 + 4 * U) + Math.abs(q1) * DIV_ERR) * MARGIN;
}

/** 1 / D or E / D for D = 1 + E, 0 < E < 1 given as a double-double within errE, into OUT. */
function logistic(Eh: number, El: number, errE: number, numeratorIsE: boolean): void {
  // D = 1 + E by Fast2Sum (1 > Eh).
  const Dh = 1 + Eh;
  const de = Eh - (Dh - 1);
  const Dl = de + El;
  const nh = numeratorIsE ? Eh : 1;
  const nl = numeratorIsE ? El : 0;
  const inv = 1 / Dh;
  const q1 = nh * inv;
  const pr = q1 * Dh;
  let c = SPLIT * q1;
  const qh = c - (c - q1);
  const ql = q1 - qh;
  c = SPLIT * Dh;
  const dh = c - (c - Dh);
  const dl = Dh - dh;
  const pe = qh * dh - pr + qh * dl + ql * dh + ql * dl;
  const rem = nh - pr - pe + nl - q1 * Dl;
  const q2 = rem * inv;
  const hi = q1 + q2;
  const lo = q2 - (hi - q1);
  OUT[0] = hi;
  OUT[1] = lo;
  // d(1/D)/dE = -1/D^2 and d(E/D)/dE = 1/D^2; the rounding of Dl moves D by U |Dl|.
  OUT[2] = ((errE + Math.abs(nh) * U * Math.abs(Dl)) * (inv * inv) * (1 + 4 * U) + Math.abs(q1) * DIV_ERR) * MARGIN;
}

/**
 * sigmoid(x) for -1400 <= x < 40, 2^-60 <= |x| (or a fixed-point x), into OUT; returns the scale s (0 unless x < -60).
 */
function sigmoidCore(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2 ** -9) {
    // 1/2 + tanh(x/2)/2 (x/2 exact: |x| >= 2^-60, or a fixed-point value of at least 2^-52).
    tanhSmall(x * 0.5);
    const th = OUT[0]! * 0.5;
    const hi = 0.5 + th;
    const e = th - (hi - 0.5);
    const l = e + OUT[1]! * 0.5;
    const h2 = hi + l;
    OUT[0] = h2;
    OUT[1] = l - (h2 - hi);
    OUT[2] = OUT[2]! * 0.5 + U * Math.abs(l);
    return 0;
  }
  const m = expCore(-ax, 0);
  if (m >= -60) {
    const s = INV_POW2[-m]!;
    logistic(EXP_OUT[0]! * s, EXP_OUT[1]! * s, EXP_OUT[2]! * s, x < 0);
    return 0;
  }
  // x < -41: e^x = w 2^m with 2^m w < 2^-59, sigmoid = w 2^m / (1 + w 2^m) = 2^m (w - w^2 2^m + ...),
  // within w^3 2^(2m) of the first two terms; d = w 2^m may underflow (then it is below 2^-1074).
  const wh = EXP_OUT[0]!;
  const wl = EXP_OUT[1]!;
  const d = wh * (m < -1074 ? 0 : pow2(m));
  const corr = wh * d;
  const lo = wl - corr;
  OUT[0] = wh;
  OUT[1] = lo;
  OUT[2] = (EXP_OUT[2]! + Math.abs(corr) * (2 * U + 2 * Math.abs(d)) + 2 * SMALLEST + U * Math.abs(lo)) * (1 + 8 * U);
  return m;
}

/**
 * sigmoid at a double-double argument vh + vl known within verr (gelu_tanh's 2u), for -1400 <= vh < 40 and
 * |vh| >= 2^-60, into out = [hi, lo, err]; returns the scale. First order in vl: sigmoid' = S (1 - S), and the
 * second order is below |S| (|vl| + verr)^2 (|sigmoid''| <= S (1 - S)). For scaled values (S < 2^-59), 1 - S is 1
 * within 2^-58.
 */
export function logisticAt(vh: number, vl: number, verr: number, out: Float64Array): number {
  const s = sigmoidCore(vh);
  const sh = OUT[0]!;
  const sl = OUT[1]!;
  const oneMinus = s === 0 ? 1 - sh : 1;
  const corr = sh * oneMinus * vl;
  const l = sl + corr;
  const hi = sh + l;
  const lo = l - (hi - sh);
  const d = Math.abs(vl) + verr;
  out[0] = hi;
  out[1] = lo;
  out[2] =
    (OUT[2]! +
      Math.abs(corr) * (3 * U + (s === 0 ? 0 : 2 ** -58)) +
      Math.abs(sh * oneMinus) * verr +
      Math.abs(sh) * d * d +
      U * Math.abs(l)) *
    (1 + 8 * U);
  return s;
}

/**
 * tanh(x) rounded once. tanh(±0) = ±0, tanh(±inf) = ±1, NaN stays NaN.
 *
 * The common range 2^-7 <= |x| < 19 first takes the quick path: the same arithmetic as tanhMid, all in one
 * function and with expCore's constant error bound (EXP_REL) instead of its running one. Measured on this machine,
 * the calls and the running bound were half the cost of a tanh (tanh is most of an LSTM step). What it leaves
 * undecided goes to tanhCareful, which has the tight bounds and then the exact slow path.
 */
export function tanhRounded(x: number, t: RoundingTarget): number {
  const ax = Math.abs(x);
  if (ax >= QUICK_TANH && ax < 19) {
    const m = expQuick(2 * ax);
    const sc = POW2[m]!; // 0 <= m <= 55
    const h = EXP_OUT[0]! * sc;
    const l = EXP_OUT[1]! * sc;
    // E = e^(2ax) - 1 = (h - 1) + l: TwoSum, then l, within h (EXP_REL + 2.1u^2) (|el0| <= 2.02u h).
    const e0 = h - 1;
    const bv = e0 - h;
    const el0 = h - (e0 - bv) + (-1 - bv) + l;
    const Eh = e0 + el0;
    const El = el0 - (Eh - e0);
    // D = E + 2 (TwoSum), Q = E / D (one division, the remainder by TwoProduct): as tanhMid.
    const Dh = Eh + 2;
    const bd = Dh - Eh;
    const Dl = Eh - (Dh - bd) + (2 - bd) + El;
    const inv = 1 / Dh;
    const q1 = Eh * inv;
    const pr = q1 * Dh;
    let c = SPLIT * q1;
    const qh = c - (c - q1);
    const ql = q1 - qh;
    c = SPLIT * Dh;
    const dh = c - (c - Dh);
    const dl = Dh - dh;
    const rem = Eh - pr - (qh * dh - pr + qh * dl + ql * dh + ql * dl) + El - q1 * Dl;
    const q2 = rem * inv;
    const hi = q1 + q2;
    const lo = q2 - (hi - q1);
    // tanhMid's bound and decideNear's margin folded into two constants: 2 errE / D^2, and the terms that are
    // u^2 of the value (Dl's rounding, 2u^2 D^2 / D^2 <= 2^-98 q1 as q1 >= 2^-8; the division; |lo| 4u).
    const e = h * (inv * inv) * TANH_C1 + q1 * TANH_C2;
    const sL = lo - e;
    const Lh = hi + sL;
    const sU = lo + e;
    const Uh = hi + sU;
    if (t.kind === BINARY64) {
      if (Lh === Uh) return x < 0 ? -Lh : Lh;
    } else {
      const sh = x < 0 ? -hi : hi;
      const sl = x < 0 ? -lo : lo;
      const v = t.kind === FIXED ? decideQuickFixed(sh, sl, e, t) : decideQuickIeee(sh, sl, e, t);
      if (v === v) return v;
    }
  }
  return tanhCareful(x, t);
}

function tanhCareful(x: number, t: RoundingTarget): number {
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  let v: number;
  if (ax < 2 ** -10) {
    if (ax === 0) return t.kind === FIXED ? 0 : x; // ±0 (fixed point has only +0)
    // tanh(x) = x(1 - d) with 0 < d < 2^-60: just inside x, toward 0, and no double (so no value or midpoint of a
    // format) lies strictly between. So it rounds as x does, except where x is a midpoint of the format, where it
    // goes to the neighbour toward 0: roundDD's tie-break by the sign of a low part. (decideNear(x, 0, 0) took x as
    // exact: the wrong neighbour at such midpoints, and NaN at the two least subnormals, where |x|/4 underflows.)
    if (t.kind !== FIXED && ax < 2 ** -30) return roundDD(x, x > 0 ? -Number.MIN_VALUE : Number.MIN_VALUE, t);
    tanhSmall(x);
    v = decideNear(OUT[0]!, OUT[1]!, OUT[2]!, t);
  } else if (ax < 20) {
    tanhMid(ax);
    v = x < 0 ? decideNear(-OUT[0]!, -OUT[1]!, OUT[2]!, t) : decideNear(OUT[0]!, OUT[1]!, OUT[2]!, t);
  } else {
    // (1 - 2^-56, 1), or 1 itself at infinity; mirrored below 0.
    if (ax === Infinity) return roundDD(x > 0 ? 1 : -1, 0, t);
    v = x > 0 ? decideBetween(1, -(2 ** -56), 1, -SMALLEST, t) : decideBetween(-1, SMALLEST, -1, 2 ** -56, t);
  }
  if (v === v) return v;
  return decideExactly(
    (p) => tanhIv(x, p),
    startPrecision(exponentOf(Math.max(ax, 2 ** -1000)), t),
    t,
    `tanh(${x})`,
    Math.sign(x),
  );
}

/**
 * sigmoid(x) = 1 / (1 + e^-x) rounded once. sigmoid(±0) = 1/2, sigmoid(+inf) = 1, sigmoid(-inf) = +0.
 * The common range 2^-9 <= |x| < 40 first takes a quick path, for the reasons of tanhRounded's.
 */
export function sigmoidRounded(x: number, t: RoundingTarget): number {
  const ax = Math.abs(x);
  if (ax >= QUICK_SIGMOID && ax < 40) {
    const m = expQuick(-ax);
    const sc = INV_POW2[-m]!; // 0 <= -m <= 58
    const Eh = EXP_OUT[0]! * sc;
    const El = EXP_OUT[1]! * sc;
    // D = 1 + E by Fast2Sum (E < 1), then N / D for N = 1 (x > 0) or E (x < 0): as logistic().
    const Dh = 1 + Eh;
    const Dl = Eh - (Dh - 1) + El;
    const nh = x > 0 ? 1 : Eh;
    const nl = x > 0 ? 0 : El;
    const inv = 1 / Dh;
    const q1 = nh * inv;
    const pr = q1 * Dh;
    let c = SPLIT * q1;
    const qh = c - (c - q1);
    const ql = q1 - qh;
    c = SPLIT * Dh;
    const dh = c - (c - Dh);
    const dl = Dh - dh;
    const rem = nh - pr - (qh * dh - pr + qh * dl + ql * dh + ql * dl) + nl - q1 * Dl;
    const q2 = rem * inv;
    const hi = q1 + q2;
    const lo = q2 - (hi - q1);
    // logistic()'s bound with errE = EXP_REL Eh, and decideNear's margin, in two constants (as tanh's).
    const e = Eh * (inv * inv) * SIGMOID_C1 + q1 * SIGMOID_C2;
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
  return sigmoidCareful(x, t);
}

function sigmoidCareful(x: number, t: RoundingTarget): number {
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  if (ax === 0) return roundDD(0.5, 0, t);
  if (x >= 40) return x === Infinity ? roundDD(1, 0, t) : decideBetween(1, -(2 ** -57), 1, -SMALLEST, t);
  if (x < -1400) return 0; // below 2^-2000: rounds to +0 in every format (floor included: it is positive)
  // Within 2^-62 of 1/2, on the side of x's sign (fixed-point values are never this small; raw doubles may be).
  if (ax < 2 ** -60) return roundDD(0.5, x > 0 ? SMALLEST : -SMALLEST, t);
  const s = sigmoidCore(x);
  const v = decideScaled(OUT[0]!, OUT[1]!, OUT[2]!, s, t);
  if (v === v) return v;
  const E = x < 0 ? Math.floor(x * 1.4427) - 1 : -1;
  return decideExactly((p) => sigmoidIv(x, p), startPrecision(E, t), t, `sigmoid(${x})`, 1);
}

/**
 * silu(x) = x sigmoid(x) rounded once (the product is not rounded in between). silu(±0) = ±0, silu(+inf) = +inf,
 * silu(-inf) = -0 (the limit; x * sigmoid(x) would be NaN there, as it is in PyTorch).
 */
export function siluRounded(x: number, t: RoundingTarget): number {
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  if (ax === 0) return t.kind === FIXED ? 0 : x;
  if (x === Infinity) return roundDD(Infinity, 0, t);
  if (x === -Infinity) return roundDD(-0, 0, t);
  let v: number;
  if (x >= 40) {
    // x (1 - d) with 0 < d < 2^-57: between x (1 - 2^-57) and x (1 - 2^-1074).
    v = decideBetween(x, -x * 2 ** -57, x, -x * SMALLEST - SMALLEST, t);
  } else if (x < -1400) {
    v = decideScaled(-1, 0, 0, -4096, t); // a negative value below 2^-2000 in magnitude
  } else if (ax < 2 ** -60) {
    // x/2 + x^2/4 - ...: just above x/2, by less than 2^-61 |x| (IEEE only: fixed-point x are at least 2^-52).
    // It rounds to x/2 unless x/2 is a midpoint of the format, which the positive remainder breaks upwards. In
    // binary64 that happens for an odd subnormal x, where x/2 is not a double: the answer is (x + 2^-1074)/2.
    const h = x * 0.5;
    if (h * 2 !== x && t.kind === BINARY64) return (x + SMALLEST) * 0.5;
    v = roundDD(h, SMALLEST, t);
  } else {
    const s = sigmoidCore(x);
    const sh = OUT[0]!;
    const sl = OUT[1]!;
    // x (sh + sl): TwoProduct(x, sh) + x sl.
    const ph = x * sh;
    let c = SPLIT * x;
    const xh = c - (c - x);
    const xl = x - xh;
    c = SPLIT * sh;
    const shh = c - (c - sh);
    const shl = sh - shh;
    const pe = xh * shh - ph + xh * shl + xl * shh + xl * shl;
    const pl = pe + x * sl;
    const hi = ph + pl;
    const lo = pl - (hi - ph);
    const err = (ax * OUT[2]! + 2 * U * Math.abs(pl)) * (1 + 8 * U);
    v = decideScaled(hi, lo, err, s, t);
  }
  if (v === v) return v;
  const E = x < 0 ? Math.floor(x * 1.4427) + exponentOf(ax) - 1 : exponentOf(ax) - 1;
  return decideExactly(
    (p) => mul(fromDouble(x, p), sigmoidIv(x, p), p),
    startPrecision(E, t),
    t,
    `silu(${x})`,
    Math.sign(x),
  );
}

/** tanh(x) exactly: E / (E + 2) with E = e^(2|x|) - 1, sign restored. */
function tanhIv(x: number, p: number): Iv {
  const a = fromDouble(Math.abs(x), p);
  const E = expm1Iv(add(a, a), p);
  const q = div(E, add(E, int(2, p)), p);
  return x < 0 ? neg(q) : q;
}

/** sigmoid(x) exactly: 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) for x < 0. */
function sigmoidIv(x: number, p: number): Iv {
  const a = fromDouble(Math.abs(x), p);
  const E = expIv(neg(a), p);
  const D = add(int(1, p), E);
  return x >= 0 ? div(int(1, p), D, p) : div(E, D, p);
}

/** The exact enclosures the slow path decides with, by function (exported for the tests of the slow path). */
export const logisticEnclosures = {
  tanh: tanhIv,
  sigmoid: sigmoidIv,
  silu: (x: number, p: number): Iv => mul(fromDouble(x, p), sigmoidIv(x, p), p),
};
