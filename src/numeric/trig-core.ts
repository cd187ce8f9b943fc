/*
 * sin x and cos x in double-double with a proven bound on the error: the fast half of the correctly rounded sin and
 * cos (trig.ts). Nothing here calls Math.sin or Math.cos.
 *
 * 1. Reduction, x = k pi/2 + r with |r| <= (1/2 + 2^-30) pi/2 < 0.7854, r = rh + rl within er:
 *    - |x| < 2^20 (Cody-Waite): k = nearest(x 2/pi) in binary64 (any integer near it does: only |r| matters),
 *      |k| < 2^20; pi/2 = P1 + P2 + P3 + P4 + tau, P1..P3 of 33 significant bits each (so k Pi is exact),
 *      P4 the binary64 nearest the rest, |tau| < 2^-150. x - k P1 is exact: for k != 0, |x| > 0.78 so ulp(x)
 *      >= 2^-53, and |x| < 2^21 so ulp(x) <= 2^-32 divides k P1; the difference is below 1 and a multiple of
 *      ulp(x). Then TwoSum(a, -k P2), TwoSum(., -k P3) are exact; the low parts and -k P4 are added in binary64:
 *      er = 2.01u (|e1| + |e2| + |k P4|) + u |k P4| + |k| 2^-150.
 *    - |x| >= 2^20 (Payne-Hanek, in integers): x = M 2^E, T = floor(2^W 2/pi) (W = 1240 bits, from interval.ts's
 *      pi), M T 2^(E - W) is x 2/pi within 2^(53 + E - W) (+ T's own few units) <= 2^-210 for every binary64; its
 *      value mod 4 gives k mod 4 and the fraction f in [-1/2, 1/2], as an integer; f is read as a double-double
 *      (relative 2^-106) and multiplied by pi/2 (a double-double within 2^-106): er = 2^-100 |r| + 2 |f's error|.
 *      Only a 262-bit window of T enters the product (the bits above give multiples of 4, those below < 2^-207).
 * 2. Kernel, |r| = c + t with c = j/64 (j = nearest(64 |rh|) <= 51, exact), t = th + rl, |th| <= 1/128 + 2^-40
 *    (th = |rh| - c is exact: c is a multiple of 2^-6, a multiple of ulp(rh), and the difference is below
 *    2^-7, so it has at most 53 bits; for j = 0, th = |rh|). S_j = sin c, C_j = cos c from a table of
 *    double-doubles computed here in exact intervals (within 2^-104). Then
 *       sin |r| = S_j + C_j t + C_j (sin t - t) + S_j (cos t - 1),
 *       cos |r| = C_j - S_j t - S_j (sin t - t) + C_j (cos t - 1),
 *    with s3 = sin t - t and c2 = cos t - 1 by their Taylor polynomials in th (to th^9 and th^8) and first order
 *    in rl: s3 = th^3 p(th^2) - th^2 rl / 2, c2 = th^2 q(th^2) - th rl. Their errors (truncation
 *    th^11/11! and th^10/10!; the first-order terms' remainders th^4 |rl|/24 + rl^2 and |th|^3 |rl|/6 + rl^2;
 *    Horner's rounding, at most 8u |s3| and 5u |c2| (each level's rounding and the constants' own)) are ES and
 *    EC below. C_j th = a + b exactly (TwoProduct); S_j + a by TwoSum; the other terms in binary64, their
 *    roundings and the seven-term sum's (<= 7u of their absolute sum), the table's 2^-104 (1 + |t|), the terms
 *    dropped (the table's low parts times the small terms) and |cos| er or |sin| er (<= er) make up err.
 *    Fast2Sum normalises the result exactly.
 * The bound is computed at every call from the terms themselves (about 2^-66 of the value at worst, far less in
 * most places); test/numeric/cores.test.ts checks it against the big.js reference.
 */
import { bigToDouble, doubleToBig } from "./exp-core.js";
import { bitLength, doubleParts, dyadic, pi, type Iv } from "./interval.js";
import { sinCosSeries, twoOverPi } from "./exact-trig.js";
import { productError } from "./two-product.js";

