/*
 * erf and erfc in double-double with a proven error bound: the fast half of the correctly rounded erf and GELU.
 * Nothing here calls an engine's maths library.
 *
 * - z < 1/2: erf z = (2/sqrt(pi)) z S(z^2), S(t) = sum_n (-t)^n / (n! (2n+1)): the terms n <= 4 by Horner in
 *   double-double, n = 5..14 in binary64 (their sum is below 2^-20), truncated after n = 14: an alternating series
 *   with decreasing terms (t <= 1/4) is within its first omitted term, t^15/(15! 31) < 2^-75.
 * - 1/2 <= z < 28: erfc z = e^(-z^2) erfcx(z), erfcx = e^(z^2) erfc z expanded around the nearest a = i/8
 *   (|h| = |z - a| <= 1/16): erfcx(a + h) = sum_k c_k h^k with c_0 = erfcx(a), c_1 = 2a c_0 - 2/sqrt(pi) and
 *   (k+1) c_(k+1) = 2a c_k + 2 c_(k-1) (from erfcx' = 2z erfcx - 2/sqrt(pi)). The c_k are computed at first use in
 *   exact intervals (exact-erf.ts), kept as double-doubles for k <= 3 and doubles beyond. Truncation: with
 *   d_k = |c_k| 16^-k, the recurrence gives d_(k+1) <= (a/8 d_k + d_(k-1)/128)/(k+1) <= max(d_k, d_(k-1))/2 once
 *   k + 1 >= a/4 + 1/64, so the tail after K is at most 2 max(d_K, d_(K-1)); K is the least >= 8 with that below
 *   2^-80 c_0. e^(-z^2) comes from expCore with z^2 as a double-double argument.
 * - erf z = 1 - erfc z for z >= 1/2 (erfc 1/2 < 0.48: nothing cancels).
 */
import { EXP_OUT, expCore } from "./exp-core.js";
import { erfcx as erfcxIv, twoOverRootPi } from "./exact-erf.js";
import { add, divInt, int, iv, mul, mulInt, sub, type Iv } from "./interval.js";
import { bigToDouble, doubleToBig } from "./exp-core.js";

const U = 2 ** -53;
const SPLIT = 134217729;

/** Where the cores write: [hi, lo, err]; functions return the binary scale s of (hi + lo) 2^s. */
export const ERF_OUT = new Float64Array(3);

// 2/sqrt(pi) and 1/sqrt(2) as double-doubles, and the Taylor coefficients of S as double-doubles (exact rationals).
let C2H = 0;
let C2L = 0;
let R2H = 0;
let R2L = 0;
const SH = new Float64Array(5); // (-1)^n / (n! (2n+1)) for n = 0..4, high parts
const SL = new Float64Array(5);
const SW = new Float64Array(10); // n = 5..14 as doubles

const FIRST = 4; // first table index: a = 4/8 = 1/2
const LAST = 224; // last: a = 28
const COUNT = LAST - FIRST + 1;
const CH = new Float64Array(COUNT * 4); // c_0..c_3 high parts
const CL = new Float64Array(COUNT * 4);
const TAIL_AT = new Int32Array(COUNT + 1); // offsets into TAIL of c_4..c_K
let TAIL = new Float64Array(0);
const REM = new Float64Array(COUNT); // bound on |erfcx(a + h) - the stored polynomial at h|: truncation + coefficients
let built = false;

function dd(v: Iv, p: number): [number, number] {
  const mid = (v.lo + v.hi) >> 1n;
  const hi = bigToDouble(mid, -p);
  return [hi, bigToDouble(mid - doubleToBig(hi, p), -p)];
}

