/**
 * An independent reference for the correctly rounded transcendentals, in big.js decimal arithmetic: every function
 * from its own series (written here, not shared with src/), to about 70 significant digits, and the value then
 * rounded to a number format by exact decimal arithmetic. Methods differ from src/ on purpose where they can:
 * ln 2 by sum 1/(k 2^k) (src: atanh(1/3)), pi by the Bailey-Borwein-Plouffe series (src: Machin), erf by the
 * all-positive series e^(-z^2) sum (2z^2)^n / (2n+1)!! and erfc past 10 by its enveloping asymptotic series
 * (src: the alternating Taylor series and a continued fraction).
 *
 * A reference value is a Big `v` with a relative error below 1e-44; `roundRef` refuses (throws) when a rounding
 * boundary is within 1e-35 of it relatively, so a test can never pass or fail on the reference's own error.
 */
import Big from "big.js";
import type { NumberFormat } from "../../src/numeric/format.js";
import type { FixedFormat } from "../../src/numeric/fixed.js";
import type { IeeeFormat } from "../../src/numeric/ieee.js";
import { bigOf } from "./reference.js";

const SD = 48; // significant digits kept after every multiplication (about 160 bits)
Big.RM = Big.roundHalfEven;

const sig = (b: Big): Big => b.prec(SD);

/** a / b to SD + 5 significant digits: Big.DP set from the quotient's exponent (a fixed DP is 50x slower). */
function q(a: Big, b: Big | number, digits = SD + 5): Big {
  const d = typeof b === "number" ? new Big(b) : b;
  if (a.eq(0)) return a;
  Big.DP = Math.max(0, digits - (a.e - d.e));
  const r = a.div(d);
  Big.DP = 20;
  return r;
}
const ONE = new Big(1);
const TWO = new Big(2);

/** 2^k exactly, for any integer k (2^-n = 5^n 10^-n). */
export function pow2Big(k: number): Big {
  if (k >= 0) return new Big((1n << BigInt(k)).toString());
  return new Big(`${5n ** BigInt(-k)}e-${-k}`);
}

let ln2Memo: Big | undefined;
/** ln 2 to 160 digits: sum_{k>=1} 1 / (k 2^k). */
export function ln2(): Big {
  if (ln2Memo) return ln2Memo;
  let sum = new Big(0);
  let p = new Big(0.5);
  for (let k = 1; k < 560; k++) {
    sum = sum.plus(q(p, k, 170));
    p = p.times(0.5);
  }
  return (ln2Memo = sum.prec(160));
}

let piMemo: Big | undefined;
/** pi to 160 digits: sum_k 16^-k (4/(8k+1) - 2/(8k+4) - 1/(8k+5) - 1/(8k+6)) (Bailey-Borwein-Plouffe). */
export function pi(): Big {
  if (piMemo) return piMemo;
  let sum = new Big(0);
  let p = ONE;
  for (let k = 0; k < 140; k++) {
    const t = q(new Big(4), 8 * k + 1, 170)
      .minus(q(TWO, 8 * k + 4, 170))
      .minus(q(ONE, 8 * k + 5, 170))
      .minus(q(ONE, 8 * k + 6, 170));
    sum = sum.plus(p.times(t).prec(170));
    p = p.times("0.0625");
  }
  return (piMemo = sum.prec(160));
}

let rootPiMemo: Big | undefined;
/** sqrt(pi) to 150 digits. (pi() first: computing it resets Big.DP, which sqrt reads.) */
function rootPi(): Big {
  if (rootPiMemo) return rootPiMemo;
  const p = pi();
  Big.DP = 160;
  rootPiMemo = p.sqrt().prec(150);
  Big.DP = 20;
  return rootPiMemo;
}

/** sqrt(b) to SD digits; b is computed before Big.DP is set (its computation may reset Big.DP). */
function sqrtBig(b: Big): Big {
  Big.DP = SD + 10;
  const r = sig(b.sqrt());
  Big.DP = 20;
  return r;
}

/**
 * Stand-ins for values beyond every format: below 1e-700 a positive value rounds like TINY in every format (to +0,
 * or floors to 0), above 1e700 like HUGE (to infinity, or saturates). The reference returns them for e^x past
 * |x| = 1600 and erfc past 40 instead of computing 10^-700-sized numbers.
 */
const TINY = new Big("1e-900");
const HUGE = new Big("1e900");

