/*
 * e^x in double-double with a proven bound on its error: the fast half of a correctly rounded exp (and of tanh,
 * sigmoid, softplus, silu, gelu, which are built on it). Nothing here calls Math.exp: the result is defined by the
 * real function, and the bound says how far from it the double-double can be.
 *
 * Method (Tang's table method): x = (256 m + j) ln2/256 + r with |r| <= ln2/512, so
 *   e^x = 2^m 2^(j/256) e^r,
 * 2^(j/256) from a table of double-doubles computed here in integers (never typed in), e^r by its Taylor polynomial.
 *
 * Error bound (u = 2^-53; every step is in the comments below, and test/numeric/exp-core.test.ts checks the bound
 * against an exact reference on random and adversarial arguments):
 * - n = nearest(x 256/ln2) in binary64 (any integer near it would do: only |r| matters); |n| < 2^20 for |x| <= 1500.
 * - r = x - n L1 - n L2 - n L3 with L1 + L2 + L3 = ln2/256, L1 of 33 significant bits (so n L1 is exact), L2 the
 *   binary64 nearest the rest. x - n L1 is exact: both are multiples of ulp(x) (|x| < 2^11 gives ulp(x) | 2^-41)
 *   and the difference is below 2^-9. n L2 is rounded (error <= u |n L2|) and n L3 is dropped: together at most
 *   |n| RED, RED = u |L2| + |L3| < 2^-94. So r = rh + rl + rho exactly, with (rh, rl) from TwoSum, |rho| <= |n| RED.
 *   |r| <= (1/2 + 2^-33) ln2/256 < R = 0.001354.
 * - e^rh = 1 + rh + q(rh), q = sum_{k>=2} rh^k/k!, approximated by the degree-6 Horner value qa. Truncation
 *   sum_{k>=7} <= |rh|^7/5040 (1.01) <= |qa| 2.02 R^5/5040 < |qa| 2^-59 (qa >= rh^2/2 (1 - R/3)); Horner's rounding
 *   < 4u |qa| (rh^2, the level 1/2 + ..., the product; the inner levels are scaled by |rh| < 2^-9).
 * - e^(rl + xl + rho) = 1 + eps + theta, |theta| <= 0.51 eps^2. s1 = e1 + e1 (rh + qa) + qa with e1 = rl + xl
 *   (xl: the low part of a double-double argument) is e^r - 1 - rh within
 *   EP = |qa| 2^-50.5 + 5u |e1| + 2.1u |qa| + 1.01 |n| RED + 0.6 (|e1| + |n| RED)^2.
 * - 2^(j/256) = th + tl + tau, |tau| <= 2^-104 (0 for j = 0: th = 1). With th rh = a + b (TwoProduct) and
 *   th + a = s + e (TwoSum), T e^r = s + (e + b + th s1 + tl (1 + rh)) + [tl s1 + tau (1 + ...) + T eta]:
 *   the bracket and the rounding of the four-term sum, 3u (|e| + |b| + |th s1| + |tl|) 1.01, make up ERR below.
 *   Then Fast2Sum(s, lo) normalises exactly.
 * In all, e^(x + xl) = 2^m (hi + lo + delta) with |delta| <= err, err about 2^-68 of the value at most, and down to
 * about |x|^2 2^-51 for tiny x (every term scales with qa, e1, n or j: none is a constant).
 */
import { pow2 } from "./bits.js";
import { isqrt, ln2 } from "./interval.js";

const N = 256;
const SHIFT = 6755399441055744; // 1.5 * 2^52: x + SHIFT - SHIFT rounds x to an integer
const U = 2 ** -53;
const HORNER = 2 ** -50.5; // Horner's rounding (4u) and the truncation (2^-59), relative to qa
const TABLE_ERR = 2 ** -104;
const TINY = pow2(-1073);

/** Exact constants, derived from integers: ln 2 to 256 bits, then L1, L2, RED, C = 256/ln2. */
const PREC = 256n;
const LN2 = ln2(Number(PREC)).lo; // ln 2 within a few units of 2^-256 below (interval.ts's enclosure)
const LN2N = LN2 / BigInt(N); // ln2/256 in 2^-256 units, truncated
const L1 = Number(LN2N >> (PREC - 41n)) * 2 ** -41; // 33 significant bits (ln2/256 ~ 2^-8.5)
const restL2 = LN2N - (BigInt(L1 * 2 ** 41) << (PREC - 41n)); // ln2/256 - L1, in 2^-256 units
const L2 = bigToDouble(restL2, -Number(PREC));
const restL3 = restL2 - doubleToBig(L2, Number(PREC)); // ln2/256 - L1 - L2 (up to 2^-250)
const RED = (Math.abs(bigToDouble(restL3, -Number(PREC))) + 2 ** -240 + U * Math.abs(L2)) * (1 + 4 * U);
const INV = 256 / Math.LN2; // any value near 256/ln2 works; Math.LN2 is a constant, not a computation

