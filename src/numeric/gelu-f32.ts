/**
 * The exact GELU, x Phi(x) = (x/2) erfc(-x / sqrt 2), correctly rounded to binary32, fast, as logistic-f32.ts does
 * sigmoid: the value in plain binary64 with a proven relative error bound, then binary32's rounding of both ends of
 * the interval it leaves; when they agree (rounding is monotonic) that is the answer, otherwise, and outside
 * (-14.5, 12), gelu.ts's geluRounded decides. So it is geluRounded at the float32 target, bit for bit
 * (test/numeric/ssm-f32.test.ts compares them). An S4D layer takes d_model of these a step.
 *
 * x is a binary32 value, so x^2 (48 bits) is exact in binary64, and so is z^2 = x^2/2 with z = |x| / sqrt 2.
 * u = 2^-53. Two branches:
 *
 * - |x| < 11/16 (z < 0.487, t = z^2 < 1/4): gelu x = x/2 + (x^2/2) K S(t), K = sqrt(2/pi), S(t) = sum_n (-t)^n /
 *   (n! (2n+1)) for n = 0..11 (erf z = (2/sqrt pi) z S(z^2) and (2/sqrt pi)(x / sqrt 2) = K x). S alternates with
 *   decreasing terms, so the truncation is below t^12 / (12! 25) < 2^-57.5, relative to S >= 1 - t/3 > 0.916. The
 *   coefficients are 1 / (n! (2n+1)), one rounding each (n! (2n+1) < 2^53 is exact). Horner's rounding and the
 *   coefficients' are bounded by `hornerBound` below (at t = 1/4, computed when the tables are built: below 1.6u of
 *   S). K is binary64's nearest (within u). x^2 K and then S round (2u), /2 is exact: the second term within
 *   (1.6 + 1 + 2)u + 2^-57.4 < 4.7u. Against x/2 it is at most |x| K S <= 0.549 times as large, and of the other sign
 *   for x < 0, so the sum amplifies its error by at most 0.549 / 0.451 < 1.22, and rounds once: within 6.8u.
 * - 11/16 <= |x| < 14.5: erfc z = e^(-z^2) erfcx(z), erfcx by erf-core.ts's Taylor table around a = i/8 (|h| =
 *   |z - a| <= 1/16), evaluated by Horner in binary64 on the coefficients' high parts, cut after the terms that
 *   matter (the rest below 2^-58 c_0). z = |x| / sqrt 2 enters only through h = (|x| A - a) + |x| B, with A + B =
 *   1/sqrt 2 within 2^-80 and A of 26 bits: |x| A is exact (24 + 26 bits), |x| A - a is exact (Sterbenz: both in
 *   [0.48, 10.3] within 1/16 + 2^-22 of each other), and the sum rounds: h is within u/16 + 2^-75 of z - a. An |h|
 *   above 1/16 - 2^-50 (near the middle between two table points) goes to the general path, so the true
 *   |h| <= 1/16 where the table's bound holds. erfcx's logarithmic derivative is below 1.1 in magnitude for
 *   z >= 0.48 (Mills-ratio bounds), so h's error moves it by under 2^-56 relatively. P, erfcx's value, is within
 *   ERFCX_BOUND = 3u relatively: rem (truncation and the stored coefficients), the dropped low parts of c_0..c_3
 *   and the terms cut, and Horner's rounding, per table entry, divided by a lower bound on erfcx over the entry's
 *   interval; `build` computes it for every entry used and throws if any exceeds 3u (the worst is 2.3u).
 *   e^(-z^2) by expF64 at the exact -x^2/2: within 2^-51.4. Then
 *     x < 0: gelu x = (x/2)(E P): two roundings; within 2^-51.4 + 3u + 2u + 2^-56 < 2^-49.9;
 *     x > 0: gelu x = x (1 - (E P)/2): E P/2 <= erfc(0.486)/2 < 0.25, so 1 - it amplifies its error (2^-51.4 + 3u
 *     + u) by under 1/3; 1 - . and x . round (2u): within 2^-50.3.
 * GELU64_BOUND = 2^-49.5 covers both branches; the half-width GELU_E = 2^-47 is over twice it, so the rounding of
 * y -+ d itself (u y) cannot shrink the interval below the bound.
 */
