/**
 * Exact arithmetic for evaluating the paper's bounds: rationals over bigint, ceil(log2 N), and natural logarithms
 * enclosed in a certified interval, so every integer the registry reports (the least m, the least k) is exact at any N.
 * Doubles would do for small N, but N / p near an integer, or 128 ln 2N near one, is exactly where they go wrong.
 */

/** A rational number num/den in lowest terms, den > 0. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function rational(num: bigint, den: bigint = 1n): Rational {
  if (den === 0n) throw new RangeError("rational with denominator 0");
  if (den < 0n) [num, den] = [-num, -den];
  const g = gcd(num, den) || 1n;
  return { num: num / g, den: den / g };
}

export const add = (a: Rational, b: Rational): Rational => rational(a.num * b.den + b.num * a.den, a.den * b.den);
export const mul = (a: Rational, b: Rational): Rational => rational(a.num * b.num, a.den * b.den);
export const div = (a: Rational, b: Rational): Rational => rational(a.num * b.den, a.den * b.num);

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

export function ceilDiv(a: bigint, b: bigint): bigint {
  return -floorDiv(-a, b);
}

/** The least integer >= r. */
export const ceil = (r: Rational): bigint => ceilDiv(r.num, r.den);

/** "7" or "1365/28". */
export function ratString(r: Rational): string {
  return r.den === 1n ? r.num.toString() : `${r.num}/${r.den}`;
}

/** Parse "1/4", "0.25" or "3" into a rational; undefined when it is not one of these forms. */
export function parseRational(text: string): Rational | undefined {
  const s = text.trim();
  let m = /^(-?\d+)\/(\d+)$/.exec(s);
  if (m) return BigInt(m[2]!) === 0n ? undefined : rational(BigInt(m[1]!), BigInt(m[2]!));
  m = /^(-?)(\d*)\.?(\d*)$/.exec(s);
  if (!m || (m[2] === "" && m[3] === "")) return undefined;
  const digits = `${m[2] || "0"}${m[3]}`;
  const r = rational(BigInt(digits), 10n ** BigInt(m[3]!.length));
  return m[1] === "-" ? rational(-r.num, r.den) : r;
}

/**
 * A decimal rendering rounded to `sig` significant digits (all of the integer part when it is longer),
 * trailing zeros dropped: 195/4 -> "48.75", 1/3 -> "0.333333". For display only; exact values travel as rationals.
 */
export function decimal(r: Rational, sig = 6): string {
  const neg = r.num < 0n;
  const num = neg ? -r.num : r.num;
  const intDigits = (num / r.den).toString().length;
  const frac = Math.max(0, sig - (num >= r.den ? intDigits : 0));
  // For values below 1, keep `sig` significant digits after the leading zeros.
  let extra = 0;
  if (num < r.den && num > 0n) while ((num * 10n ** BigInt(extra + 1)) / r.den === 0n) extra += 1;
  const places = frac + extra;
  const scaled = (num * 10n ** BigInt(places) * 2n + r.den) / (2n * r.den); // round half up
  let s = scaled.toString().padStart(places + 1, "0");
  if (places > 0) s = `${s.slice(0, -places)}.${s.slice(-places)}`.replace(/\.?0+$/, "");
  return neg && s !== "0" ? `-${s}` : s;
}

/** Number of bits of n >= 0 (0 for 0). */
export function bitLength(n: bigint): number {
  return n <= 0n ? 0 : n.toString(2).length;
}

/**
 * ceil(log2 n) for n >= 1: the paper's "log N" in p + log N. A sum of N values of p bits each is below N * 2^p <=
 * 2^(p + ceil(log2 N)), so it fits p + ceil(log2 N) bits, and no fewer in general (N values of 2^p - 1).
 */
export function log2Ceil(n: bigint): number {
  if (n < 1n) throw new RangeError("log2 of a number below 1");
  return bitLength(n - 1n);
}

// Natural logarithms as fixed-point numbers with SCALE fractional bits and a proven error bound.
const SCALE = 256n;
const ONE = 1n << SCALE;

/** 2 atanh(z) for a fixed-point z in [0, 1/3], by its series; truncation adds at most 1 ulp per operation. */
function twoAtanh(z: bigint): { value: bigint; terms: number } {
  const z2 = (z * z) >> SCALE;
  let power = z;
  let sum = 0n;
  let terms = 0;
  for (let j = 1n; power > 0n; j += 2n) {
    sum += power / j;
    power = (power * z2) >> SCALE;
    terms += 1;
  }
  return { value: 2n * sum, terms };
}

const LN2 = twoAtanh(ONE / 3n); // ln 2 = 2 atanh(1/3)

/**
 * ln(x) for a bigint x >= 1 as an interval [lo, hi] of rationals that contains it, of width below 2^-200 for any
 * x this tool takes. ln x = e ln 2 + 2 atanh((r - 1)/(r + 1)) with x = r 2^e, 1 <= r < 2.
 */
export function lnInterval(x: bigint): { lo: Rational; hi: Rational } {
  if (x < 1n) throw new RangeError("ln of a number below 1");
  const e = bitLength(x) - 1;
  const r = (x << SCALE) >> BigInt(e); // r in [ONE, 2 ONE), truncated by < 1 ulp
  const z = ((r - ONE) << SCALE) / (r + ONE); // in [0, 1/3], truncated by < 1 ulp
  const series = twoAtanh(z);
  const value = BigInt(e) * LN2.value + series.value;
  // Each series term is off by at most (its index + 2) ulps from the truncated powers and the division, doubled by
  // the factor 2; the truncations of r and z move ln by at most 3 ulps (d/dz 2 atanh z <= 2.25 on [0, 1/3]), and the
  // tail after the last nonzero power is below 1 ulp. A generous bound covers all of it.
  const termsErr = (t: number) => BigInt(2 * (t + 2) * (t + 2) + 8);
  const err = BigInt(e) * termsErr(LN2.terms) + termsErr(series.terms);
  return { lo: rational(value - err, ONE), hi: rational(value + err, ONE) };
}

/**
 * ceil(c * ln x) for a rational c > 0 and integer x >= 1, certified: the interval for ln x must not straddle an
 * integer multiple of 1/c. Throws only if c ln x lies within 2^-200 of an integer, which no input of this tool hits.
 */
export function ceilTimesLn(c: Rational, x: bigint): { least: bigint; approx: Rational } {
  const { lo, hi } = lnInterval(x);
  const a = ceil(mul(c, lo));
  const b = ceil(mul(c, hi));
  if (a !== b) throw new Error(`cannot decide ceil(${ratString(c)} ln ${x}) at this precision`);
  return { least: a, approx: mul(c, lo) };
}
