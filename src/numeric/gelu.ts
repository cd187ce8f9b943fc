/*
 * erf and the two GELUs correctly rounded to a number format: the real functions rounded once.
 *
 *   erf x       = (2/sqrt(pi)) int_0^x e^(-t^2) dt
 *   gelu x      = x Phi(x) = (x/2) (1 + erf(x / sqrt 2))                  (PyTorch's GELU, approximate="none")
 *   gelu_tanh x = (x/2) (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))         (approximate="tanh", "gelu_new")
 *               = x sigmoid(2 sqrt(2/pi) (x + 0.044715 x^3)),
 * with sqrt(2/pi) the real constant and 0.044715 the exact decimal 44715/10^6 (not its nearest binary64): the
 * tanh form is a function of its own here, defined by this formula, not an approximation of gelu.
 *
 * Fast path: erf-core.ts (erf for z < 1/2, erfc = e^(-z^2) erfcx(z) beyond), with z = x/sqrt 2 a double-double,
 * and for gelu_tanh the logistic of logistic.ts at a double-double argument (first order in its low part).
 * Slow path: exact-erf.ts and exact-elementary.ts. Non-finite arguments follow the limits: gelu(-inf) = -0 and
 * gelu(+inf) = +inf (x Phi(x) would be NaN at -inf, as it is in PyTorch); erf(±inf) = ±1.
 */
import { ERF_OUT, erfSmall, erfcMid, invSqrt2, twoOverSqrtPiDD } from "./erf-core.js";
import { erf as erfIv, erfc as erfcIv } from "./exact-erf.js";
import { exp as expIv } from "./exact-elementary.js";
import { add, div, fromDouble, int, iv, mul, neg, pi, sqrt, type Iv } from "./interval.js";
import { productError as twoProductError } from "./two-product.js";
import { bigToDouble, doubleToBig } from "./exp-core.js";
import { pow2 } from "./bits.js";
import {
  BINARY64,
  FIXED,
  decideBetween,
  decideNear,
  decideScaled,
  exponentOf,
  roundDD,
  type RoundingTarget,
} from "./round-target.js";
import { decideExactly, startPrecision } from "./slow-path.js";
import { logisticAt } from "./logistic.js";

const U = 2 ** -53;
const SMALLEST = pow2(-1074);

/** erf(x) rounded once. erf(±0) = ±0, erf(±inf) = ±1. */
export function erfRounded(x: number, t: RoundingTarget): number {
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  if (ax === 0) return t.kind === FIXED ? 0 : x;
  const sign = x < 0 ? -1 : 1;
  let v: number;
  if (ax >= 6) {
    // erfc 6 < 2^-55: (1 - 2^-55, 1), mirrored.
    if (ax === Infinity) return roundDD(sign, 0, t);
    v = sign > 0 ? decideBetween(1, -(2 ** -55), 1, -SMALLEST, t) : decideBetween(-1, SMALLEST, -1, 2 ** -55, t);
  } else if (ax < 2 ** -900) {
    // erf x = (2/sqrt(pi)) x (1 - x^2/3 + ...): linear to 2^-1800. x scaled by 2^128 for an exact TwoProduct.
    const [ch, cl] = twoOverSqrtPiDD();
    const xs = ax * 2 ** 128;
    const p = xs * ch;
    const pe = twoProductError(xs, ch, p) + xs * cl;
    const hi = p + pe;
    const lo = pe - (hi - p);
    v = decideScaled(sign * hi, sign * lo, Math.abs(hi) * 2 ** -100, -128, t);
  } else if (ax < 0.5) {
    erfSmall(ax, 0);
    v = decideNear(sign * ERF_OUT[0]!, sign * ERF_OUT[1]!, ERF_OUT[2]!, t);
  } else {
    const m = erfcMid(ax, 0);
    const s = pow2(m); // m >= -60 here (erfc 6 > 2^-56)
    const eh = ERF_OUT[0]! * s;
    const el = ERF_OUT[1]! * s;
    // 1 - erfc: TwoSum(1, -eh) (Fast2Sum: eh < 1/2), then the low part.
    const r = 1 - eh;
    const e = -eh - (r - 1);
    const l = e - el;
    const hi = r + l;
    const lo = l - (hi - r);
    v = decideNear(sign * hi, sign * lo, ERF_OUT[2]! * s + U * Math.abs(l), t);
  }
  if (v === v) return v;
  const start = startPrecision(ax < 1 ? exponentOf(ax) : -1, t);
  return decideExactly(
    (p) => {
      const e = erfIv(fromDouble(ax, p), p);
      return x < 0 ? neg(e) : e;
    },
    start,
    t,
    `erf(${x})`,
    sign,
  );
}

/** Phi(x) = erfc(-x/sqrt 2)/2 into OUT for -39.5 < x < 12 with |x| >= 2^-900; returns its scale. */
const OUT = new Float64Array(3);

