import { roundSplit } from "./arith-fixed.js";
import { DOWN, KMAX, KMIN, NEAREST, UP, fixedParams, type FixedFormat } from "./fixed.js";
import { ieeeTable, roundIeee, type IeeeFormat } from "./ieee.js";
import type { NumberFormat } from "./format.js";
import { pow2 } from "./bits.js";

/*
 * Where a correctly rounded function's result goes: a number format seen as a rounding rule. The transcendentals
 * (exp, tanh, ...) approximate the real value f(x) by a double-double hi + lo with a proven bound err on the error,
 * so f(x) lies in [hi + lo - err, hi + lo + err]. Rounding is monotone: when both ends of that interval round to
 * the same value of the format, so does f(x), and that value is returned. Otherwise the case is near a rounding
 * boundary (a grid point for floor, a midpoint for nearest) and the exact slow path decides it.
 *
 * The rounding of a double-double h + l (h the binary64 nearest to h + l) is exact here, by the format's rule:
 * - binary64: h itself (h is the correctly rounded value of h + l by construction);
 * - an IEEE format narrower than binary64: its rounding of h, except when h is exactly one of its midpoints (a value
 *   with m + 1 fraction bits but not m) and l != 0, where the sign of l picks the neighbour (no other double lies
 *   between h and h + l, so l cannot carry the value across any other midpoint);
 * - fixed point: arith-fixed's roundSplit on the scaled pair (h 2^F, l 2^F), which handles grid points and ties.
 * The interval's ends are strictly inside or outside every boundary unless f(x) itself is on one, which the callers
 * exclude (the transcendentals are irrational at every argument except the few they treat exactly, such as exp(0)).
 */

/** Target kinds. */
export const BINARY64 = 0,
  IEEE = 1,
  FIXED = 2;

/** A number format as a rounding rule; one per format (targetFor caches), all with one shape (monomorphic). */
export class RoundingTarget {
  constructor(
    readonly format: NumberFormat,
    readonly kind: number,
    /** roundIeee's table for the format (IEEE narrower than binary64), and the one for m + 1 fraction bits. */
    readonly table: Float64Array,
    readonly table1: Float64Array,
    /** fixedParams (fixed point). */
    readonly fixed: Float64Array,
    /** IEEE: fraction bits, least and greatest normal exponent. Fixed: fraction bits F, and 0, 0. */
    readonly m: number,
    readonly emin: number,
    readonly emax: number,
    /** Fixed point: least and greatest codes (IEEE: 0). */
    readonly kmin: number,
    readonly kmax: number,
    /** Rounds down (fixed floor) rather than to nearest. */
    readonly floor: boolean,
    /** IEEE: the least normal value 2^emin (below it the quick decision defers). */
    readonly minNormal: number,
  ) {}
}

const EMPTY = new Float64Array(0);
const cache = new WeakMap<NumberFormat, RoundingTarget>();

export function targetFor(format: NumberFormat): RoundingTarget {
  let t = cache.get(format);
  if (t === undefined) {
    t = build(format);
    cache.set(format, t);
  }
  return t;
}

function build(format: NumberFormat): RoundingTarget {
  if (format.kind === "fixed") {
    const f = format as FixedFormat;
    const p = fixedParams(f.intBits, f.fracBits, f.rounding);
    return new RoundingTarget(
      format,
      FIXED,
      EMPTY,
      EMPTY,
      p,
      f.fracBits,
      0,
      0,
      p[KMIN]!,
      p[KMAX]!,
      p[NEAREST] !== 1,
      0,
    );
  }
  const f = format as IeeeFormat;
  const e = f.exponentBits;
  const m = f.mantissaBits;
  const bias = 2 ** (e - 1) - 1;
  if (e === 11 && m === 52)
    return new RoundingTarget(format, BINARY64, EMPTY, EMPTY, EMPTY, 52, -1022, 1023, 0, 0, false, pow2(-1022));
  const table = ieeeTable(e, m);
  return new RoundingTarget(
    format,
    IEEE,
    table,
    ieeeTable(e, m + 1),
    EMPTY,
    m,
    1 - bias,
    bias,
    0,
    0,
    false,
    pow2(1 - bias),
  );
}

