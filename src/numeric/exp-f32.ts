/**
 * e^x as one binary64 within 2^-51.4 of it relatively, for |x| <= 170: enough for a correctly rounded binary32
 * result (24 bits and a margin), where exp-core.ts's double-double is not needed. logistic-f32.ts is built on it.
 */
import { pow2 } from "./bits.js";
import { EXP_REDUCTION } from "./exp-core.js";
import { expRounded } from "./exp-log.js";
import { float32 } from "./ieee.js";
import { targetFor } from "./round-target.js";

const { INV, SHIFT, L1, L2, TH } = EXP_REDUCTION;

/** 2^k for k in [-256, 256), at index k + 256: exact scalings. */
const SCALE = Float64Array.from({ length: 512 }, (_, i) => pow2(i - 256));

/**
 * e^x for |x| <= 170 (the callers check the range). expCore's reduction x = (256 m + j) ln2/256 + r, then
 * 2^m th (1 + g), g = rh + rh^2 (1/2 + rh (1/6 + rh/24)). Error, relative (u = 2^-53, |rh| <= R = 0.001354):
 * th is 2^(j/256) rounded to nearest (u); r = rh + rl + rho, and dropping rl and rho moves e^r by less than 2^-61
 * (|rl| <= u |rh| + u |n L2|, |n L2| < 2^-27 for |x| <= 170, |rho| < 2^-80); the degree-4 truncation is below
 * R^5/120 (1.01) < 2^-54.5; rounding rh^2, the Horner levels, g and th g moves the value by less than 2^-60; the
 * final sum th + th g rounds once (u). In all less than 2^-51.4; 2^m (|m| <= 246) scales exactly.
 */
export function expF64(x: number): number {
  const nf = x * INV + SHIFT - SHIFT;
  const rh = x - nf * L1 - nf * L2;
  const g = rh + rh * rh * (0.5 + rh * (1 / 6 + rh * (1 / 24)));
  const n = nf | 0;
  const j = n & 255;
  const th = TH[j]!;
  return (th + th * g) * SCALE[((n - j) >> 8) + 256]!;
}

/** expF64's claimed relative error bound (above; test/numeric/logistic-f32.test.ts checks it against big.js). */
export const EXP64_BOUND = 2 ** -51.4;
/** The half-width exp32 decides with: over twice EXP64_BOUND, so rounding y -+ d itself (u y) cannot shrink it below. */
export const EXP_E = 2 ** -50;
const T32 = targetFor(float32);
const f = Math.fround;

/**
 * round32(e^x), as logistic-f32.ts does sigmoid and tanh: expF64 and binary32's rounding of both ends of the interval
 * its bound leaves; when they agree (rounding is monotonic) that is the correctly rounded value, otherwise, and
 * outside (-104, 89), the general path (exp-log.ts) decides. So it is expRounded at the float32 target, bit for bit.
 * Below -104 e^x rounds to +0 (2^-150 = e^-103.97); above 89 to infinity (the largest binary32 is e^88.72). A Mamba
 * step takes E N of these (its dA = exp(dt A)): they were half its time.
 */
export function exp32(x: number): number {
  if (x > -104 && x < 89) {
    const y = expF64(x);
    const d = y * EXP_E;
    const lo = f(y - d);
    if (lo === f(y + d)) return lo;
  }
  return expRounded(x, T32);
}