function phi(x: number): number {
  // z = x / sqrt 2 as a double-double: TwoProduct(x, r_h) + x r_l; its error is below 2^-104 |z|.
  const [rh, rl] = invSqrt2();
  const p = x * rh;
  const pe = twoProductError(x, rh, p) + x * rl;
  const zh0 = p + pe;
  const zl0 = pe - (zh0 - p);
  const az = Math.abs(zh0);
  const zh = az;
  const zl = x < 0 ? -zl0 : zl0;
  const dz = az * 2 ** -104; // the error of z
  if (az < 0.5) {
    erfSmall(zh, zl);
    // Phi = (1 +- erf)/2; erf' <= 1.13.
    const eh = x < 0 ? -ERF_OUT[0]! : ERF_OUT[0]!;
    const el = x < 0 ? -ERF_OUT[1]! : ERF_OUT[1]!;
    const r = 1 + eh;
    const e = eh - (r - 1);
    const l = e + el;
    const hi = r + l;
    OUT[0] = hi * 0.5;
    OUT[1] = (l - (hi - r)) * 0.5;
    OUT[2] = (ERF_OUT[2]! + 1.13 * dz + U * Math.abs(l)) * 0.5;
    return 0;
  }
  const m = erfcMid(zh, zl);
  // erfc moves by at most (2z + 2) |dz| relatively when z moves by dz.
  const errz = Math.abs(ERF_OUT[0]!) * (2 * az + 2) * dz * 1.01;
  if (x < 0) {
    OUT[0] = ERF_OUT[0]! * 0.5;
    OUT[1] = ERF_OUT[1]! * 0.5;
    OUT[2] = (ERF_OUT[2]! + errz) * 0.5;
    return m;
  }
  // x >= 2^-0.5: Phi = 1 - erfc/2, erfc/2 < 0.24 and m >= -110 (z < 8.5).
  const s = pow2(m) * 0.5;
  const eh = ERF_OUT[0]! * s;
  const el = ERF_OUT[1]! * s;
  const r = 1 - eh;
  const e = -eh - (r - 1);
  const l = e - el;
  const hi = r + l;
  OUT[0] = hi;
  OUT[1] = l - (hi - r);
  OUT[2] = (ERF_OUT[2]! + errz) * s + U * Math.abs(l);
  return 0;
}

/**
 * The format's value of x F where F = (fh + fl +- fe) 2^s, 0 < F <= 1, rounded once (TwoProduct; no rounding of
 * F or of the product in between). NaN when undecided.
 */
function timesX(x: number, fh: number, fl: number, fe: number, s: number, t: RoundingTarget): number {
  const ph = x * fh;
  const pe = twoProductError(x, fh, ph) + x * fl;
  const hi = ph + pe;
  const lo = pe - (hi - ph);
  return decideScaled(hi, lo, (Math.abs(x) * fe + 2 * U * Math.abs(pe)) * (1 + 8 * U), s, t);
}

/**
 * For |x| < 2^-60 (IEEE only: fixed-point values are at least 2^-52): f(x) = x/2 + c x^2 + ... with c > 0 (silu,
 * both GELUs), just above x/2 by less than 2^-58 |x|: x/2 unless that is a midpoint, broken upwards (see silu).
 */
function halfPlusTiny(x: number, t: RoundingTarget): number {
  const h = x * 0.5;
  if (h * 2 !== x && t.kind === BINARY64) return (x + SMALLEST) * 0.5;
  return roundDD(h, SMALLEST, t);
}

/** gelu(x) = x Phi(x) rounded once. gelu(±0) = ±0, gelu(+inf) = +inf, gelu(-inf) = -0. */
export function geluRounded(x: number, t: RoundingTarget): number {
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  if (ax === 0) return t.kind === FIXED ? 0 : x;
  if (x === Infinity) return roundDD(Infinity, 0, t);
  if (x === -Infinity) return roundDD(-0, 0, t);
  let v: number;
  if (x >= 12) {
    // 1 - Phi(12) = erfc(8.48)/2 < 2^-100.
    v = decideBetween(x, -x * 2 ** -100, x, -x * SMALLEST - SMALLEST, t);
  } else if (x <= -39.5) {
    v = decideScaled(-1, 0, 0, -4096, t); // |x Phi(x)| < 2^-1120: a negative value below every format's grid
  } else if (ax < 2 ** -60) {
    return halfPlusTiny(x, t);
  } else {
    const s = phi(x);
    v = timesX(x, OUT[0]!, OUT[1]!, OUT[2]!, s, t);
  }
  if (v === v) return v;
  const E = x < 0 ? Math.floor(-0.7214 * x * x) - exponentOf(ax) - 3 : exponentOf(ax) - 1;
  return decideExactly((p) => geluIv(x, p), startPrecision(E, t), t, `gelu(${x})`, Math.sign(x));
}

// 2 sqrt(2/pi) and 0.044715 as double-doubles, from exact intervals at first use.
let KH = 0;
let KL = 0;
let CH = 0;
let CL = 0;

function constants(): void {
  if (KH !== 0) return;
  const p = 240;
  const k = mul(int(2, p), sqrt(div(int(2, p), pi(p), p), p), p);
  const c = div(int(44715, p), int(1000000, p), p);
  [KH, KL] = ddOf(k, p);
  [CH, CL] = ddOf(c, p);
}