const U = 2 ** -53;
const SHIFT = 6755399441055744; // 1.5 * 2^52
const TABLE = 128; // table step 1/128
const TABLE_SIZE = 102; // j <= 101: 0.7854 * 128 < 100.6
const TABLE_ERR = 2 ** -104;

/** Where trigCore writes: [hi, lo, err]. */
export const TRIG_OUT = new Float64Array(3);

/** pi/2 at 256 bits, and its pieces (Cody-Waite and the double-double for Payne-Hanek). */
const PREC = 256;
const HP = pi(PREC - 1).lo; // pi in units of 2^-(PREC-1) is pi/2 in units of 2^-PREC: within 2^-250 below
const P1 = Number(HP >> BigInt(PREC - 32)) * 2 ** -32; // 33 significant bits (pi/2 in [1, 2))
const rest1 = HP - (BigInt(P1 * 2 ** 32) << BigInt(PREC - 32));
const P2 = Number(rest1 >> BigInt(PREC - 65)) * 2 ** -65; // the next 33 bits
const rest2 = rest1 - (BigInt(P2 * 2 ** 65) << BigInt(PREC - 65));
const P3 = Number(rest2 >> BigInt(PREC - 98)) * 2 ** -98;
const rest3 = rest2 - (BigInt(P3 * 2 ** 98) << BigInt(PREC - 98));
const P4 = bigToDouble(rest3, -PREC);
// |pi/2 - P1 - P2 - P3 - P4| <= ulp(P4)/2 + 2^-250 < 2^-150 (P4 < 2^-98).
const TAU = 2 ** -150;
const INV = 2 / Math.PI; // any value near 2/pi works (only |r| matters)
const PIO2_H = bigToDouble(HP, -PREC);
const PIO2_L = bigToDouble(HP - doubleToBig(PIO2_H, PREC), -PREC);

/** 2/pi as an integer T = floor(2^W 2/pi) for Payne-Hanek, W = 1240, and its error bound in units (T <= 2^W 2/pi). */
const W = 1240;
let twoOverPiT: bigint | undefined;
let twoOverPiErr = 0n;
function bigTwoOverPi(): bigint {
  if (twoOverPiT === undefined) {
    const v = twoOverPi(W);
    twoOverPiT = v.lo;
    twoOverPiErr = v.hi - v.lo + 1n;
  }
  return twoOverPiT;
}

/** sin(j/128), cos(j/128) as double-doubles. */
const SH = new Float64Array(TABLE_SIZE);
const SL = new Float64Array(TABLE_SIZE);
const CH = new Float64Array(TABLE_SIZE);
const CL = new Float64Array(TABLE_SIZE);
buildTable();

function buildTable(): void {
  const p = 220;
  for (let j = 0; j < TABLE_SIZE; j++) {
    const c = dyadic(BigInt(j), -7, p);
    for (const [cos, H, L] of [
      [false, SH, SL],
      [true, CH, CL],
    ] as const) {
      const v: Iv = sinCosSeries(c, p, cos);
      const mid = (v.lo + v.hi) >> 1n;
      const h = bigToDouble(mid, -p);
      H[j] = h;
      L[j] = bigToDouble(mid - doubleToBig(h, p), -p);
    }
  }
}

/** The reduction's outputs: rh, rl, er, and the quadrant k mod 4. */
const RED = new Float64Array(3);

/** Cody-Waite for |x| < 2^20; returns k mod 4. */
function reduceSmall(x: number): number {
  const kf = x * INV + SHIFT - SHIFT;
  if (kf === 0) {
    RED[0] = x;
    RED[1] = 0;
    RED[2] = 0;
    return 0;
  }
  const a = x - kf * P1; // exact
  const b = kf * P2; // exact (|k| < 2^20, P2 of 33 bits)
  const c = kf * P3; // exact
  const d = kf * P4; // rounded: within u |d|
  // TwoSum(a, -b)
  const s1 = a - b;
  let bv = s1 - a;
  const e1 = a - (s1 - bv) + (-b - bv);
  // TwoSum(s1, -c)
  const s2 = s1 - c;
  bv = s2 - s1;
  const e2 = s1 - (s2 - bv) + (-c - bv);
  const l = e1 + e2 - d;
  // TwoSum(s2, l): exact whichever is larger.
  const h = s2 + l;
  bv = h - s2;
  RED[0] = h;
  RED[1] = s2 - (h - bv) + (l - bv);
  RED[2] =
    (2.01 * U * (Math.abs(e1) + Math.abs(e2) + Math.abs(d)) + U * Math.abs(d) + Math.abs(kf) * TAU) * (1 + 4 * U);
  return kf & 3;
}