/** 2^(j/256) for j in [0, 256) as double-doubles, and th split for Dekker's product (th = thh + thl exactly). */
const TH = new Float64Array(N);
const TL = new Float64Array(N);
const THH = new Float64Array(N);
const THL = new Float64Array(N);
const TAU = new Float64Array(N); // bound on |2^(j/256) - th - tl|
buildTable();

/** Where expCore writes its result: [hi, lo, err]. */
export const EXP_OUT = new Float64Array(3);

/**
 * A bound on |e^x - 2^m (hi + lo)| / |hi| for every |x| <= 1500 with xl = 0: the terms of `err` below at their
 * largest (|qa| <= R^2/2 (1 + R), |e| <= 2^-52, |n| < 2^20, |th| < 2, |tl| < 2^-52, hi >= e^-R) add up to at most
 * 2^-68.4. Callers that need speed more than tightness use it (`precise` false): it skips the running bound, about
 * a third of the cost (measured). It is loose for tiny x (where the running bound scales with x^2).
 */
export const EXP_REL = 2 ** -67;

/**
 * e^(x + xl) = 2^m (hi + lo + delta), |delta| <= err, into EXP_OUT = [hi, lo, err]; returns m. Needs |x| <= 1500
 * and |xl| <= 2^-40 |x| (a double-double argument's low part, or 0). hi is in [0.99, 2.01). With `precise` false,
 * err is not computed (EXP_OUT[2] is left as it was) and EXP_REL |hi| bounds the error (for xl = 0).
 */
export function expCore(x: number, xl: number, precise = true): number {
  const nf = x * INV + SHIFT - SHIFT;
  const rh0 = x - nf * L1; // exact (see above)
  const t = nf * L2;
  // TwoSum(rh0, -t): exact whatever the magnitudes.
  const rh = rh0 - t;
  const bv = rh - rh0;
  const rl = rh0 - (rh - bv) + (-t - bv);
  const e1 = rl + xl;
  const qa = rh * rh * (0.5 + rh * (1 / 6 + rh * (1 / 24 + rh * (1 / 120 + rh * (1 / 720)))));
  const g = rh + qa;
  const s1 = e1 + e1 * g + qa;
  const n = nf | 0; // |nf| < 2^20: an exact int32
  const j = n & 255;
  const m = (n - j) >> 8;
  const th = TH[j]!;
  const tl = TL[j]!;
  // TwoProduct(th, rh) with th pre-split (Dekker): a + b = th rh exactly.
  const a = th * rh;
  const c = 134217729 * rh;
  const rhh = c - (c - rh);
  const rhl = rh - rhh;
  const thh = THH[j]!;
  const thl = THL[j]!;
  const b = thh * rhh - a + thh * rhl + thl * rhh + thl * rhl;
  // TwoSum(th, a): |a| < th, so Fast2Sum is exact.
  const s = th + a;
  const e = a - (s - th);
  const ths1 = th * s1;
  const lo = e + b + ths1 + tl * (1 + rh);
  const hi = s + lo;
  EXP_OUT[0] = hi;
  EXP_OUT[1] = lo - (hi - s);
  if (precise) {
    const red = Math.abs(nf) * RED;
    const ae1 = Math.abs(e1);
    const aqa = Math.abs(qa);
    const ep = aqa * HORNER + 5 * U * ae1 + 2.1 * U * aqa + 1.01 * red + 0.6 * (ae1 + red) * (ae1 + red);
    const elo = 3.03 * U * (Math.abs(e) + Math.abs(b) + Math.abs(ths1) + Math.abs(tl)) + Math.abs(tl * s1);
    // + 2^-1073: below |x| = 2^-537, x^2 underflows and the terms that scale with it are 0 (the error is x^2/2).
    EXP_OUT[2] = (elo + 2.01 * ep + TAU[j]! * 1.01) * (1 + 16 * U) + TINY;
  }
  return m;
}

