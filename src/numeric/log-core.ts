/*
 * ln x and ln(1 + w) in double-double with a proven error bound: the fast half of the correctly rounded log and
 * softplus. Nothing here calls Math.log.
 *
 * Method: x = 2^k y with y in [0.707, 1.414) (y's top 7 fraction bits pick a table entry; from 1.4140625 on, y is
 * halved and k raised, so that x near 1 from either side has k = 0 and nothing cancels), then
 *   ln x = k ln2 + T_j + ln(1 + z),  z = y r_j - 1,  T_j = -ln r_j,
 * with r_j a short approximation of 1/y's centre (r = 1 at both ends next to 1, so there ln x = ln(1 + z) exactly)
 * and T_j a double-double computed at first use from the exact intervals (never typed in). z is exact: y r_j is
 * split by TwoProduct and y r_j - 1 is exact (Sterbenz); |z| < 2^-7.
 * ln(1 + z) = z - z^2/2 + z^3/3 + z^4 P(z): the first three in double-double, z^4 P(z) (the series to z^11) in binary64.
 *
 * Error bound (u = 2^-53), each term in the code: Horner's rounding of z^4 P < 3.3u |R|; the series' truncation
 * < |z|^12/12 (1.01); using zh for z in R costs < 1.1 |z^2 zl|; z^2/2 drops zl^2/2 and rounds 2 zh zl (u |zh zl|);
 * the table < 2^-104 |T_j| + 2^-106; k ln2 < |k| (u |L2| + |L3|) with ln2 = L1 + L2 + L3, L1 of 42 bits (k L1 exact
 * for |k| < 2^11); the last sums < 3u (sum of the magnitudes of their terms). test/numeric/log-core.test.ts checks
 * the bound against an exact reference.
 */
import { fromDouble, ln2, neg, type Iv } from "./interval.js";
import { log as logIv } from "./exact-elementary.js";
import { bigToDouble, doubleToBig } from "./exp-core.js";
import { pow2 } from "./bits.js";

const U = 2 ** -53;

/** Where the cores write: [hi, lo, err]. */
export const LOG_OUT = new Float64Array(3);

const R = new Float64Array(128);
// 1/3 as a double-double, and its high part split for Dekker's product.
const THIRD_H = 1 / 3;
// binary64's 1/3 is 1/3 (1 - 2^-54) (the 54th bit of 0.0101... is 0), so the rest is THIRD_H 2^-54 within u of itself.
const THIRD_L = THIRD_H * 2 ** -54;
const THIRD_HH = 134217729 * THIRD_H - (134217729 * THIRD_H - THIRD_H);
const THIRD_HL = THIRD_H - THIRD_HH;
const TH = new Float64Array(128);
const TL = new Float64Array(128);
const TE = new Float64Array(128);
let L1 = 0;
let L2 = 0;
let LERR = 0;
let built = false;

/** The split and the tables, built on first use (the exact logs take about 10 ms). */
function build(): void {
  const p = 256;
  const l = ln2(p);
  const ln2v = l.lo; // within 2^-250 of ln 2
  L1 = bigToDouble(ln2v >> BigInt(p - 42), -42); // 42 bits: ln 2 truncated, so k L1 is exact for |k| < 2^11
  const rest = ln2v - doubleToBig(L1, p);
  L2 = bigToDouble(rest, -p);
  const rest3 = rest - doubleToBig(L2, p);
  LERR = (Math.abs(bigToDouble(rest3, -p)) + 2 ** -248 + U * Math.abs(L2)) * (1 + 4 * U);
  for (let j = 0; j < 128; j++) {
    const folded = j >= 53;
    const centre = 1 + (j + 0.5) / 128;
    let r: number;
    if (j === 0 || j === 127) r = 1;
    else {
      const approx = folded ? 2 / centre : 1 / centre;
      r = Math.round(approx * 2 ** 24) * 2 ** -24; // 24 bits: any value near 1/y works, z is exact anyway
    }
    R[j] = r;
    if (r === 1) {
      TH[j] = 0;
      TL[j] = 0;
      TE[j] = 0;
      continue;
    }
    const t: Iv = neg(logIv(fromDouble(r, p), p)); // -ln r, within 2^-250
    const mid = (t.lo + t.hi) >> 1n;
    const hi = bigToDouble(mid, -p);
    const lo = bigToDouble(mid - doubleToBig(hi, p), -p);
    TH[j] = hi;
    TL[j] = lo;
    TE[j] = Math.abs(hi) * 2 ** -104 + 2 ** -106;
  }
  built = true;
}