/** v 2^e as a binary64; 0 when it is below 2^-1000 (far below the bound's 2^-100 |r|, which covers it). */
function toDouble(v: bigint, e: number): number {
  return v === 0n || bitLength(v) + e < -1000 ? 0 : bigToDouble(v, e);
}

/** Payne-Hanek in integers for |x| >= 2^20 (any finite binary64); returns k mod 4. */
function reduceLarge(x: number): number {
  const T = bigTwoOverPi();
  const { sig, exp } = doubleParts(x); // exp >= -33 here
  const F0 = W - exp; // fraction bits of M T 2^(E - W)
  const negative = sig < 0n;
  const M = negative ? -sig : sig;
  // Only a window of T matters: its bits above 2^(F0 + 2) give multiples of 4 (dropped by the mask), and those below
  // 2^r add less than M 2^r 2^(E - W) = 2^(53 + r - F0) <= 2^-207 (r leaves 260 fraction bits).
  const r = Math.max(0, F0 - 260);
  const F = F0 - r;
  const mask = (1n << BigInt(F + 2)) - 1n;
  const V = (M * ((T >> BigInt(r)) & mask)) & mask; // (|x| 2/pi mod 4) 2^F, truncated
  const kq = (V + (1n << BigInt(F - 1))) >> BigInt(F);
  const f = V - (kq << BigInt(F)); // in [-2^(F-1), 2^(F-1)]
  // |x 2/pi - (k + f 2^-F)| <= M (T's error + 1) 2^(E-W) + the window's truncation (2^r units of T).
  const ef = Number(twoOverPiErr + 1n) * 2 ** (53 - F0) + 2 ** (53 - F);
  const fh = bigToDouble(f, -F);
  const fl = toDouble(f - doubleToBig(fh, F), -F);
  // r = (fh + fl) (PIO2_H + PIO2_L): TwoProduct, then the cross terms.
  const ph = fh * PIO2_H;
  const pl = productError(fh, PIO2_H, ph) + (fh * PIO2_L + fl * PIO2_H);
  const h = ph + pl;
  const l = pl - (h - ph);
  const k = Number(kq & 3n);
  // |x| = k pi/2 + r; for x < 0, x = -k pi/2 - r.
  RED[0] = negative ? -h : h;
  RED[1] = negative ? -l : l;
  RED[2] = Math.abs(h) * 2 ** -100 + 2 * ef;
  return negative ? (4 - k) & 3 : k;
}

/**
 * sin x (cos false) or cos x (cos true) for a finite x with |x| >= 2^-27: (hi + lo) within err, into TRIG_OUT.
 * |hi| is above 2^-64 (|sin x| >= 2^-62 or so for every binary64 x >= 2^-27, whose distance to the multiples of
 * pi/2 is at least 2^-61): the bound is relative to it.
 */