function build(): void {
  const p = 240;
  const c = twoOverRootPi(p);
  [C2H, C2L] = dd(c, p);
  // 1/sqrt(2) = sqrt(2)/2 from an integer square root (floor and floor + 1 bracket it).
  const two = 2n << BigInt(2 * p);
  let r = 1n << BigInt(p);
  for (let i = 0; i < 400; i++) r = (r + two / r) >> 1n;
  while (r * r > two) r -= 1n;
  [R2H, R2L] = dd(iv(r / 2n, (r + 1n) / 2n), p);
  let fact = 1n;
  for (let n = 0; n <= 14; n++) {
    if (n > 0) fact *= BigInt(n);
    const den = fact * BigInt(2 * n + 1);
    const v = ((1n << BigInt(p)) / den) * (n % 2 === 0 ? 1n : -1n); // within 2^-240
    const [h, l] = dd(iv(v, v), p);
    if (n <= 4) {
      SH[n] = h;
      SL[n] = l;
    } else SW[n - 5] = h;
  }
  const tail: number[] = [];
  for (let i = 0; i < COUNT; i++) {
    const k8 = BigInt(FIRST + i); // a = k8 / 8
    const a = divInt(int(k8, p), 8n);
    const coeffs: Iv[] = [erfcxIv(a, p)];
    coeffs.push(sub(mul(mulInt(a, 2n), coeffs[0]!, p), c));
    const d = (k: number) => {
      const v = coeffs[k]!;
      const m = v.hi > -v.lo ? v.hi : -v.lo;
      return bigToDouble(m, -p) * 16 ** -k;
    };
    const c0 = bigToDouble(coeffs[0]!.lo, -p);
    let K = 1;
    for (;;) {
      const k = coeffs.length - 1;
      const next = divInt(add(mul(mulInt(a, 2n), coeffs[k]!, p), mulInt(coeffs[k - 1]!, 2n)), BigInt(k + 1));
      coeffs.push(next);
      K = k + 1;
      if (K >= 8 && K + 1 >= Number(k8) / 32 + 1 / 64 && 2 * Math.max(d(K), d(K - 1)) < 2 ** -80 * c0) break;
    }
    let rem = 2 * Math.max(d(K), d(K - 1));
    for (let k = 0; k <= K; k++) {
      const v = coeffs[k]!;
      if (k <= 3) {
        const [h, l] = dd(v, p);
        CH[i * 4 + k] = h;
        CL[i * 4 + k] = l;
        rem += (bigToDouble(v.hi - v.lo, -p) + Math.abs(h) * 2 ** -106) * 16 ** -k;
      } else {
        const h = bigToDouble((v.lo + v.hi) >> 1n, -p);
        tail.push(h);
        rem += (bigToDouble(v.hi - v.lo, -p) + Math.abs(h) * U) * 16 ** -k;
      }
    }
    TAIL_AT[i + 1] = tail.length;
    REM[i] = rem * (1 + 2 ** -40);
  }
  TAIL = Float64Array.from(tail);
  built = true;
}

/**
 * erf of a double-double 0 <= zh + zl < 1/2 (|zl| <= ulp(zh)), into ERF_OUT (scale 0). Needs zh >= 2^-900 (the
 * caller scales tinier arguments: erf is then linear to 2^-1800).
 */
export function erfSmall(zh: number, zl: number): void {
  if (!built) build();
  // t = z^2 = a + b + 2 zh zl (TwoProduct).
  const a = zh * zh;
  let c = SPLIT * zh;
  const hh = c - (c - zh);
  const hl = zh - hh;
  const b = hh * hh - a + 2 * hh * hl + hl * hl;
  const th0 = a;
  const tl0 = b + 2 * zh * zl;
  const th = th0 + tl0;
  const tl = tl0 - (th - th0);
  // W = sum_{n>=5} in binary64 (Horner in t), then S = s_0 + t (s_1 + t (s_2 + t (s_3 + t (s_4 + t W)))) in dd.
  let w = SW[9]!;
  for (let n = 8; n >= 0; n--) w = SW[n]! + th * w;
  // P = s_4 + t w (t w in double: |t w| < 2^-12 |s_4|... carried as the low part).
  let ph = SH[4]!;
  let pl = SL[4]! + th * w;
  for (let n = 3; n >= 0; n--) {
    // P = s_n + t P: (th + tl)(ph + pl) = TwoProduct(th, ph) + th pl + tl ph.
    const m = th * ph;
    c = SPLIT * th;
    const xh = c - (c - th);
    const xl = th - xh;
    c = SPLIT * ph;
    const yh = c - (c - ph);
    const yl = ph - yh;
    const me = xh * yh - m + xh * yl + xl * yh + xl * yl + (th * pl + tl * ph);
    // + s_n by TwoSum.
    const s = SH[n]! + m;
    const bv = s - SH[n]!;
    const e = SH[n]! - (s - bv) + (m - bv);
    const l = e + me + SL[n]!;
    ph = s + l;
    pl = l - (ph - s);
  }
  // erf = (2/sqrt(pi)) z S: two double-double products.
  const z1 = zh * C2H;
  c = SPLIT * zh;
  const zhh = c - (c - zh);
  const zhl = zh - zhh;
  c = SPLIT * C2H;
  const ch = c - (c - C2H);
  const cl = C2H - ch;
  const z1e = zhh * ch - z1 + zhh * cl + zhl * ch + zhl * cl + (zh * C2L + zl * C2H);
  const qh = z1 + z1e;
  const ql = z1e - (qh - z1);
  const r1 = qh * ph;
  c = SPLIT * qh;
  const ah = c - (c - qh);
  const al = qh - ah;
  c = SPLIT * ph;
  const bh = c - (c - ph);
  const bl = ph - bh;
  const r1e = ah * bh - r1 + ah * bl + al * bh + al * bl + (qh * pl + ql * ph);
  const hi = r1 + r1e;
  const lo = r1e - (hi - r1);
  const t5w = Math.abs(th * th * th * (th * th) * w);
  const t5 = th * th * th * (th * th);
  const t15 = t5 * t5 * t5;
  ERF_OUT[0] = hi;
  ERF_OUT[1] = lo;
  // Relative to S >= 0.92: the binary64 tail's rounding, the truncation, the double-double steps (< 2^-100 each).
  ERF_OUT[2] = Math.abs(hi) * (3.9 * U * t5w + 2.47e-14 * 1.1 * t15 + 2 ** -96) * (1 + 2 ** -40);
}