import { bigToDouble } from "./exp-core.js";
import { expF64 } from "./exp-f32.js";
import { erfcxTable } from "./erf-core.js";
import { geluRounded } from "./gelu.js";
import { float32 } from "./ieee.js";
import { div, int, pi, sqrt } from "./interval.js";
import { targetFor } from "./round-target.js";

const T32 = targetFor(float32);
const f = Math.fround;
const U = 2 ** -53;

/** The claimed relative error bound of gelu64 (above; test/numeric/ssm-f32.test.ts checks it against big.js). */
export const GELU64_BOUND = 2 ** -49.5;
export const GELU_E = 2 ** -47;
/** The bound claimed for erfcx's binary64 value P over the table entries used; `build` checks every entry. */
export const ERFCX_BOUND = 3 * U;
/** The last table point used: a = 83/8 > 14.5 / sqrt 2 + 1/16. */
const LAST_USED = 83;

const S = new Float64Array(12); // (-1)^n / (n! (2n+1)), n = 0..11
let K = 0; // sqrt(2/pi)
let A = 0; // 1/sqrt 2 = A + B, A of 26 bits
let B = 0;
let FIRST = 0;
let COEF = new Float64Array(0); // entry i's c_0..c_K at COEF[AT[i] .. AT[i + 1])
let AT = new Int32Array(0);
/** The worst relative error bound of P over the entries used, and of the small branch's S (for the tests). */
export const BOUNDS = { erfcx: 0, series: 0 };
let built = false;

/**
 * Horner's rounding for p(h) = sum_k c_k h^k (k = 0..n-1, binary64 coefficients) at any |h| <= H: the computed
 * q_k = fl(c_k + fl(h q_(k+1))) is c_k + h q_(k+1) + e_k with |e_k| <= u (|h q_(k+1)| + |q_k|), so the result is
 * p(h) + sum_k h^k e_k exactly, within u sum_k H^k (H Q_(k+1) + Q_k) where Q_k = sum_(j>=k) |c_j| H^(j-k) bounds
 * |q_k| (times 1 + 2^-40 for the computed q_k's own errors, at most 2n u Q_k, and this sum's rounding).
 */
function hornerBound(c: Float64Array, from: number, to: number, H: number): number {
  const n = to - from;
  const Q = new Float64Array(n + 1);
  for (let k = n - 1; k >= 0; k--) Q[k] = Math.abs(c[from + k]!) + H * Q[k + 1]!;
  let e = 0;
  for (let k = n - 1; k >= 0; k--) e = e * H + (H * Q[k + 1]! + Q[k]!);
  return e * U * (1 + 2 ** -40);
}