function ddOf(v: Iv, p: number): [number, number] {
  const mid = (v.lo + v.hi) >> 1n;
  const hi = bigToDouble(mid, -p);
  return [hi, bigToDouble(mid - doubleToBig(hi, p), -p)];
}

/** gelu_tanh(x) = x sigmoid(2 sqrt(2/pi) (x + 0.044715 x^3)) rounded once; ±0, +inf, -inf as gelu. */
export function geluTanhRounded(x: number, t: RoundingTarget): number {
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  if (ax === 0) return t.kind === FIXED ? 0 : x;
  if (x === Infinity) return roundDD(Infinity, 0, t);
  if (x === -Infinity) return roundDD(-0, 0, t);
  if (ax < 2 ** -60) return halfPlusTiny(x, t);
  let v: number;
  if (x >= 10) {
    // v = 2u >= 87: 1 - sigmoid(v) < e^-87 < 2^-125.
    v = decideBetween(x, -x * 2 ** -120, x, -x * SMALLEST - SMALLEST, t);
  } else if (x <= -26.5) {
    v = decideScaled(-1, 0, 0, -4096, t); // v <= -1370: |x sigmoid(v)| < 2^-1900
  } else {
    constants();
    // x^2 = a + b (TwoProduct), x^3 = (a + b) x, c x^3, w = x + c x^3 (same sign as x: nothing cancels), v = K w.
    const a = x * x;
    const b = twoProductError(x, x, a);
    const x3 = a * x;
    const x3e = twoProductError(a, x, x3) + b * x;
    const x3h = x3 + x3e;
    const x3l = x3e - (x3h - x3);
    const cx = x3h * CH;
    const cxe = twoProductError(x3h, CH, cx) + (x3h * CL + x3l * CH);
    const s0 = x + cx;
    const bv = s0 - x;
    const se = x - (s0 - bv) + (cx - bv) + cxe;
    const wh = s0 + se;
    const wl = se - (wh - s0);
    const vh0 = wh * KH;
    const vhe = twoProductError(wh, KH, vh0) + (wh * KL + wl * KH);
    const vh = vh0 + vhe;
    const vl = vhe - (vh - vh0);
    if (vh >= 40) {
      v = decideBetween(x, -x * 2 ** -57, x, -x * SMALLEST - SMALLEST, t);
    } else {
      // sigmoid(vh + vl) with |error of v| < 2^-99 |v|.
      const s = logisticAt(vh, vl, Math.abs(vh) * 2 ** -99, OUT);
      v = timesX(x, OUT[0]!, OUT[1]!, OUT[2]!, s, t);
    }
  }
  if (v === v) return v;
  const E = x < 0 ? Math.floor(0.1 * x * x * x * 1.4427 + 2.3 * x) + exponentOf(ax) - 1 : exponentOf(ax) - 1;
  return decideExactly((p) => geluTanhIv(x, p), startPrecision(E, t), t, `gelu_tanh(${x})`, Math.sign(x));
}

/** gelu(x) exactly: x (1 + erf z)/2 for x >= 0, x erfc(-z)/2 for x < 0, z = x / sqrt 2. */
function geluIv(x: number, p: number): Iv {
  const X = fromDouble(x, p);
  const z = div(fromDouble(Math.abs(x), p), sqrt(int(2, p), p), p);
  const zc = iv(z.lo < 0n ? 0n : z.lo, z.hi);
  const phiIv = x >= 0 ? add(int(1, p), erfIv(zc, p)) : erfcIv(zc, p);
  return mul(X, iv(phiIv.lo >> 1n, -(-phiIv.hi >> 1n)), p);
}

/** gelu_tanh(x) exactly: x sigmoid(v), v = 2 sqrt(2/pi) (x + 44715/10^6 x^3). */
function geluTanhIv(x: number, p: number): Iv {
  const X = fromDouble(x, p);
  const c = div(int(44715, p), int(1000000, p), p);
  const w = add(X, mul(c, mul(X, mul(X, X, p), p), p));
  const k = mul(int(2, p), sqrt(div(int(2, p), pi(p), p), p), p);
  const v = mul(k, w, p);
  const at = (e: bigint) => sigmoidPoint(iv(e, e), p);
  return mul(X, iv(at(v.lo).lo, at(v.hi).hi), p);
}

function sigmoidPoint(v: Iv, p: number): Iv {
  if (v.lo >= 0n) return div(int(1, p), add(int(1, p), expIv(neg(v), p)), p);
  const E = expIv(v, p);
  return div(E, add(int(1, p), E), p);
}

/** The exact enclosures the slow path decides with, by function (exported for the tests of the slow path). */
export const geluEnclosures = {
  erf: (x: number, p: number): Iv => {
    const e = erfIv(fromDouble(Math.abs(x), p), p);
    return x < 0 ? neg(e) : e;
  },
  gelu: geluIv,
  geluTanh: geluTanhIv,
};