/** ln x for a finite x > 0 into LOG_OUT = [hi, lo, err], |ln x - (hi + lo)| <= err. */
export function logCore(x: number): void {
  if (!built) build();
  let k = 0;
  if (x < 2 ** -1022) {
    x *= 2 ** 64;
    k = -64;
  }
  SCRATCH[0] = x;
  const hiWord = WORDS[HI]!;
  const e = ((hiWord >>> 20) & 0x7ff) - 1023;
  const j = (hiWord >>> 13) & 127; // the top 7 fraction bits
  let y = x * pow2(-e); // in [1, 2): exact
  k += e;
  if (j >= 53) {
    y *= 0.5;
    k += 1;
  }
  const r = R[j]!;
  // z = y r - 1 exactly: TwoProduct (Dekker), then the exact subtraction of 1.
  const p = y * r;
  let c = 134217729 * y;
  const yh = c - (c - y);
  const yl = y - yh;
  c = 134217729 * r;
  const rh = c - (c - r);
  const rl = r - rh;
  const pe = yh * rh - p + yh * rl + yl * rh + yl * rl;
  const z0 = p - 1;
  // (z0, pe) need not be normalised: normalise by TwoSum.
  const zh = z0 + pe;
  const bv = zh - z0;
  const zl = z0 - (zh - bv) + (pe - bv);
  // z^2 = a + b exactly (TwoProduct of zh by itself), plus 2 zh zl.
  const a = zh * zh;
  c = 134217729 * zh;
  const zhh = c - (c - zh);
  const zhl = zh - zhh;
  const b = zhh * zhh - a + 2 * zhh * zhl + zhl * zhl;
  const zzl = zh * zl;
  // z^3/3 in double-double: z^3 = (a + b) zh (TwoProduct of a by zh, plus b zh), times 1/3 as a double-double.
  const z3 = a * zh;
  c = 134217729 * a;
  const ah = c - (c - a);
  const al = a - ah;
  const z3e = ah * zhh - z3 + ah * zhl + al * zhh + al * zhl + b * zh;
  const t3 = z3 * THIRD_H;
  c = 134217729 * z3;
  const z3h = c - (c - z3);
  const z3l = z3 - z3h;
  const t3e = z3h * THIRD_HH - t3 + z3h * THIRD_HL + z3l * THIRD_HH + z3l * THIRD_HL + (z3 * THIRD_L + z3e * THIRD_H);
  // z^4 P(z): the rest of the series to z^11, in binary64 (below z^4/4: its rounding is far below the bound).
  const Rz =
    a *
    a *
    (-1 / 4 + zh * (1 / 5 + zh * (-1 / 6 + zh * (1 / 7 + zh * (-1 / 8 + zh * (1 / 9 + zh * (-1 / 10 + zh / 11)))))));
  // ln(1 + z) = zh - a/2 + t3 + [zl - b/2 - zzl + t3e + Rz]: TwoSum, then Fast2Sum for t3 (|t3| < |s1|).
  const s0 = zh - a * 0.5;
  const bv1 = s0 - zh;
  const e0 = zh - (s0 - bv1) + (-a * 0.5 - bv1);
  const s1 = s0 + t3;
  const e1 = t3 - (s1 - s0);
  const lp = e0 + e1 + zl - b * 0.5 - zzl + t3e + Rz;
  let err =
    3.3 * U * Math.abs(Rz) +
    a * a * (a * a) * (a * a) * 0.0848 + // |z|^12 / 12 (1.008), with margin for the products' rounding
    1.1 * Math.abs(a * zl) +
    U * Math.abs(zzl) +
    zl * zl +
    4 * U * U * Math.abs(t3) + // the double-double z^3/3
    3 * U * (Math.abs(e0) + Math.abs(e1) + Math.abs(zl) + Math.abs(b) + Math.abs(zzl) + Math.abs(t3e) + Math.abs(Rz));
  // + k ln2 + T_j.
  const kh = k * L1; // exact
  const th = TH[j]!;
  const s2 = kh + th;
  const bv2 = s2 - kh;
  const e2 = kh - (s2 - bv2) + (th - bv2);
  const s3 = s2 + s1;
  const bv3 = s3 - s2;
  const e3 = s2 - (s3 - bv3) + (s1 - bv3);
  const kl = k * L2;
  const lo = e2 + e3 + TL[j]! + kl + lp;
  const hi = s3 + lo;
  const lo2 = lo - (hi - s3);
  err +=
    TE[j]! +
    Math.abs(k) * LERR +
    3 * U * (Math.abs(e2) + Math.abs(e3) + Math.abs(TL[j]!) + Math.abs(kl) + Math.abs(lp)) +
    U * U * Math.abs(hi);
  LOG_OUT[0] = hi;
  LOG_OUT[1] = lo2;
  LOG_OUT[2] = err * (1 + 16 * U);
}

/**
 * ln(1 + w) for w in (0, 1] given as wh + wl within we, into LOG_OUT. 1 + w = sh + sl (Fast2Sum, then wl), and
 * ln(sh + sl) = ln sh + sl/sh - (sl/sh)^2/2 + ...: ln sh by logCore, the rest to first order (|sl/sh| <= 2^-52).
 * So a w below 2^-53 (sh = 1, ln sh = 0) keeps its relative accuracy.
 */
export function log1pCore(wh: number, wl: number, we: number): void {
  const sh = 1 + wh;
  const sl0 = wh - (sh - 1);
  const sl = sl0 + wl;
  logCore(sh);
  const hi0 = LOG_OUT[0]!;
  const lo0 = LOG_OUT[1]!;
  const err0 = LOG_OUT[2]!;
  const q = sl / sh;
  // hi0 + (lo0 + q): hi0 dominates unless hi0 = 0 (sh = 1).
  const t = lo0 + q;
  const hi = hi0 + t;
  const lo = hi0 === 0 ? t - hi : t - (hi - hi0);
  LOG_OUT[0] = hi;
  LOG_OUT[1] = lo;
  LOG_OUT[2] = (err0 + we + Math.abs(q) * 3 * U + q * q + U * Math.abs(t)) * (1 + 16 * U);
}

const SCRATCH = new Float64Array(1);
const WORDS = new Uint32Array(SCRATCH.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
