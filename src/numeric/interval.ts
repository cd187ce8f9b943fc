/*
 * Exact real arithmetic for the slow path of the correctly rounded functions: closed intervals [lo, hi] 2^-p with
 * bigint ends at a precision p (fraction bits), every operation rounding outwards (lo down, hi up), so the real
 * result of an expression of exact inputs always lies in the interval computed for it. Precision is absolute:
 * the caller (slow-path.ts) asks for more bits until the interval is narrow enough to decide a rounding.
 *
 * Only what the transcendentals need is here: + - * /, scaling by powers of two and small integers, square roots,
 * and the constants ln 2 and pi, each with an error bound of its own (series truncated with a bounded remainder).
 */

export interface Iv {
  readonly lo: bigint;
  readonly hi: bigint;
}

export const iv = (lo: bigint, hi: bigint): Iv => ({ lo, hi });

/** floor(a / b) and ceil(a / b) for b > 0 (bigint division truncates toward zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a < 0n && q * b !== a ? q - 1n : q;
}

export function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a > 0n && q * b !== a ? q + 1n : q;
}

/** a 2^-s rounded down / up (s >= 0); bigint >> is floor for negatives too. */
const shrDown = (a: bigint, s: bigint): bigint => a >> s;
const shrUp = (a: bigint, s: bigint): bigint => -(-a >> s);

/** The dyadic sig 2^e at precision p (outwards when it has bits below 2^-p). */
export function dyadic(sig: bigint, e: number, p: number): Iv {
  const s = e + p;
  if (s >= 0) {
    const v = sig << BigInt(s);
    return iv(v, v);
  }
  const k = BigInt(-s);
  return iv(shrDown(sig, k), shrUp(sig, k));
}

/** A small integer k exactly. */
export function int(k: number | bigint, p: number): Iv {
  const v = BigInt(k) << BigInt(p);
  return iv(v, v);
}

export const add = (a: Iv, b: Iv): Iv => iv(a.lo + b.lo, a.hi + b.hi);
export const sub = (a: Iv, b: Iv): Iv => iv(a.lo - b.hi, a.hi - b.lo);
export const neg = (a: Iv): Iv => iv(-a.hi, -a.lo);
export const hull = (a: Iv, b: Iv): Iv => iv(a.lo < b.lo ? a.lo : b.lo, a.hi > b.hi ? a.hi : b.hi);
/** a widened by r units of 2^-p on each side (a remainder bound). */
export const widen = (a: Iv, r: bigint): Iv => iv(a.lo - r, a.hi + r);

export function mul(a: Iv, b: Iv, p: number): Iv {
  const P = BigInt(p);
  const c1 = a.lo * b.lo;
  const c2 = a.lo * b.hi;
  const c3 = a.hi * b.lo;
  const c4 = a.hi * b.hi;
  let lo = c1;
  let hi = c1;
  for (const c of [c2, c3, c4]) {
    if (c < lo) lo = c;
    if (c > hi) hi = c;
  }
  return iv(shrDown(lo, P), shrUp(hi, P));
}

/** a / b, for b not containing 0. */
export function div(a: Iv, b: Iv, p: number): Iv {
  if (b.lo <= 0n && b.hi >= 0n) throw new RangeError("interval division by an interval containing 0");
  const P = BigInt(p);
  const qs: bigint[] = [];
  const qe: bigint[] = [];
  for (const x of [a.lo, a.hi])
    for (const y of [b.lo, b.hi]) {
      // x 2^p / y, rounded both ways (y may be negative).
      const num = y < 0n ? -(x << P) : x << P;
      const den = y < 0n ? -y : y;
      qs.push(floorDiv(num, den));
      qe.push(ceilDiv(num, den));
    }
  let lo = qs[0]!;
  let hi = qe[0]!;
  for (const q of qs) if (q < lo) lo = q;
  for (const q of qe) if (q > hi) hi = q;
  return iv(lo, hi);
}

/** a k, a / k for an integer k > 0. */
export const mulInt = (a: Iv, k: bigint): Iv => iv(a.lo * k, a.hi * k);
export const divInt = (a: Iv, k: bigint): Iv => iv(floorDiv(a.lo, k), ceilDiv(a.hi, k));

/** a 2^s for an integer s. */
export function scale(a: Iv, s: number): Iv {
  if (s >= 0) return iv(a.lo << BigInt(s), a.hi << BigInt(s));
  const k = BigInt(-s);
  return iv(shrDown(a.lo, k), shrUp(a.hi, k));
}