/** The format's value of h + l (|l| <= ulp(h) / 2), exactly by its rule. */
export function roundDD(h: number, l: number, t: RoundingTarget): number {
  switch (t.kind) {
    case BINARY64:
      return h;
    case IEEE: {
      const r = roundIeee(h, t.table);
      if (l === 0 || r === h || roundIeee(h, t.table1) !== h) return r;
      // h is a midpoint between r and its other neighbour 2h - r (which may overflow to infinity: roundIeee
      // says so); l says which side h + l is on.
      const other = roundIeee(2 * h - r, t.table);
      return l > 0 === other > r ? other : r;
    }
    default: {
      const p = t.fixed;
      return roundSplit(h * p[UP]!, l * p[UP]!, p[DOWN]!, p[KMIN]!, p[KMAX]!, p[NEAREST] === 1);
    }
  }
}

/** The format's value of every real in [Lh + Ll, Uh + Ul] (two normalised double-doubles), or NaN when they differ. */
export function decideBetween(Lh: number, Ll: number, Uh: number, Ul: number, t: RoundingTarget): number {
  const a = roundDD(Lh, Ll, t);
  const b = roundDD(Uh, Ul, t);
  // Equal values, with equal signs of zero (a range across 0 rounds to -0 and +0: undecided).
  return a === b && (a !== 0 || 1 / a === 1 / b) ? a : NaN;
}

const U = 2 ** -53;

/**
 * The format's value of every real within err of hi + lo (a normalised double-double), or NaN when undecided.
 * The ends lo -/+ e are computed in binary64 with e = err plus a margin for their own rounding error
 * (|fl(lo - e) - (lo - e)| <= (|lo| + e) 2^-53), so the interval decided on contains [hi + lo - err, hi + lo + err];
 * Fast2Sum then normalises each end exactly (|hi| > |lo| + e is checked, else undecided).
 */
export function decideNear(hi: number, lo: number, err: number, t: RoundingTarget): number {
  const e = (err + Math.abs(lo) * (4 * U)) * (1 + 8 * U);
  if (!(e < Math.abs(hi) * 0.25)) return NaN; // also NaN inputs
  const sL = lo - e;
  const Lh = hi + sL;
  const sU = lo + e;
  const Uh = hi + sU;
  // binary64: roundDD(h, l) is h, and Lh, Uh are nonzero (|hi| > 4e).
  if (t.kind === BINARY64) return Lh === Uh ? Lh : NaN;
  const Ll = sL - (Lh - hi);
  const Ul = sU - (Uh - hi);
  return decideBetween(Lh, Ll, Uh, Ul, t);
}

/**
 * decideNear's question answered more cheaply for the quick paths of exp, tanh and sigmoid: is every real within e
 * of hi + lo (e already includes the margins decideNear adds) inside the rounding cell of one value of the format?
 * Instead of rounding both ends, round hi once (r) and compare the distance (hi - r) + lo +- e with the cell's
 * half-widths: half the quantum q of r's binade on either side, a quarter below a power of two (the binade below
 * has half the quantum); fixed point: the cell [k, k + 1) (floor) or (k - 1/2, k + 1/2) (nearest) in units of 2^-F.
 * hi - r is exact (Sterbenz); the two additions round, so the comparisons keep a margin of 2^-40 of the cell.
 * The subnormal edge and infinities are left to decideNear (NaN: undecided here); fixed point's saturation is
 * decided here. One function per kind, small enough for V8 to inline (binary64 needs none: every real in the
 * interval rounds to Lh when Lh = Uh, as in decideNear). This one: IEEE formats narrower than binary64.
 */
