/**
 * softplus correctly rounded to binary32, fast, as logistic-f32.ts does sigmoid: ln(1 + e^x) in plain binary64 with a
 * proven relative error bound, then binary32's rounding of both ends of the interval it leaves. When they agree
 * (rounding is monotonic, so the true value, inside, rounds there too) that is the answer; otherwise, and outside
 * (-104, 50), the general path (exp-log.ts's softplusRounded) decides. So it is softplusRounded at the float32
 * target, bit for bit (test/numeric/ssm-f32.test.ts compares them). Mamba takes d_inner of these a step (its dt).
 *
 * The binary64 value (u = 2^-53; w = e^-|x| by exp-f32.ts's expF64, within 2^-51.4 of it relatively):
 *   x <= 0: softplus x = ln(1 + w);   x > 0: softplus x = x + ln(1 + w)
 * and ln(1 + w) for w in (0, 1] by ln(1 + w) = 2 atanh(s) = 2 s P(s^2), s = w / (2 + w) in (0, 1/3],
 * P(t) = sum_k t^k / (2k + 1) for k = 0..15 (no table, no argument reduction). Error of log1p64, relative:
 * - w's own error: the relative condition number of ln(1 + w) in w is w / ((1 + w) ln(1 + w)) <= 1, so at most
 *   2^-51.4 (and then slightly more: (1 + 2^-51.4) rounding terms of order 2^-100, folded in the margin below).
 * - s: 2 + w rounds (u) and the quotient rounds (u): s (1 + theta), |theta| <= 2u + u^2.
 * - t = s^2 rounds: t (1 + 5u) with theta's share; P moves by t P'(t) 5u <= (1/9)(0.36)(5u) < 0.2u of P >= 1.
 * - the truncation: sum_{k>=16} t^k / (2k + 1) <= t^16 / 33 / (1 - t) <= 9^-16 / 33 (1.13) < 2^-55.7 (t <= 1/9).
 * - the coefficients 1/(2k + 1) round (u each; 1 is exact): at most u sum_{k>=1} t^k / (2k + 1) < 0.04u.
 * - Horner: q_15 = c_15, q_k = fl(c_k + fl(t q_(k+1))) is c_k + t q_(k+1) + e_k with |e_k| <= u |t q_(k+1)| +
 *   u |q_k|, so the result is sum_k t^k c_k + sum_k t^k e_k exactly: |error| <= u sum_k t^k (|t q_(k+1)| + |q_k|).
 *   With t <= 1/9 and q_k <= 1/(2k + 1) + t (1.1) that is below u (1.04 + 2 (1/9)(0.37) + 2 (1/81)(0.21) + ...) <
 *   1.14u of P >= 1.
 * - 2 s P rounds once (u; 2 s is exact).
 * In all (2 + 0.2 + 0.04 + 1.14 + 1)u + 2^-55.7 < 2^-50.8, and with w's 2^-51.4 below 2^-50; for x > 0 the sum
 * x + ln(1 + w) (both positive: nothing cancels) rounds once more: < 2^-49.9, claimed as 2^-49.7. The half-width
 * SOFTPLUS_E = 2^-47 is over twice that, so
 * the rounding of y -+ d itself (u y) cannot shrink the interval below the bound.
 */
import { expF64 } from "./exp-f32.js";
import { softplusRounded } from "./exp-log.js";
import { float32 } from "./ieee.js";
import { targetFor } from "./round-target.js";

const T32 = targetFor(float32);
const f = Math.fround;
/** 1 / (2k + 1) for k = 0..15, each the binary64 nearest (division of two small integers rounds once). */
const C = Float64Array.from({ length: 16 }, (_, k) => 1 / (2 * k + 1));

/** The claimed relative error bound of softplus64 (above; test/numeric/ssm-f32.test.ts checks it against big.js). */
export const SOFTPLUS64_BOUND = 2 ** -49.7;
export const SOFTPLUS_E = 2 ** -47;

/** ln(1 + w) in binary64 for a binary64 w in (0, 1], within 2^-50.8 relatively (above: the terms after w's error). */
export function log1p64(w: number): number {
  const s = w / (2 + w);
  const t = s * s;
  let p = C[15]!;
  for (let k = 14; k >= 0; k--) p = C[k]! + t * p;
  return 2 * s * p;
}

/** ln(1 + e^x) in binary64, within SOFTPLUS64_BOUND relatively, for -104 < x < 50. */
export function softplus64(x: number): number {
  if (x <= 0) return log1p64(expF64(x));
  return x + log1p64(expF64(-x));
}

/** round32(ln(1 + e^x)), x a binary32 value (any double works: the general path takes what this one leaves). */
export function softplus32(x: number): number {
  // Below -104 the value is e^x (1 - ...) < 2^-150: the general path rounds it to +0 or the least subnormal. From 50
  // on, its own shortcut (x plus less than 2^-72 x) decides at once.
  if (x > -104 && x < 50) {
    const y = softplus64(x);
    const d = y * SOFTPLUS_E;
    const lo = f(y - d);
    if (lo === f(y + d)) return lo;
  }
  return softplusRounded(x, T32);
}
