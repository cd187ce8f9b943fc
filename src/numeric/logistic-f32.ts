/**
 * sigmoid and tanh correctly rounded to binary32, fast: the real function's value in plain binary64 with a proven
 * relative error bound, then binary32's rounding of both ends of the interval it leaves. When both ends round to
 * the same binary32 (rounding is monotonic, so every real in between, the true value included, rounds there too)
 * that is the answer; otherwise, and outside the ranges below, the general path (logistic.ts) decides, as it does
 * for every format. So the result is the same as sigmoidRounded / tanhRounded at the float32 target, bit for bit,
 * by construction (and test/numeric/logistic-f32.test.ts compares them). The general path carries a double-double
 * and a 2^-100 bound, which binary32's 24 bits do not need: this path costs about a third as much (measured in an
 * LSTM step, where these two functions were most of the time once the products were SIMD).
 *
 * Bounds, relative (u = 2^-53; E is exp-f32.ts's e^y, within 2^-51.4 of it):
 * - sigmoid, x >= 0: 1 / (1 + E), E = e^-x <= 1; 1 + E rounds (u), the quotient rounds (u): within 2^-51.4 + 2u
 *   + ... < 2^-50.
 * - sigmoid, x < 0: E / (1 + E), E = e^x; E's error appears in numerator and denominator, each rounding u: within
 *   2 2^-51.4 + 2u < 2^-49.4.
 * - tanh, 2^-4 <= |x| < 19: (E - 1) / (E + 1 + 1) with E = e^(2|x|); E - 1 amplifies E's error by E / (E - 1) <=
 *   8.6 (at |x| = 2^-4) and rounds (u); the quotient by E - 1 + 2 rounds twice more: within 8.6 2^-51.4 + 4u <
 *   2^-47.
 * - tanh, 0 < |x| < 2^-4: x + x p with p = x^2 (c3 + x^2 (c5 + ... + x^2 c11)), the odd Taylor series to x^11 (the
 *   LSTM's cell state and candidates are often this small). The series alternates with decreasing terms (ratio below
 *   0.41 x^2), so the truncation is below the x^13 term, 0.0036 x^12 < 2^-56 relatively; the coefficients round
 *   within u of themselves and |p| < 2^-9, so evaluating p costs under 2^-60; x p and the sum round (2u): within
 *   2^-51.
 * The intervals are taken 2^-46 (sigmoid) and 2^-44 (tanh) wide on each side, over twice the bound, so the
 * rounding of y -+ e itself (u y) cannot shrink them below it.
 */
import { expF64 } from "./exp-f32.js";
import { float32 } from "./ieee.js";
import { sigmoidRounded, siluRounded, tanhRounded } from "./logistic.js";
import { targetFor } from "./round-target.js";

const T32 = targetFor(float32);
export const SIGMOID_E = 2 ** -46;
export const TANH_E = 2 ** -44;
const f = Math.fround;
// tanh's odd Taylor coefficients: -1/3, 2/15, -17/315, 62/2835, -1382/155925.
const C3 = -1 / 3;
const C5 = 2 / 15;
const C7 = -17 / 315;
const C9 = 62 / 2835;
const C11 = -1382 / 155925;

/**
 * The claimed relative error bounds of sigmoid64 and tanh64 (above; test/numeric/logistic-f32.test.ts checks them
 * against big.js), and the half-widths used, over twice each.
 */
export const SIGMOID64_BOUND = 2 ** -49.4;
export const TANH64_BOUND = 2 ** -47;
/** silu64's: x sigmoid64(x), x exact, one more rounding: (1 + 2^-49.4)(1 + u) - 1 < 2^-49.2. */
export const SILU64_BOUND = 2 ** -49.2;