/**
 * expCore(x, 0, false) as a function of its own, without the running bound's code: small enough for V8 to inline
 * into the quick paths of exp, tanh and sigmoid (measured: the call and the stores it saves are about a tenth of a
 * tanh). The same arithmetic, so the same hi and lo, within EXP_REL |hi|.
 */
export function expQuick(x: number): number {
  const nf = x * INV + SHIFT - SHIFT;
  const rh0 = x - nf * L1;
  const t = nf * L2;
  const rh = rh0 - t;
  const bv = rh - rh0;
  const rl = rh0 - (rh - bv) + (-t - bv);
  const qa = rh * rh * (0.5 + rh * (1 / 6 + rh * (1 / 24 + rh * (1 / 120 + rh * (1 / 720)))));
  const s1 = rl + rl * (rh + qa) + qa;
  const n = nf | 0;
  const j = n & 255;
  const th = TH[j]!;
  const a = th * rh;
  const c = 134217729 * rh;
  const rhh = c - (c - rh);
  const rhl = rh - rhh;
  const thh = THH[j]!;
  const thl = THL[j]!;
  const b = thh * rhh - a + thh * rhl + thl * rhh + thl * rhl;
  const s = th + a;
  const lo = a - (s - th) + b + th * s1 + TL[j]! * (1 + rh);
  const hi = s + lo;
  EXP_OUT[0] = hi;
  EXP_OUT[1] = lo - (hi - s);
  return (n - j) >> 8;
}

/**
 * The reduction's constants and the table's high parts (2^(j/256) rounded to nearest), for exp-f32.ts's one-double
 * exp. Read once into its own constants: an imported binding read in a hot loop costs a getter call under tsx.
 */
export const EXP_REDUCTION = { INV, SHIFT, L1, L2, TH } as const;

function buildTable(): void {
  // 2^(1/256) = 2^(1/2^8): eight integer square roots of 2 at 240 bits (each floor, so each step loses < 1 unit),
  // then powers by repeated multiplication (each truncated: < j units more). Both bounds are far below 2^-200.
  const P = 240n;
  let root = 2n << P;
  for (let i = 0; i < 8; i++) root = isqrt(root << P);
  let cur = 1n << P;
  for (let j = 0; j < N; j++) {
    const hi = bigToDouble(cur, -Number(P));
    const rest = cur - doubleToBig(hi, Number(P));
    const lo = bigToDouble(rest, -Number(P));
    TH[j] = hi;
    TL[j] = lo;
    const c = 134217729 * hi;
    THH[j] = c - (c - hi);
    THL[j] = hi - THH[j]!;
    // |2^(j/256) - hi - lo| <= ulp(lo)/2 + the integer errors (< 2^-200): bounded by 2^-104 as |lo| < 2^-52.
    TAU[j] = j === 0 ? 0 : TABLE_ERR;
    cur = (cur * root) >> P;
  }
}

/**
 * The binary64 nearest to v 2^e (ties to even), for a bigint v whose value is in binary64's normal range: exact
 * rounding through the top 64 bits and a sticky bit.
 */
export function bigToDouble(v: bigint, e: number): number {
  if (v === 0n) return 0;
  const negative = v < 0n;
  let a = negative ? -v : v;
  const len = a.toString(2).length;
  let shift = 0;
  if (len > 64) {
    shift = len - 64;
    const sticky = a & ((1n << BigInt(shift)) - 1n) ? 1n : 0n;
    a = (a >> BigInt(shift)) | sticky; // 64 bits with a sticky last bit: Number() then rounds once, correctly
  }
  // Number(a) of a 64-bit integer rounds to nearest even; the sticky bit keeps ties honest. Scaling is exact here.
  const r = Number(a) * pow2(shift + e);
  return negative ? -r : r;
}

/** x 2^p as a bigint, for a double x that is an integer multiple of 2^-p. */
export function doubleToBig(x: number, p: number): bigint {
  if (x === 0) return 0n;
  // x = M 2^k with M a 53-bit integer: read it without rounding.
  let k = 0;
  let y = Math.abs(x);
  while (!Number.isInteger(y)) {
    y *= 2;
    k++;
  }
  const M = BigInt(y);
  const shifted = k <= p ? M << BigInt(p - k) : M >> BigInt(k - p);
  return x < 0 ? -shifted : shifted;
}