/** The same interval at precision q instead of p (outwards when q < p). */
export const rescale = (a: Iv, p: number, q: number): Iv => scale(a, q - p);

/** floor(sqrt(n)) for n >= 0. */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError("isqrt of a negative");
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** sqrt(a) for a >= 0. */
export function sqrt(a: Iv, p: number): Iv {
  const P = BigInt(p);
  const lo = a.lo <= 0n ? 0n : isqrt(a.lo << P);
  const n = a.hi << P;
  let hi = isqrt(n);
  if (hi * hi < n) hi += 1n;
  return iv(lo, hi);
}

export const isPositive = (a: Iv): boolean => a.lo > 0n;

/** |a| <= 2^-k: the least k, as a number of bits (for series bounds); Infinity for 0. */
export function bitLength(a: bigint): number {
  if (a < 0n) a = -a;
  return a === 0n ? 0 : a.toString(2).length;
}

/** The largest |end| of a. */
export const magnitude = (a: Iv): bigint => {
  const l = a.lo < 0n ? -a.lo : a.lo;
  const h = a.hi < 0n ? -a.hi : a.hi;
  return l > h ? l : h;
};

/*
 * Constants. Each is computed once at the largest precision asked so far and rescaled outwards.
 * ln 2 = 2 atanh(1/3) = 2 sum_{k>=0} 3^-(2k+1)/(2k+1): terms truncated down (each loses < 2 units), the tail after
 * the last nonzero term is below 9/8 of a unit, so the sum is in [S, S + 2K + 2] for K terms.
 * pi = 16 atan(1/5) - 4 atan(1/239) (Machin), atan(1/k) = sum (-1)^i k^-(2i+1)/(2i+1): each truncated term loses
 * < 2 units and the tail is below a unit, so each sum is within 2K + 1 units.
 */
let ln2Cache: { p: number; v: Iv } | undefined;
let piCache: { p: number; v: Iv } | undefined;

export function ln2(p: number): Iv {
  if (ln2Cache === undefined || ln2Cache.p < p) {
    const q = Math.max(p, 2 * (ln2Cache?.p ?? 64));
    const w = q + 8;
    const one = 1n << BigInt(w);
    let sum = 0n;
    let power = one / 3n;
    let terms = 0n;
    for (let k = 1n; power > 0n; k += 2n, terms++) {
      sum += power / k;
      power /= 9n;
    }
    ln2Cache = { p: q, v: rescale(iv(2n * sum, 2n * (sum + 2n * terms + 2n)), w, q) };
  }
  return rescale(ln2Cache.v, ln2Cache.p, p);
}

function atanInv(k: bigint, w: number): Iv {
  const one = 1n << BigInt(w);
  let sum = 0n;
  let power = one / k;
  const k2 = k * k;
  let terms = 0n;
  for (let i = 0n; power > 0n; i++, terms++) {
    const t = power / (2n * i + 1n);
    sum += i % 2n === 0n ? t : -t;
    power /= k2;
  }
  return iv(sum - 2n * terms - 1n, sum + 2n * terms + 1n);
}

export function pi(p: number): Iv {
  if (piCache === undefined || piCache.p < p) {
    const q = Math.max(p, 2 * (piCache?.p ?? 64));
    const w = q + 16;
    const v = sub(mulInt(atanInv(5n, w), 16n), mulInt(atanInv(239n, w), 4n));
    piCache = { p: q, v: rescale(v, w, q) };
  }
  return rescale(piCache.v, piCache.p, p);
}

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

/** A finite binary64 exactly, as sig 2^exp. */
export function doubleParts(x: number): { sig: bigint; exp: number } {
  F64[0] = x;
  const bits = U64[0]!;
  const biased = Number((bits >> 52n) & 0x7ffn);
  if (biased === 0x7ff) throw new RangeError(`${x} is not finite`);
  const frac = bits & ((1n << 52n) - 1n);
  const sig = biased === 0 ? frac : frac | (1n << 52n);
  return { sig: bits >> 63n === 1n ? -sig : sig, exp: biased === 0 ? -1074 : biased - 1075 };
}

/** A finite binary64 as an interval at precision p (exact when p covers its last bit). */
export function fromDouble(x: number, p: number): Iv {
  const { sig, exp } = doubleParts(x);
  return dyadic(sig, exp, p);
}