/** sigmoid(x) in binary64, within SIGMOID64_BOUND relatively, for -110 < x < 40. */
export function sigmoid64(x: number): number {
  // One call site of expF64 (e^-|x|), so that the engine inlines it into the gates' loops.
  const e = expF64(-Math.abs(x));
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/** tanh(x) in binary64, within TANH64_BOUND relatively, for 0 < |x| < 19. */
export function tanh64(x: number): number {
  const ax = Math.abs(x);
  if (ax < 0.0625) {
    const x2 = x * x;
    return x + x * (x2 * (C3 + x2 * (C5 + x2 * (C7 + x2 * (C9 + x2 * C11)))));
  }
  const e = expF64(2 * ax) - 1;
  const y = e / (e + 2);
  return x < 0 ? -y : y;
}

/** round32(1 / (1 + e^-x)), x a binary32 value (any double works: the general path takes what this one leaves). */
export function sigmoid32(x: number): number {
  // e^x's binary32 value underflows to 0 below -104 (2^-149 = e^-103.3); past 40 the general path's shortcut applies.
  if (x > -110 && x < 40) {
    const y = sigmoid64(x);
    const d = y * SIGMOID_E;
    const lo = f(y - d);
    if (lo === f(y + d)) return lo;
  }
  return sigmoidRounded(x, T32);
}

/*
 * The range versions: the same decision as sigmoid32 and tanh32, written out in the loop. Written with a sentinel
 * (NaN for "undecided") V8 keeps the value tagged and allocates a number per element; the if/else allocates nothing.
 */

/** buf[k] = sigmoid32(buf[k]) for from <= k < to. */
export function sigmoid32Range(buf: Float64Array, from: number, to: number): void {
  for (let k = from; k < to; k++) {
    const x = buf[k]!;
    if (x > -110 && x < 40) {
      const y = sigmoid64(x);
      const d = y * SIGMOID_E;
      const lo = f(y - d);
      if (lo === f(y + d)) buf[k] = lo;
      else buf[k] = sigmoidRounded(x, T32);
    } else buf[k] = sigmoidRounded(x, T32);
  }
}

/** buf[k] = tanh32(buf[k]) for from <= k < to, likewise. */
export function tanh32Range(buf: Float64Array, from: number, to: number): void {
  for (let k = from; k < to; k++) {
    const x = buf[k]!;
    const ax = Math.abs(x);
    if (ax >= 1.1754943508222875e-38 && ax < 19) {
      const y = tanh64(x);
      const d = Math.abs(y) * TANH_E;
      const lo = f(y - d);
      if (lo === f(y + d)) buf[k] = lo;
      else buf[k] = tanhRounded(x, T32);
    } else buf[k] = tanhRounded(x, T32);
  }
}

/** round32(tanh x), x a binary32 value. */
export function tanh32(x: number): number {
  // ±0 go to the general path (x + x p would give +0 for -0), and so do NaN and the binary32 subnormals (rare, and
  // below them doubles that are no binary32 value, where the general path is left to answer as it always has).
  const ax = Math.abs(x);
  if (ax >= 1.1754943508222875e-38 && ax < 19) {
    const y = tanh64(x);
    const d = Math.abs(y) * TANH_E;
    const lo = f(y - d);
    if (lo === f(y + d)) return lo;
  }
  return tanhRounded(x, T32);
}

/** x / (1 + e^-x) in binary64, within SILU64_BOUND relatively, for -110 < x < 40. */
export function silu64(x: number): number {
  return x * sigmoid64(x);
}

/**
 * round32(x / (1 + e^-x)), x a binary32 value: Mamba's SiLU (its conv output and its gate, 2 d_inner a step). The
 * same decision as sigmoid32's, with SIGMOID_E (over twice SILU64_BOUND) as the half-width.
 */
export function silu32(x: number): number {
  // ±0 go to the general path (silu(-0) = -0, which -0 - d would lose), and so do NaN and the far ends.
  if (x > -110 && x < 40 && x !== 0) {
    const y = silu64(x);
    const d = Math.abs(y) * SIGMOID_E;
    const lo = f(y - d);
    if (lo === f(y + d)) return lo;
  }
  return siluRounded(x, T32);
}