export function trigCore(x: number, cos: boolean): void {
  const q = Math.abs(x) < 1048576 ? reduceSmall(x) : reduceLarge(x);
  let rh = RED[0]!;
  let rl = RED[1]!;
  const er = RED[2]!;
  // sin x = sin r, cos r, -sin r, -cos r for q = 0..3; cos x = cos r, -sin r, -cos r, sin r.
  const useCos = cos ? (q & 1) === 0 : (q & 1) === 1;
  let negative = cos ? q === 1 || q === 2 : q >= 2;
  if (rh < 0) {
    rh = -rh;
    rl = -rl;
    if (!useCos) negative = !negative; // sin is odd, cos even
  }
  const j = (rh * TABLE + 0.5) | 0;
  const th = rh - j / TABLE; // exact
  const z = th * th;
  const zl = productError(th, th, z); // th^2 = z + zl exactly
  const ath = Math.abs(th);
  const arl = Math.abs(rl);
  // s3 = sin t - t and c2 = cos t - 1 (see the file's comment); c2's leading -z/2 is exact, so its error is the
  // one rounding of the sum and the small terms'.
  const s3 = z * th * (-1 / 6 + z * (1 / 120 + z * (-1 / 5040 + z * (1 / 362880)))) - 0.5 * z * rl;
  const q4 = z * z * (1 / 24 + z * (-1 / 720 + z * (1 / 40320)));
  const c2 = -0.5 * z + (q4 - 0.5 * zl - th * rl);
  const z2 = z * z;
  const ES = 8 * U * Math.abs(s3) + ath * z2 * z2 * z * 2.6e-8 + (z2 * arl) / 24 + rl * rl;
  const EC =
    U * Math.abs(c2) + 5 * U * Math.abs(q4) + 2 * U * ath * arl + z2 * z2 * z * 2.8e-7 + (ath * z * arl) / 6 + rl * rl;
  const sh = SH[j]!;
  const sl = SL[j]!;
  const ch = CH[j]!;
  const cl = CL[j]!;
  // value = (main) + a + b + lo-terms, where main is S (sin) or C (cos) and a + b the product with th exactly.
  let s: number;
  let e: number;
  let b: number;
  let small: number; // the table's low part, its product with th, and the rl term
  let t3: number;
  let t4: number;
  let dropped: number;
  let approx: number;
  if (!useCos) {
    // sin |r| = S + C th + [S_l + C_l th + C rl] + C s3 + S c2
    const a = ch * th;
    b = productError(ch, th, a);
    s = sh + a;
    const bv = s - sh;
    e = sh - (s - bv) + (a - bv);
    small = sl + cl * th + ch * rl;
    t3 = ch * s3;
    t4 = sh * c2;
    dropped = Math.abs(cl) * (arl + Math.abs(s3)) + Math.abs(sl) * Math.abs(c2);
    approx = ch * ES + sh * EC;
  } else {
    // cos |r| = C - S th + [C_l - S_l th - S rl] - S s3 + C c2
    const a = -sh * th;
    b = productError(-sh, th, a);
    s = ch + a;
    const bv = s - ch;
    e = ch - (s - bv) + (a - bv);
    small = cl - sl * th - sh * rl;
    t3 = -sh * s3;
    t4 = ch * c2;
    dropped = Math.abs(sl) * (arl + Math.abs(s3)) + Math.abs(cl) * Math.abs(c2);
    approx = sh * ES + ch * EC;
  }
  // The sum in this order: its roundings are at most u times the partial sums, p1 = e + b (exact if one is 0),
  // p2 = p1 + small, p3 = p2 + t3, l = p3 + t4; the products' roundings u |t3| + u |t4| + 3u |small|.
  const p2 = e + b + small;
  const p3 = p2 + t3;
  const l = p3 + t4;
  const hi = s + l;
  const lo = l - (hi - s);
  const S1 = Math.abs(e) + Math.abs(b) + Math.abs(small) * (1 + 3 * U);
  const err =
    U * (2 * S1 + (S1 + Math.abs(t3)) + (S1 + Math.abs(t3) + Math.abs(t4))) +
    U * (Math.abs(t3) + Math.abs(t4) + 3 * Math.abs(small)) +
    approx +
    dropped +
    (j === 0 ? 0 : TABLE_ERR * (1 + ath + arl)) + // sin 0 = 0 and cos 0 = 1 are exact
    er;
  TRIG_OUT[0] = negative ? -hi : hi;
  TRIG_OUT[1] = negative ? -lo : lo;
  TRIG_OUT[2] = err * (1 + 16 * U);
}

/** For tests: the reduction alone, [rh, rl, er] and k mod 4. */
export function reduceForTest(x: number): { rh: number; rl: number; er: number; q: number } {
  const q = Math.abs(x) < 1048576 ? reduceSmall(x) : reduceLarge(x);
  return { rh: RED[0]!, rl: RED[1]!, er: RED[2]!, q };
}