/**
 * erfc of a double-double 1/2 <= zh + zl < 28 (|zl| <= 2^-50 zh), into ERF_OUT; returns the scale s:
 * erfc z = (hi + lo +- err) 2^s. erfcx by the table, e^(-z^2) by expCore, their product.
 */
export function erfcMid(zh: number, zl: number): number {
  if (!built) build();
  const i = Math.round(zh * 8) - FIRST;
  const a = (i + FIRST) / 8;
  // h = (zh - a) + zl exactly as hh + hl (zh - a is exact: Sterbenz).
  const h0 = zh - a;
  const hh = h0 + zl;
  const hv = hh - h0;
  const hl = h0 - (hh - hv) + (zl - hv); // TwoSum: zl may exceed h0
  // Tail c_4 .. c_K in binary64 by Horner.
  const from = TAIL_AT[i]!;
  const to = TAIL_AT[i + 1]!;
  let w = 0;
  for (let k = to - 1; k >= from; k--) w = TAIL[k]! + hh * w;
  // P = c_3 + h w, then P = c_k + h P for k = 2, 1, 0 in double-double (h a double).
  const base = i * 4;
  let ph = CH[base + 3]!;
  let pl = CL[base + 3]! + hh * w;
  let c: number;
  for (let k = 2; k >= 0; k--) {
    const m = hh * ph;
    c = SPLIT * hh;
    const xh = c - (c - hh);
    const xl = hh - xh;
    c = SPLIT * ph;
    const yh = c - (c - ph);
    const yl = ph - yh;
    const me = xh * yh - m + xh * yl + xl * yh + xl * yl + hh * pl;
    const ck = CH[base + k]!;
    const s = ck + m;
    const bv = s - ck;
    const e = ck - (s - bv) + (m - bv);
    const l = e + me + CL[base + k]!;
    ph = s + l;
    pl = l - (ph - s);
  }
  // + c_1 hl: the low part of h to first order (|hl| <= 2^-53 |h|, the next order is below 2^-106).
  pl += CH[base + 1]! * hl;
  const h4w = Math.abs(hh * hh * hh * hh * w);
  const errP = (4 * U * h4w + REM[i]! + Math.abs(ph) * 2 ** -100) * (1 + 2 ** -40);
  // z^2 = sh + sl: TwoProduct(zh, zh) + 2 zh zl.
  const sq = zh * zh;
  c = SPLIT * zh;
  const zhh = c - (c - zh);
  const zhl = zh - zhh;
  const sqe = zhh * zhh - sq + 2 * zhh * zhl + zhl * zhl + 2 * zh * zl;
  const m = expCore(-sq, -sqe);
  const eh = EXP_OUT[0]!;
  const el = EXP_OUT[1]!;
  const ee = EXP_OUT[2]!;
  // (eh + el)(ph + pl).
  const r = eh * ph;
  c = SPLIT * eh;
  const ah = c - (c - eh);
  const al = eh - ah;
  c = SPLIT * ph;
  const bh = c - (c - ph);
  const bl = ph - bh;
  const re = ah * bh - r + ah * bl + al * bh + al * bl + (eh * pl + el * ph);
  const hi = r + re;
  const lo = re - (hi - r);
  ERF_OUT[0] = hi;
  ERF_OUT[1] = lo;
  // The exponent's own error (u |zh zl| and zl^2) moves e^(-z^2) by that much relatively.
  const expArgErr = (U * Math.abs(2 * zh * zl) + zl * zl + U * U * sq) * 1.01;
  ERF_OUT[2] =
    (ee * Math.abs(ph) * 1.01 + errP * Math.abs(eh) * 1.01 + Math.abs(hi) * (expArgErr + 2 ** -100)) * (1 + 2 ** -40);
  return m;
}

/** 1/sqrt(2) as a double-double (for GELU's z = x / sqrt 2). */
export function invSqrt2(): [number, number] {
  if (!built) build();
  return [R2H, R2L];
}

/** 2/sqrt(pi) as a double-double. */
export function twoOverSqrtPiDD(): [number, number] {
  if (!built) build();
  return [C2H, C2L];
}

/**
 * The erfcx table erfcMid evaluates, for binary64 evaluations of it (gelu-f32.ts): entry i (a = (first + i)/8) has
 * coefficients c_0..c_3 (ch[4i + k] + cl[4i + k]) and c_4..c_K (tail[tailAt[i] .. tailAt[i + 1])), and rem[i] bounds
 * |erfcx(a + h) - the polynomial with those coefficients at h| for |h| <= 1/16 (truncation and coefficients).
 */
export function erfcxTable(): {
  first: number;
  count: number;
  ch: Float64Array;
  cl: Float64Array;
  tail: Float64Array;
  tailAt: Int32Array;
  rem: Float64Array;
} {
  if (!built) build();
  return { first: FIRST, count: COUNT, ch: CH, cl: CL, tail: TAIL, tailAt: TAIL_AT, rem: REM };
}