/** e^x (Big), to `digits` significant digits: x = k ln2 + r, Taylor on r / 2^10, ten squarings. */
export function expBig(x: Big, digits = SD): Big {
  if (x.lt(-1600)) return TINY;
  if (x.gt(1600)) return HUGE;
  const k = Math.round(Number(x) / Math.LN2);
  let r = x.minus(ln2().times(k)).prec(digits + 5);
  r = r.times(new Big(2).pow(-10)).prec(digits + 5);
  let term = ONE;
  let sum = ONE;
  const stop = new Big(`1e-${digits + 12}`);
  for (let n = 1; n < 80; n++) {
    term = q(term.times(r), n, digits + 8);
    sum = sum.plus(term);
    if (term.eq(0) || term.abs().lt(stop)) break;
  }
  for (let i = 0; i < 10; i++) sum = sum.times(sum).prec(digits + 8);
  return sum.times(pow2Big(k)).prec(digits);
}

/** e^x - 1 without cancellation for |x| < 0.5 (Taylor), else e^x - 1. */
function expm1Big(x: Big): Big {
  if (x.abs().gte(0.5)) return sig(expBig(x).minus(1));
  let term = x;
  let sum = x;
  for (let n = 2; n < 200; n++) {
    term = q(term.times(x), n);
    sum = sum.plus(term);
    if (term.eq(0) || term.abs().lt(sum.abs().times("1e-55"))) break;
  }
  return sig(sum);
}

/** ln x for x > 0: x = 2^e y with y in [1, 2), ln y = 2 atanh((y - 1)/(y + 1)). */
export function logBig(x: Big): Big {
  let e = 0;
  let y = x;
  while (y.gte(2)) {
    y = y.times(0.5);
    e++;
  }
  while (y.lt(1)) {
    y = y.times(2);
    e--;
  }
  const z = q(y.minus(1), y.plus(1));
  const z2 = sig(z.times(z));
  let p = z;
  let sum = z;
  for (let k = 3; k < 400; k += 2) {
    p = sig(p.times(z2));
    const t = q(p, k);
    sum = sum.plus(t);
    if (t.eq(0) || t.abs().lt("1e-58")) break;
  }
  return sig(sum.times(2).plus(ln2().times(e)));
}

/** ln(1 + w) for w >= 0 without cancellation: 2 atanh(w / (2 + w)). */
function log1pBig(w: Big): Big {
  if (w.eq(0)) return w;
  const z = q(w, w.plus(2));
  const z2 = sig(z.times(z));
  let p = z;
  let sum = z;
  for (let k = 3; k < 2000; k += 2) {
    p = sig(p.times(z2));
    const t = q(p, k);
    sum = sum.plus(t);
    if (t.eq(0) || t.abs().lt(sum.times("1e-55"))) break;
  }
  return sig(sum.times(2));
}

export function tanhBig(x: Big): Big {
  const ax = x.abs();
  if (ax.eq(0)) return x;
  if (ax.gt(1000)) return x.lt(0) ? TINY.minus(1) : ONE.minus(TINY);
  let v: Big;
  if (ax.gt(400))
    v = ONE.minus(TWO.times(expBig(ax.times(-2)))); // 1 - 2e^-2x (1 - e^-2x + ...): 1e-340 off at most
  else {
    const E = expm1Big(ax.times(2));
    v = q(E, E.plus(2));
  }
  return x.lt(0) ? v.times(-1) : v;
}

export function sigmoidBig(x: Big): Big {
  if (x.gte(0)) return q(ONE, ONE.plus(expBig(x.times(-1))));
  const E = expBig(x);
  return q(E, ONE.plus(E));
}

export function siluBig(x: Big): Big {
  return sig(x.times(sigmoidBig(x)));
}

export function softplusBig(x: Big): Big {
  if (x.gt(0)) return sig(x.plus(log1pBig(expBig(x.times(-1)))));
  return log1pBig(expBig(x));
}

/** erf z for z >= 0 by e^(-z^2) (2z/sqrt(pi)) sum (2z^2)^n / (2n+1)!! (all terms positive). */
function erfPositiveSeries(z: Big, digits: number): Big {
  const z2 = z.times(z).prec(digits);
  let term = z.prec(digits);
  let sum = term;
  for (let n = 1; n < 20000; n++) {
    term = q(term.times(z2).times(2), 2 * n + 1, digits).prec(digits);
    sum = sum.plus(term);
    if (n > 2 * Number(z2) && term.lt(sum.times("1e-60"))) break;
  }
  return q(sum.times(2), rootPi(), digits)
    .times(expBig(z2.times(-1), digits))
    .prec(digits);
}