function build(): void {
  let fact = 1;
  for (let n = 0; n < 12; n++) {
    if (n > 0) fact *= n;
    S[n] = (n % 2 === 0 ? 1 : -1) / (fact * (2 * n + 1));
  }
  // The series at t <= 1/4: Horner, plus the coefficients' rounding (u |s_n| t^n), over S >= 0.916.
  let coef = 0;
  for (let n = 1; n < 12; n++) coef += U * Math.abs(S[n]!) * 0.25 ** n;
  BOUNDS.series = ((hornerBound(S, 0, 12, 0.25) + coef) / 0.916) * (1 + 2 ** -40);
  const p = 200;
  K = bigToDouble(sqrt(div(int(2, p), pi(p), p), p).lo, -p); // within 2^-190 of sqrt(2/pi): rounds to its nearest
  const r = sqrt(div(int(1, p), int(2, p), p), p).lo;
  const r64 = bigToDouble(r, -p);
  A = Math.round(r64 * 2 ** 26) * 2 ** -26;
  B = bigToDouble(r - (BigInt(A * 2 ** 26) << BigInt(p - 26)), -p);
  const t = erfcxTable();
  FIRST = t.first;
  const used = LAST_USED - FIRST + 1;
  const at: number[] = [0];
  const coefs: number[] = [];
  let worst = 0;
  for (let i = 0; i < used; i++) {
    const all = [
      ...Array.from(t.ch.subarray(4 * i, 4 * i + 4)),
      ...Array.from(t.tail.subarray(t.tailAt[i]!, t.tailAt[i + 1]!)),
    ];
    // erf-core keeps terms to 2^-80; binary64 needs far fewer. The last terms go while their sum at |h| = 1/16
    // stays below 2^-58 c_0, and that sum joins the error (its terms are the stored values: no tail lemma needed).
    let cut = 0;
    let n = all.length;
    while (n > 4 && cut + Math.abs(all[n - 1]!) * 16 ** -(n - 1) <= 2 ** -58 * all[0]!) {
      n--;
      cut += Math.abs(all[n]!) * 16 ** -n;
    }
    const c = Float64Array.from(all.slice(0, n));
    coefs.push(...c);
    at.push(coefs.length);
    // The low parts dropped, the terms cut, the table's own bound, Horner; over erfcx's least value on the
    // interval, c_0 minus the rest at |h| = 1/16 minus those errors.
    let dropped = cut * (1 + 2 ** -40);
    for (let k = 0; k < 4; k++) dropped += Math.abs(t.cl[4 * i + k]!) * 16 ** -k;
    const err = dropped + t.rem[i]! + hornerBound(c, 0, c.length, 1 / 16);
    let rest = 0;
    for (let k = 1; k < c.length; k++) rest += Math.abs(c[k]!) * 16 ** -k;
    const least = (c[0]! - rest - err) * (1 - 2 ** -40);
    worst = Math.max(worst, (err / least) * (1 + 2 ** -40));
  }
  COEF = Float64Array.from(coefs);
  AT = Int32Array.from(at);
  BOUNDS.erfcx = worst;
  if (!(worst <= ERFCX_BOUND) || !(BOUNDS.series <= 1.6 * U))
    throw new Error(`internal: gelu-f32's bounds ${worst / U}u, ${BOUNDS.series / U}u exceed the claimed ones`);
  built = true;
}

/**
 * gelu(x) in binary64, within GELU64_BOUND relatively, for a binary32 x with 0 < |x| < 14.5; NaN when |h| is too
 * close to 1/16 for the table's bound (the caller's general path then decides).
 */
export function gelu64(x: number): number {
  if (!built) build();
  const ax = Math.abs(x);
  const x2 = x * x;
  if (ax < 0.6875) {
    const t = x2 * 0.5;
    let s = S[11]!;
    for (let n = 10; n >= 0; n--) s = S[n]! + t * s;
    return x * 0.5 + x2 * K * s * 0.5;
  }
  const xa = ax * A;
  const i = Math.round((xa + ax * B) * 8);
  const h = xa - i * 0.125 + ax * B;
  if (!(Math.abs(h) <= 0.0625 - 2 ** -50)) return NaN;
  const from = AT[i - FIRST]!;
  let q = 0;
  for (let k = AT[i - FIRST + 1]! - 1; k >= from; k--) q = COEF[k]! + h * q;
  const ep = expF64(-x2 * 0.5) * q;
  return x < 0 ? x * 0.5 * ep : x * (1 - ep * 0.5);
}

/** round32(x Phi(x)), x a binary32 value (any double works: the general path takes what this one leaves). */
export function gelu32(x: number): number {
  // ±0 (gelu(-0) = -0) and NaN go to the general path, and so do the far ends: below -14.5 the value is below
  // 2^-150 in magnitude; from 12 on, the general path's own shortcut (x less than 2^-100 x) decides at once.
  // A double that is not a binary32 value (x^2 would not be exact) goes there too.
  if (x > -14.5 && x < 12 && x !== 0 && f(x) === x) {
    const y = gelu64(x);
    const d = Math.abs(y) * GELU_E;
    const lo = f(y - d);
    if (lo === f(y + d)) return lo;
  }
  return geluRounded(x, T32);
}
