/*
 * erf and erfc on intervals, for the slow path (and for the coefficient tables of erf-core.ts): exact, every
 * series or continued fraction cut with a bound.
 *
 * - 0 <= z <= 3: erf z = (2/sqrt(pi)) sum_n (-1)^n z^(2n+1) / (n! (2n+1)). The terms grow up to about e^(z^2), so
 *   the sum is carried with ceil(1.45 z^2) + 8 more bits; once n > z^2 they decrease, and an alternating series
 *   with decreasing terms is within its first omitted term.
 * - z > 3: erfc z = e^(-z^2) / sqrt(pi) F(z), F = 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))), a continued fraction
 *   with positive elements: its approximants alternate around its value (the even ones increase, the odd ones
 *   decrease), so two consecutive approximants bracket F. Depth doubles until they agree to the precision.
 */
import { exp } from "./exact-elementary.js";
import {
  add,
  div,
  divInt,
  hull,
  int,
  iv,
  magnitude,
  mul,
  neg,
  pi,
  rescale,
  sqrt,
  sub,
  widen,
  type Iv,
} from "./interval.js";

const GUARD = 40;

/** 2/sqrt(pi) and 1/sqrt(pi) at precision w. */
function twoOverSqrtPi(w: number): Iv {
  return div(int(2, w), sqrt(pi(w), w), w);
}

/** erf of one point z >= 0 (an interval of width 0) by the alternating series. */
function erfSeries(z: Iv, p: number): Iv {
  const zf = Number(z.hi >> BigInt(Math.max(0, p - 8))) / 2 ** Math.min(p, 8);
  const extra = Math.ceil(1.45 * zf * zf) + 8;
  const w = p + GUARD + extra;
  const x = rescale(z, p, w);
  const x2 = mul(x, x, w);
  let term = x;
  let sum = x;
  for (let n = 1n; ; n++) {
    term = divInt(mul(term, x2, w), n); // z^(2n+1) / n!
    const a = divInt(term, 2n * n + 1n);
    sum = n % 2n === 0n ? add(sum, a) : sub(sum, a);
    const t = magnitude(a);
    if (Number(n) > zf * zf + 1 && t <= 1n) {
      sum = widen(sum, t + 1n);
      break;
    }
  }
  return rescale(mul(twoOverSqrtPi(w), sum, w), w, p);
}

/** F(z) of the continued fraction at depth n, for z > 0, at precision w. */
function approximant(z: Iv, n: number, w: number): Iv {
  let t = z;
  for (let k = n; k >= 1; k--) t = add(z, div(divInt(int(k, w), 2n), t, w));
  return div(int(1, w), t, w);
}

/** F(z) at precision w, for z > 3: the hull of two consecutive approximants, deep enough to be narrow. */
function fraction(x: Iv, w: number): Iv {
  for (let n = 16; ; n *= 2) {
    const h = hull(approximant(x, n, w), approximant(x, n + 1, w));
    if (h.hi - h.lo <= 1n << 12n || n >= 1 << 16) return h;
  }
}

/** erfc of one point z > 3 by the continued fraction. */
function erfcFraction(z: Iv, p: number): Iv {
  const w = p + GUARD;
  const x = rescale(z, p, w);
  const F = fraction(x, w);
  const e = exp(neg(mul(x, x, w)), w);
  const oneOverSqrtPi = divInt(twoOverSqrtPi(w), 2n);
  return rescale(mul(mul(e, oneOverSqrtPi, w), F, w), w, p);
}

const isBeyond3 = (z: Iv, p: number): boolean => z.lo > 3n << BigInt(p);

/** erf z for one point z >= 0. */
function erfPoint(z: Iv, p: number): Iv {
  return isBeyond3(z, p) ? sub(int(1, p), erfcFraction(z, p)) : erfSeries(z, p);
}

/** erfc z for one point z >= 0. */
function erfcPoint(z: Iv, p: number): Iv {
  return isBeyond3(z, p) ? erfcFraction(z, p) : sub(int(1, p), erfSeries(z, p));
}

/** erf a for an interval a >= 0 (increasing: through its ends). */
export function erf(a: Iv, p: number): Iv {
  if (a.lo < 0n) throw new RangeError("erf: argument must be >= 0 (erf is odd)");
  if (a.lo === a.hi) return erfPoint(a, p);
  return iv(erfPoint(iv(a.lo, a.lo), p).lo, erfPoint(iv(a.hi, a.hi), p).hi);
}

/** erfc a for an interval a >= 0 (decreasing: through its ends). */
export function erfc(a: Iv, p: number): Iv {
  if (a.lo < 0n) throw new RangeError("erfc: argument must be >= 0");
  if (a.lo === a.hi) return erfcPoint(a, p);
  return iv(erfcPoint(iv(a.hi, a.hi), p).lo, erfcPoint(iv(a.lo, a.lo), p).hi);
}

/** erfcx a = e^(a^2) erfc a for one point a >= 0: F(a)/sqrt(pi) past 3 (no exponential), e^(a^2) (1 - erf a) below. */
export function erfcx(a: Iv, p: number): Iv {
  if (isBeyond3(a, p)) {
    const w = p + GUARD;
    const x = rescale(a, p, w);
    const F = fraction(x, w);
    return rescale(mul(F, divInt(twoOverSqrtPi(w), 2n), w), w, p);
  }
  const zf = Number(a.hi >> BigInt(Math.max(0, p - 8))) / 2 ** Math.min(p, 8);
  const w = p + GUARD + Math.ceil(1.45 * zf * zf);
  const x = rescale(a, p, w);
  const e = exp(mul(x, x, w), w);
  return rescale(mul(e, sub(int(1, w), erfSeries(x, w)), w), w, p);
}

/** The constant 2/sqrt(pi) at precision p. */
export const twoOverRootPi = (p: number): Iv => twoOverSqrtPi(p);