/** erfc z for z >= 10 by the asymptotic series, which envelops erfc: the error is below the first omitted term. */
function erfcAsymptotic(z: Big): Big {
  const z2 = z.times(z);
  let term = ONE;
  let sum = ONE;
  for (let n = 1; n < 200; n++) {
    const next = q(term.times(-(2 * n - 1)), z2.times(2));
    if (next.abs().gte(term.abs())) break;
    term = next;
    sum = sum.plus(term);
    if (term.abs().lt("1e-55")) break;
  }
  return sig(q(expBig(z2.times(-1)), z.times(rootPi())).times(sum));
}

export function erfcBig(z: Big): Big {
  if (z.lt(0)) return TWO.minus(erfcBig(z.times(-1)));
  if (z.gt(40)) return TINY;
  if (z.gte(10)) return erfcAsymptotic(z);
  // 1 - erf z cancels about z^2 log10(e) digits: carried at that many more (pi and ln 2 have 160).
  const extra = Math.ceil(Number(z.times(z)) * 0.4343) + 10;
  return ONE.minus(erfPositiveSeries(z, SD + extra)).prec(SD);
}

export function erfBig(z: Big): Big {
  if (z.lt(0)) return erfBig(z.times(-1)).times(-1);
  if (z.gt(40)) return ONE.minus(TINY);
  if (z.gte(10)) return ONE.minus(erfcAsymptotic(z));
  return sig(erfPositiveSeries(z, SD + 5));
}

/** gelu(x) = x/2 (1 + erf(x / sqrt 2)) = x/2 erfc(-x / sqrt 2). */
export function geluBig(x: Big): Big {
  const z = q(x, sqrtBig(TWO));
  return sig(x.times(0.5).times(erfcBig(z.times(-1))));
}

/** gelu_tanh(x) = x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) = x sigmoid(2u). */
export function geluTanhBig(x: Big): Big {
  if (x.abs().gt(1e6)) return x.gt(0) ? x.times(ONE.minus(TINY)) : x.times(TINY);
  const u = sig(sqrtBig(q(TWO, pi())).times(x.plus(new Big("0.044715").times(x.pow(3)))));
  return sig(x.times(sigmoidBig(u.times(2))));
}

let piLongMemo: Big | undefined;
/** pi to 420 digits by the same BBP series (enough to reduce any binary64, < 2^1024 ~ 1.8e308, by pi/2). */
function piLong(): Big {
  if (piLongMemo) return piLongMemo;
  let sum = new Big(0);
  let p = ONE;
  for (let k = 0; k < 360; k++) {
    const t = q(new Big(4), 8 * k + 1, 430)
      .minus(q(TWO, 8 * k + 4, 430))
      .minus(q(ONE, 8 * k + 5, 430))
      .minus(q(ONE, 8 * k + 6, 430));
    sum = sum.plus(p.times(t).prec(430));
    p = p.times("0.0625");
  }
  return (piLongMemo = sum.prec(420));
}

/**
 * sin or cos of x by reduction modulo 2pi in decimals (src reduces by pi/2 in binary, with Machin's pi): k =
 * floor(x / 2pi), r = x - 2pi k with pi to 420 digits (so r keeps 100 digits even for x near 1.8e308), then
 * r to [-pi, pi] and the Taylor series of sin r or cos r at r/3 followed by the triple-angle formulas (src: a table).
 */
