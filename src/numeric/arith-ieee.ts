import type { Arith } from "./arith.js";
import { ieeeTable, roundIeee, type IeeeFormat } from "./ieee.js";
import { checkDot, checkMatVec } from "./arith-check.js";
import { sqrt64 } from "./sqrt.js";
import { transcendentalsFor } from "./transcendentals.js";

/*
 * An IEEE format other than binary64 and binary32, with at most 24 fraction bits (float16, bfloat16), emulated: each operation in binary64, then the format's
 * single rounding. Exact because 53 >= 2(m + 1) + 2 (checked by arithFor). The kernels are module-level functions
 * taking the format's table (see roundIeee for why not closures), so every emulated format runs the same
 * monomorphic code; roundIeee is captured in a module constant so module transforms (vitest, CJS interop) that
 * rewrite imports as property reads do not add a lookup per call.
 */
const round = roundIeee;

/** acc = round(acc + round(w[i + j] * v[vOffset + j])) for j in [0, cols), acc from 0. */
function dotIeee(
  w: Float64Array,
  i: number,
  cols: number,
  v: Float64Array,
  vOffset: number,
  table: Float64Array,
): number {
  let acc = 0;
  for (let j = 0; j < cols; j++, i++) acc = round(acc + round(w[i]! * v[vOffset + j]!, table), table);
  return acc;
}

export function emulatedIeeeArith(format: IeeeFormat): Arith {
  const table = ieeeTable(format.exponentBits, format.mantissaBits);
  return {
    format,
    round: format.round,
    add: (a, b) => round(a + b, table),
    sub: (a, b) => round(a - b, table),
    mul: (a, b) => round(a * b, table),
    dotRow(w, r, cols, v, vOffset = 0) {
      checkDot(w, r, cols, v, vOffset);
      return dotIeee(w, r * cols, cols, v, vOffset, table);
    },
    matVec(w, rows, cols, v, bias, out, outOffset = 0, vOffset = 0) {
      checkMatVec(w, rows, cols, v, bias, out, outOffset, vOffset);
      for (let r = 0; r < rows; r++) {
        const acc = dotIeee(w, r * cols, cols, v, vOffset, table);
        out[outOffset + r] = bias === null ? acc : round(acc + bias[r]!, table);
      }
    },
    ...transcendentalsFor(format),
    relu: (x) => (x > 0 ? round(x, table) : x === x ? 0 : NaN),
    div: (a, b) => round(a / b, table),
    sqrt: (x) => round(sqrt64(x), table),
  };
}