export function decideQuickIeee(hi: number, lo: number, e: number, t: RoundingTarget): number {
  const r = roundIeee(hi, t.table);
  const ar = Math.abs(r);
  if (!(ar > t.minNormal && ar < Infinity)) return NaN;
  SCRATCH[0] = r;
  const hiWord = WORDS[HI]!;
  const q = t.table[(hiWord >>> 20) & 0x7ff]! / 6755399441055744; // C = 1.5 2^52 q: exact
  const half = q * 0.5;
  // r a power of two (fraction bits zero): the cell reaches only q/4 towards zero.
  const pow = (hiWord & 0xfffff) === 0 && WORDS[LO]! === 0;
  const d = hi - r;
  const below = (pow ? half * 0.5 : half) * CELL;
  const above = half * CELL;
  const a = d + (lo - e);
  const b = d + (lo + e);
  // "towards zero" is below for r > 0, above for r < 0.
  if (r > 0 ? a > -below && b < above : a > -above && b < below) return r;
  return NaN;
}

/** decideQuickIeee's question for fixed point. */
export function decideQuickFixed(hi: number, lo: number, e: number, t: RoundingTarget): number {
  const p = t.fixed;
  const up = p[UP]!;
  const down = p[DOWN]!;
  const kmax = p[KMAX]!;
  const kmin = p[KMIN]!;
  const th = hi * up; // exact
  const nearest = p[NEAREST] === 1;
  // Saturation: |th| >= 2^52 is beyond both ends by far more than the interval's width.
  if (!(Math.abs(th) < 4503599627370496)) return th > 0 ? kmax * down : kmin * down;
  if (nearest && !(Math.abs(th) < 2251799813685248)) return NaN; // the shift trick needs |th| < 2^51
  const k = nearest ? th + 6755399441055744 - 6755399441055744 : Math.floor(th);
  if (k > kmax) {
    // Every value from kmax - 1/2 (nearest) or kmax (floor) up saturates to kmax. th - kmax is exact (Sterbenz).
    const a = th - kmax + (lo - e) * up;
    return a > (nearest ? -0.5 * CELL : 1 - CELL) ? kmax * down : NaN;
  }
  if (k < kmin) {
    const b = th - kmin + (lo + e) * up;
    return b < (nearest ? 0.5 * CELL : CELL) ? kmin * down : NaN;
  }
  const f = th - k; // exact
  const a = f + (lo - e) * up;
  const b = f + (lo + e) * up;
  const ok = nearest ? a > -0.5 * CELL && b < 0.5 * CELL : a > 1 - CELL && b < CELL;
  return ok ? k * down + 0 : NaN;
}

const CELL = 1 - 2 ** -40;

const SMALLEST = pow2(-1074);

/**
 * decideNear for the value (hi + lo +- err) 2^s, for any integer s: exp and what is built on it reach far outside
 * binary64's range before scaling (exp(-745) has s = -1075). When the scaled value is well inside binary64's normal
 * range, the scaling is exact (lo may underflow: the smallest subnormal is added to the error) and decideNear
 * decides. Otherwise the value is compared on the format's grid: with q the format's quantum at the value's binade
 * (2^-F, or 2^(max(E, emin) - m) for IEEE), t = value / q is rounded to an integer (floor or nearest) at both ends;
 * saturation, overflow to infinity, underflow to a signed zero and binade crossings are handled on the way (a
 * crossing is left undecided: the slow path takes it). NaN when undecided.
 */