function sinCosBig(x: Big, cos: boolean): Big {
  const twoPi = piLong().times(2);
  const ax = x.abs();
  let r = ax;
  if (ax.gt(3)) {
    Big.DP = 30;
    const k = ax.div(twoPi).round(0, Big.roundDown);
    Big.DP = 20;
    r = ax.minus(twoPi.times(k));
    if (r.gt(piLong())) r = r.minus(twoPi);
  }
  // Taylor at y = r/3, then sin 3y = 3 sin y - 4 sin^3 y, cos 3y = 4 cos^3 y - 3 cos y: keeps the series short.
  const y = q(r, 3, SD + 30);
  const y2 = y.times(y).prec(SD + 30);
  let sTerm = y;
  let sSum = y;
  let cTerm = ONE;
  let cSum = ONE;
  for (let n = 1; n < 200; n++) {
    sTerm = q(sTerm.times(y2).times(-1), 2 * n * (2 * n + 1), SD + 30);
    cTerm = q(cTerm.times(y2).times(-1), (2 * n - 1) * (2 * n), SD + 30);
    sSum = sSum.plus(sTerm);
    cSum = cSum.plus(cTerm);
    if (sTerm.abs().lt("1e-90") && cTerm.abs().lt("1e-90")) break;
  }
  let v: Big;
  if (cos) v = cSum.pow(3).times(4).minus(cSum.times(3));
  else v = sSum.times(3).minus(sSum.pow(3).times(4));
  v = v.prec(SD + 10);
  return !cos && x.lt(0) ? v.times(-1) : v;
}

export const sinBig = (x: Big): Big => (x.eq(0) ? x : sinCosBig(x, false).prec(SD));
export const cosBig = (x: Big): Big => sinCosBig(x, true).prec(SD);

export class ReferenceUndecided extends Error {}

/**
 * The format's value of the real v (given to about 1e-60 relatively): IEEE round to nearest even with overflow and
 * subnormals, fixed point floor or nearest even with saturation. `negativeZero`: the sign for a zero result.
 */
export function roundRef(v: Big, format: NumberFormat, negative = v.lt(0)): number {
  if (v.eq(0)) return negative ? -0 : 0;
  if (format.kind === "fixed") return roundFixedRef(v, format as FixedFormat);
  const f = format as IeeeFormat;
  const m = f.mantissaBits;
  const emax = 2 ** (f.exponentBits - 1) - 1;
  const emin = 1 - emax;
  const a = v.abs();
  // E = floor(log2 a), by comparison with exact powers of two from an estimate.
  let E = Math.floor(Math.log2(Number(a.prec(20)) || 1e-300));
  if (!Number.isFinite(E) || Number(a.prec(20)) === 0) E = estimateLog2(a);
  while (pow2Big(E).gt(a)) E--;
  while (pow2Big(E + 1).lte(a)) E++;
  const Q = Math.max(E, emin) - m;
  const t = a.times(pow2Big(-Q)); // in units of the quantum
  const k = nearestChecked(t);
  let r: number;
  if (k === 0n) r = 0;
  else if (k.toString(2).length - 1 + Q > emax) r = Infinity;
  else r = Number(k) * 2 ** Q;
  return negative ? -r : r;
}

function estimateLog2(a: Big): number {
  const s = a.toExponential(5); // "d.ddddde-NNN"
  const [mant, exp] = s.split("e");
  return Math.floor(Math.log2(Number(mant)) + Number(exp) * Math.log2(10));
}

function nearestChecked(t: Big): bigint {
  const fl = t.round(0, Big.roundDown);
  const frac = t.minus(fl);
  const margin = t.times("1e-35").plus("1e-45");
  if (frac.minus(0.5).abs().lt(margin)) throw new ReferenceUndecided(`reference within 1e-35 of a midpoint: ${t}`);
  const k = BigInt(fl.toFixed(0));
  return frac.gt(0.5) ? k + 1n : k;
}

function roundFixedRef(v: Big, f: FixedFormat): number {
  const t = v.times(pow2Big(f.fracBits));
  const fl = t.round(0, Big.roundDown); // toward zero
  let k = BigInt(fl.toFixed(0));
  const frac = t.minus(fl).abs();
  const margin = t.abs().times("1e-35").plus("1e-45");
  if (f.rounding === "floor") {
    if (frac.lt(margin) || ONE.minus(frac).lt(margin))
      throw new ReferenceUndecided(`reference within 1e-35 of a grid point: ${t}`);
    if (t.lt(0)) k -= 1n;
  } else {
    if (frac.minus(0.5).abs().lt(margin)) throw new ReferenceUndecided(`reference within 1e-35 of a midpoint: ${t}`);
    if (frac.gt(0.5)) k += t.lt(0) ? -1n : 1n;
  }
  const kmax = (1n << BigInt(f.intBits + f.fracBits)) - 1n;
  const kmin = -kmax - 1n;
  const c = k > kmax ? kmax : k < kmin ? kmin : k;
  return Number(c) * 2 ** -f.fracBits + 0;
}

export { bigOf };
