/*
 * e^x, e^x - 1, ln x and ln(1 + x) on intervals (interval.ts), for the slow path: slow but exact, every series cut
 * with a remainder bound. Each function takes and returns intervals at precision p and works internally with guard
 * bits; the functions are monotone increasing, so an interval argument is handled through its ends.
 */
import {
  add,
  bitLength,
  div,
  divInt,
  dyadic,
  int,
  iv,
  ln2,
  magnitude,
  mul,
  mulInt,
  neg,
  rescale,
  scale,
  sub,
  widen,
  type Iv,
} from "./interval.js";

const GUARD = 40;

/** An approximate binary64 of v 2^-p (for choosing reduction steps only; never part of a result). */
export function approx(v: bigint, p: number): number {
  const len = bitLength(v);
  const drop = Math.max(0, len - 60);
  return Number(v >> BigInt(drop)) * 2 ** (drop - p);
}

/** n ln2 at precision w, for an integer n (ln 2 taken with enough extra bits that n times its error stays < 4 units). */
function timesLn2(n: number, w: number): Iv {
  const extra = bitLength(BigInt(Math.abs(n))) + 2;
  const v = rescale(mulInt(ln2(w + extra), BigInt(Math.abs(n))), w + extra, w);
  return n < 0 ? neg(v) : v;
}

/**
 * e^a. Reduction a = n ln2 + r (|r| <= ln2/2 + the interval's width), then e^r = (e^(r/2^12))^(2^12): Taylor on
 * |r/2^12| < 2^-13 with remainder <= the last term computed, then twelve squarings (each doubles the relative width:
 * twelve of the forty guard bits), then 2^n.
 */
export function exp(a: Iv, p: number): Iv {
  const w = p + GUARD;
  const x = rescale(a, p, w);
  const n = Math.round(approx((x.lo >> 1n) + (x.hi >> 1n), w) / Math.LN2);
  // The callers handle arguments far outside every format before the slow path (exp(±1e300) would need 2^1e300).
  if (!(Math.abs(n) < 2 ** 21))
    throw new Error(`internal: the exact exp is not for arguments as large as ${approx(x.lo, w)}`);
  const r = scale(sub(x, timesLn2(n, w)), -12);
  let sum = int(1, w);
  let term = int(1, w);
  for (let k = 1n; ; k++) {
    term = divInt(mul(term, r, w), k);
    sum = add(sum, term);
    const t = magnitude(term);
    // |remaining terms| <= |term| |r| / (k + 1) / (1 - |r|) < |term|.
    if (t <= 1n) {
      sum = widen(sum, t + 1n);
      break;
    }
  }
  for (let i = 0; i < 12; i++) sum = mul(sum, sum, w);
  return rescale(scale(sum, n), w, p);
}

/** e^a - 1, without cancellation near 0: the Taylor series itself for |a| < 1/2, else e^a - 1. */
export function expm1(a: Iv, p: number): Iv {
  const w = p + GUARD;
  const x = rescale(a, p, w);
  if (magnitude(x) >= 1n << BigInt(w - 1)) return sub(exp(a, p), int(1, p));
  let sum = x;
  let term = x;
  for (let k = 2n; ; k++) {
    term = divInt(mul(term, x, w), k);
    sum = add(sum, term);
    const t = magnitude(term);
    // |a| < 1/2: |remaining| <= |term| |a| / (k + 1) / (1 - |a|) < |term|.
    if (t <= 1n) {
      sum = widen(sum, t + 1n);
      break;
    }
  }
  return rescale(sum, w, p);
}

/**
 * atanh(z) = sum z^(2i+1)/(2i+1) for |z| <= 1/3, at precision w: the remainder after the term z^(2K+1)/(2K+1) is
 * at most |z|^(2K+3)/((2K+3)(1 - z^2)) < |z^(2K+1)|, the last power computed.
 */
function atanh(z: Iv, w: number): Iv {
  const z2 = mul(z, z, w);
  let sum = z;
  let power = z;
  for (let k = 3n; ; k += 2n) {
    power = mul(power, z2, w);
    sum = add(sum, divInt(power, k));
    const t = magnitude(power);
    if (t <= 1n) return widen(sum, t + 1n);
  }
}

/** ln of v 2^-p > 0: v 2^-p = 2^k y with y in [0.7, 1.4], ln = k ln2 + 2 atanh((y - 1)/(y + 1)), |z| < 0.18. */
function logPoint(v: bigint, p: number): Iv {
  if (v <= 0n) throw new RangeError("log of a non-positive value");
  const w = p + GUARD;
  let k = bitLength(v) - 1 - p; // v 2^-p in [2^k, 2^(k+1))
  let y = dyadic(v, -p - k, w);
  if (y.lo > (14n << BigInt(w)) / 10n) {
    y = scale(y, -1);
    k += 1;
  }
  const one = int(1, w);
  const z = div(sub(y, one), add(y, one), w);
  const s = add(timesLn2(k, w), mulInt(atanh(z, w), 2n));
  return rescale(s, w, p);
}

/** ln a for an interval a > 0 (monotone: through its ends). */
export function log(a: Iv, p: number): Iv {
  if (a.lo === a.hi) return logPoint(a.lo, p);
  return iv(logPoint(a.lo, p).lo, logPoint(a.hi, p).hi);
}

/** ln(1 + a) for 0 <= a <= 1, without cancellation: 2 atanh(a / (2 + a)), with a / (2 + a) in [0, 1/3]. */
export function log1p(a: Iv, p: number): Iv {
  const w = p + GUARD;
  const x = rescale(a, p, w);
  if (x.hi <= 0n && x.lo >= 0n) return iv(0n, 0n);
  const z = div(x, add(x, int(2, w)), w);
  return rescale(mulInt(atanh(z, w), 2n), w, p);
}
