import type { Arith } from "./arith.js";
import type { IeeeFormat } from "./ieee.js";
import { checkDot, checkMatVec } from "./arith-check.js";
import { sqrt32, sqrt64 } from "./sqrt.js";
import { transcendentalsFor } from "./transcendentals.js";
import { exp32 } from "./exp-f32.js";
import { sigmoid32, sigmoid32Range, silu32, tanh32, tanh32Range } from "./logistic-f32.js";
import { softplus32 } from "./softplus-f32.js";
import { gelu32 } from "./gelu-f32.js";

/** sum of w[i + j] * v[vOffset + j] for j in [0, cols), in order, in binary64. */
function dot64(w: Float64Array, i: number, cols: number, v: Float64Array, vOffset: number): number {
  let acc = 0;
  for (let j = 0; j < cols; j++, i++) acc += w[i]! * v[vOffset + j]!;
  return acc;
}

/** The same, rounding to binary32 after every multiply and every add. */
function dot32(w: Float64Array, i: number, cols: number, v: Float64Array, vOffset: number): number {
  let acc = 0;
  for (let j = 0; j < cols; j++, i++) acc = Math.fround(acc + Math.fround(w[i]! * v[vOffset + j]!));
  return acc;
}

/** binary64: the hardware's own rounding, so the loops call no rounder at all. */
export function float64Arith(format: IeeeFormat): Arith {
  return {
    format,
    round: (x) => x,
    add: (a, b) => a + b,
    sub: (a, b) => a - b,
    mul: (a, b) => a * b,
    dotRow(w, r, cols, v, vOffset = 0) {
      checkDot(w, r, cols, v, vOffset);
      return dot64(w, r * cols, cols, v, vOffset);
    },
    matVec(w, rows, cols, v, bias, out, outOffset = 0, vOffset = 0) {
      checkMatVec(w, rows, cols, v, bias, out, outOffset, vOffset);
      for (let r = 0; r < rows; r++) {
        const acc = dot64(w, r * cols, cols, v, vOffset);
        out[outOffset + r] = bias === null ? acc : acc + bias[r]!;
      }
    },
    ...transcendentalsFor(format),
    relu: (x) => (x > 0 ? x : x === x ? 0 : NaN),
    div: (a, b) => a / b,
    sqrt: sqrt64,
  };
}

/**
 * binary32: Math.fround inline after every operation. Rounding a binary64 sum or product of two binary32 values to
 * binary32 is the correctly rounded binary32 operation (53 >= 2 * 24 + 2), which is how PyTorch's CPU results match.
 */
export function float32Arith(format: IeeeFormat): Arith {
  const f = Math.fround;
  return {
    format,
    round: f,
    add: (a, b) => f(a + b),
    sub: (a, b) => f(a - b),
    mul: (a, b) => f(a * b),
    dotRow(w, r, cols, v, vOffset = 0) {
      checkDot(w, r, cols, v, vOffset);
      return dot32(w, r * cols, cols, v, vOffset);
    },
    matVec(w, rows, cols, v, bias, out, outOffset = 0, vOffset = 0) {
      checkMatVec(w, rows, cols, v, bias, out, outOffset, vOffset);
      for (let r = 0; r < rows; r++) {
        const acc = dot32(w, r * cols, cols, v, vOffset);
        out[outOffset + r] = bias === null ? acc : f(acc + bias[r]!);
      }
    },
    ...transcendentalsFor(format),
    // The same values as the general path's, decided in binary64 first where 24 bits allow (logistic-f32.ts).
    tanh: tanh32,
    sigmoid: sigmoid32,
    tanhRange: tanh32Range,
    sigmoidRange: sigmoid32Range,
    exp: exp32,
    silu: silu32,
    softplus: softplus32,
    gelu: gelu32,
    relu: (x) => (x > 0 ? f(x) : x === x ? 0 : NaN),
    // Correctly rounded: binary64's quotient and root of binary32 values round once more exactly (53 >= 2 * 24 + 2).
    div: (a, b) => f(a / b),
    sqrt: sqrt32,
  };
}
