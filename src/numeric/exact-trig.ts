/*
 * sin and cos on exact intervals (interval.ts), for the slow path and for the fast path's tables: the argument is
 * reduced by pi/2 exactly (x - k pi/2 with pi to as many bits as k has, so the reduction loses nothing however
 * large x is), then the Taylor series of sin or cos at |r| <= pi/4 + a little, cut with a bounded remainder.
 */
import {
  add,
  bitLength,
  div,
  divInt,
  doubleParts,
  dyadic,
  int,
  magnitude,
  mul,
  mulInt,
  neg,
  pi,
  rescale,
  scale,
  sub,
  widen,
  type Iv,
} from "./interval.js";

const GUARD = 40;

/** 2/pi at precision p (outwards). */
export function twoOverPi(p: number): Iv {
  const q = p + 4;
  return rescale(div(int(2, q), pi(q), q), q, p);
}

/**
 * The series of sin (odd) or cos (even) at an interval r with |r| < 1, at precision w: the terms alternate and
 * decrease (|r|^2 / ((n + 1)(n + 2)) < 1), so the remainder after the last term computed is below that term's
 * magnitude; the sum is widened by it.
 */
export function sinCosSeries(r: Iv, w: number, cos: boolean): Iv {
  const r2 = mul(r, r, w);
  let term = cos ? int(1, w) : r;
  let sum = term;
  for (let n = cos ? 0n : 1n; ; n += 2n) {
    // term_{n+2} = -term_n r^2 / ((n + 1)(n + 2))
    term = neg(divInt(mul(term, r2, w), (n + 1n) * (n + 2n)));
    sum = add(sum, term);
    const t = magnitude(term);
    if (t <= 1n) return widen(sum, t + 1n);
  }
}

/** The quadrant k (nearest integer to x 2/pi) of a finite binary64 x, as a bigint. */
export function quadrantOf(x: number): bigint {
  const { sig, exp } = doubleParts(x);
  const L = Math.max(0, bitLength(sig) + exp); // |x| < 2^L
  const w = L + 12;
  // x 2/pi within 2^-12 |x| 2^-L + 2^-w: its nearest integer is k up to a neighbour, which reduces as well.
  const v = mul(dyadic(sig, exp, w), twoOverPi(w), w);
  const mid = (v.lo >> 1n) + (v.hi >> 1n);
  return (mid + (1n << BigInt(w - 1))) >> BigInt(w);
}

/**
 * sin x or cos x for a finite binary64 x, as an interval at precision p: x = k pi/2 + r exactly (r enclosed with pi
 * at p + bits(k) + guard bits, so k times pi's error stays below a unit), then the series of sin r or cos r, and
 * the quadrant k mod 4 picks which and its sign.
 */
export function sinCosIv(x: number, p: number, cos: boolean): Iv {
  const w = p + GUARD;
  const { sig, exp } = doubleParts(x);
  const k = quadrantOf(x);
  const ak = k < 0n ? -k : k;
  const xi = dyadic(sig, exp, w);
  let r = xi;
  if (ak !== 0n) {
    const wk = w + bitLength(ak) + 4;
    const kHalfPi = rescale(scale(mulInt(pi(wk), ak), -1), wk, w);
    r = k < 0n ? add(xi, kHalfPi) : sub(xi, kHalfPi);
  }
  const q = Number(((k % 4n) + 4n) % 4n);
  // sin(k pi/2 + r) = sin r, cos r, -sin r, -cos r; cos(k pi/2 + r) = cos r, -sin r, -cos r, sin r.
  const useCos = cos ? q % 2 === 0 : q % 2 === 1;
  const negative = cos ? q === 1 || q === 2 : q >= 2;
  const v = sinCosSeries(r, w, useCos);
  return rescale(negative ? neg(v) : v, w, p);
}
