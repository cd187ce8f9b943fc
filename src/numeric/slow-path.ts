/*
 * The slow path of the correctly rounded functions: when the fast double-double is too close to a rounding boundary
 * to decide, the function's value is enclosed in exact intervals (interval.ts) of growing precision until both ends
 * round to the same value of the format. Rare (a few in 10^4 calls for binary64, fewer for narrower formats).
 *
 * It ends because the functions' values are never on a boundary except at the arguments the callers treat exactly
 * (exp(0) = 1, tanh(0) = 0, ...): e^a is transcendental for every algebraic a != 0 (Lindemann-Weierstrass), and
 * tanh, sigmoid, softplus, silu and log inherit it. For erf and the GELUs no such theorem is known; a precision cap
 * turns a hypothetical boundary value into an error instead of a silent choice.
 */
import type { Iv } from "./interval.js";
import { FIXED, type RoundingTarget } from "./round-target.js";
import { pow2 } from "./bits.js";

/** How often the slow path ran in this process (benchmarks report it; nothing depends on it). */
export const slowPathStats = { calls: 0 };

/** Largest precision tried (bits); beyond it the value is reported as undecided. */
export const MAX_PRECISION = 1 << 15;

/** The format's value of the real v 2^e, exactly by its rule (IEEE: nearest even, overflow to infinity). */
export function roundExact(v: bigint, e: number, t: RoundingTarget): number {
  if (t.kind === FIXED) return roundFixedExact(v, e, t);
  if (v === 0n) return 0;
  const negative = v < 0n;
  const a = negative ? -v : v;
  const len = a.toString(2).length;
  const E = len - 1 + e; // a 2^e in [2^E, 2^(E+1))
  const m = t.m;
  const Q = Math.max(E, t.emin) - m; // the quantum
  let k: bigint;
  if (Q <= e) k = a << BigInt(e - Q);
  else {
    const s = BigInt(Q - e);
    k = a >> s;
    const rest = a - (k << s);
    const half = 1n << (s - 1n);
    if (rest > half || (rest === half && (k & 1n) === 1n)) k += 1n;
  }
  let r: number;
  if (k === 0n) r = 0;
  else if (k.toString(2).length - 1 + Q > t.emax) r = Infinity;
  else r = Number(k) * pow2(Q);
  return negative ? -r : r;
}

function roundFixedExact(v: bigint, e: number, t: RoundingTarget): number {
  const F = t.m;
  const s = e + F; // the code is v 2^s, rounded
  let k: bigint;
  if (s >= 0) k = v << BigInt(s);
  else {
    const sh = BigInt(-s);
    k = v >> sh; // floor
    if (!t.floor) {
      const rest = v - (k << sh);
      const half = 1n << (sh - 1n);
      if (rest > half || (rest === half && (k & 1n) === 1n)) k += 1n;
    }
  }
  const kmax = BigInt(t.kmax);
  const kmin = BigInt(t.kmin);
  const c = k > kmax ? kmax : k < kmin ? kmin : k;
  return Number(c) * pow2(-F) + 0;
}

/**
 * The format's value of a real given by `enclose(p)`, an interval at precision p containing it, whose sign is
 * `sign` (1 or -1; the value is never 0 here): p doubles from `p0` until both ends round alike. Throws (an internal
 * error, never expected) past MAX_PRECISION.
 */
export function decideExactly(
  enclose: (p: number) => Iv,
  p0: number,
  t: RoundingTarget,
  what: string,
  sign: number,
): number {
  slowPathStats.calls++;
  for (let p = Math.max(64, Math.ceil(p0)); p <= MAX_PRECISION; p *= 2) {
    let box: Iv;
    try {
      box = enclose(p);
    } catch (e) {
      // An enclosure that cannot be formed at this precision (a logarithm's argument interval reaching 0, a
      // quotient's divisor interval containing 0) is undecided: more bits separate it from 0.
      if (e instanceof RangeError) continue;
      throw e;
    }
    // The value's sign is known (`sign`, from the function's definition): an end on the wrong side of 0 stands for
    // "just inside 0", which rounds as any value far below every format's grid (2^-(p+2000) here) does. Without this
    // a value like gelu(-2616) ~ -10^-1480000 would need millions of bits to leave 0.
    const a = sign > 0 && box.lo <= 0n ? roundExact(1n, -(p + 2000), t) : roundExact(box.lo, -p, t);
    const b = sign < 0 && box.hi >= 0n ? roundExact(-1n, -(p + 2000), t) : roundExact(box.hi, -p, t);
    if (a === b && (a !== 0 || 1 / a === 1 / b)) return a;
  }
  throw new Error(`internal: ${what} is not decided at ${MAX_PRECISION} bits (a value on a rounding boundary?)`);
}

/** A starting precision for a value near 2^E: the bits down to the format's quantum there, and guard bits. */
export function startPrecision(E: number, t: RoundingTarget): number {
  return Math.max(64, (t.kind === FIXED ? t.m : t.m - Math.max(E, t.emin)) + 40);
}