export function decideScaled(hi: number, lo: number, err: number, s: number, t: RoundingTarget): number {
  if (s === 0) return decideNear(hi, lo, err, t);
  const magnitude = Math.abs(hi);
  if (s >= -960 && s <= 960 && magnitude >= 2 ** -60 && magnitude < 2 ** 60) {
    // The common case (exp of a moderate argument): one exact scaling, the value stays normal; a lo or err that
    // becomes subnormal loses at most 2^-1074, added.
    const k = pow2(s);
    return decideNear(hi * k, lo * k, err * k + 2 * SMALLEST, t);
  }
  if (!(err < magnitude * 2 ** -20)) return NaN;
  const E = exponentOf(magnitude) + s; // magnitude in [2^E, 2^(E+1)) after scaling
  if (E > -960 && E < 960) {
    // Scale in two exact steps: hi to [1, 2), then by 2^E. What either step flushes below 2^-1074 (a tiny lo, or
    // err) is at most 2^-1074 2^max(0, E) in all, added to the error.
    if (s - E > 1023) return NaN; // hi itself below 2^-1023: not from any of the cores
    const f1 = pow2(s - E);
    const f2 = pow2(E);
    const slack = pow2(Math.max(0, E) - 1072);
    return decideNear(hi * f1 * f2, lo * f1 * f2, err * f1 * f2 + slack, t);
  }
  // Far outside binary64's normal range: on the format's grid, in units of its quantum q = 2^Q.
  const negative = hi < 0;
  let Q: number;
  if (t.kind === FIXED) Q = -t.m;
  else Q = Math.max(E, t.emin) - t.m;
  const shift = s - Q; // value / q = (hi + lo) 2^shift
  const tE = E - Q;
  if (tE > 60) {
    // Far above every finite value of the format.
    if (t.kind === FIXED) return (negative ? t.kmin : t.kmax) * t.fixed[DOWN]! + 0;
    return negative ? -Infinity : Infinity;
  }
  if (tE < -60) {
    // Far below the smallest nonzero value: zero of the value's sign, or (rounding down) the grid point below.
    if (t.kind === FIXED) return t.floor && negative ? -t.fixed[DOWN]! : 0;
    return negative ? -0 : 0;
  }
  const sc = pow2(shift);
  const th = hi * sc;
  const tl = lo * sc;
  const te = (err * sc + Math.abs(tl) * 4 * U + 2 * SMALLEST) * (1 + 8 * U);
  const floor = t.floor;
  const a = roundUnits(th, tl - te, floor);
  const b = roundUnits(th, tl + te, floor);
  if (a !== b) return NaN;
  if (t.kind === FIXED) return Math.min(Math.max(a, t.kmin), t.kmax) * t.fixed[DOWN]! + 0;
  // IEEE: in the value's binade t is in [2^m, 2^(m+1)) (subnormals: below). A crossing into another binade, whose
  // quantum differs, is left to the slow path; the top of the binade rounding up to 2^(m+1) is exact.
  const ka = Math.abs(a);
  if (E >= t.emin && Math.abs(th) - Math.abs(tl) - te < pow2(t.m)) return NaN;
  if (Q + exponentOf(Math.max(ka, 1)) > t.emax) return negative ? -Infinity : Infinity;
  if (a === 0) return negative ? -0 : 0;
  return a * pow2(Q);
}

/** The integer floor (or nearest, ties to even) of h + l for |h| < 2^53 and |l| < 1, exactly. */
function roundUnits(h: number, l: number, floor: boolean): number {
  const s = h + l;
  const e = l - (s - h); // Fast2Sum: h + l = s + e exactly, |e| <= ulp(s) / 2
  if (floor) {
    // No integer lies strictly between s and s + e (integers below 2^53 are doubles, s is the nearest).
    const k = Math.floor(s);
    return k === s && e < 0 ? k - 1 : k;
  }
  if (Math.abs(s) >= 2 ** 52) {
    // s is an integer and |e| <= 1/2: only an exact tie moves it, to the even neighbour.
    return e === 0.5 || e === -0.5 ? (s % 2 === 0 ? s : s + 2 * e) : s;
  }
  const k = Math.round(s); // ties upwards: a tie s = k - 1/2 is decided by e, or to even
  if (k - s !== 0.5) return k;
  if (e !== 0) return e > 0 ? k : k - 1;
  return k % 2 === 0 ? k : k - 1;
}

/** floor(log2 x) for a finite x > 0, from its bits (subnormals included). */
export function exponentOf(x: number): number {
  if (x >= 2 ** -1022) {
    SCRATCH[0] = x;
    return ((WORDS[HI]! >>> 20) & 0x7ff) - 1023;
  }
  return exponentOf(x * 2 ** 64) - 64;
}

const SCRATCH = new Float64Array(1);
const WORDS = new Uint32Array(SCRATCH.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;
