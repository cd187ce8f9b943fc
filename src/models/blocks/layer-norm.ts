/**
 * Layer norm over the d features, (x - mean) / sqrt(variance + eps) * weight + bias, as every Transformer block uses
 * it: its schema, shape check, compiled form and the computation in the model's number format.
 */
import * as z from "zod";
import type { Arith } from "../../numeric/arith.js";
import { quotientOfSum, quotientsInBinary64, type Accumulator } from "../../numeric/exact-sum.js";
import { vector } from "../file-schema.js";
import { checkVector, asRecord, type Dim, type Path, type Report } from "../shapes.js";
import type { Vector } from "../spec.js";
import { roundedVector } from "../tensors.js";

export interface LayerNorm {
  weight: Vector; // d
  bias: Vector; // d
  eps: number;
}

export const layerNormSchema = z.strictObject({
  weight: vector.describe("d"),
  bias: vector.describe("d"),
  eps: z.number().min(0).describe("added to the variance"),
});

export function checkLayerNorm(value: unknown, path: Path, d: Dim | undefined, report: Report): void {
  const norm = asRecord(value);
  if (!norm) return;
  checkVector(norm["weight"], [...path, "weight"], d, report);
  checkVector(norm["bias"], [...path, "bias"], d, report);
}

/** Its parameters: weight, bias and eps. */
export function layerNormParameters(n: LayerNorm | undefined): number {
  return n ? n.weight.length + n.bias.length + 1 : 0;
}

export interface CompiledNorm {
  readonly weight: Float64Array;
  readonly bias: Float64Array;
  readonly eps: number;
}

export function compileLayerNorm(n: LayerNorm, arith: Arith): CompiledNorm {
  return {
    weight: roundedVector(n.weight, arith.round),
    bias: roundedVector(n.bias, arith.round),
    eps: arith.round(n.eps),
  };
}

/** A norm that leaves its input as it is (weight 1, bias 0), as random models start with. */
export function identityNorm(d: number, round: (x: number) => number): LayerNorm {
  return {
    weight: Array.from({ length: d }, () => round(1)),
    bias: new Array<number>(d).fill(0),
    eps: round(2 ** -10),
  };
}

/**
 * Layer norm in the format: the mean and the variance are exact sums divided by d and rounded once; then
 * (v - mean) / sqrt(variance + eps) * weight + bias, rounding every operation. In place. In formats of at most 24
 * fraction bits each quotient is first decided from the sum in binary64 with a proven error bound
 * (exact-sum.ts's quotientOfSum; the accumulator only when that interval straddles a rounding boundary or a value
 * is not finite): the same values, without the accumulator's cost.
 */
export function applyLayerNorm(arith: Arith, acc: Accumulator, v: Float64Array, n: CompiledNorm): void {
  const d = v.length;
  const fast = quotientsInBinary64(arith.format);
  let mean = NaN;
  if (fast) {
    let t = 0;
    let b = 0;
    for (let c = 0; c < d; c++) {
      const x = v[c]!;
      t += x;
      b += Math.abs(x);
    }
    if (b < Infinity) mean = quotientOfSum(t, b, d, d, arith.round);
  }
  if (mean !== mean) {
    acc.clear();
    for (let c = 0; c < d; c++) acc.add(v[c]!);
    mean = acc.roundedQuotient(d);
  }
  let variance = NaN;
  let t = 0;
  for (let c = 0; c < d; c++) {
    const x = arith.sub(v[c]!, mean);
    v[c] = x;
    t += arith.mul(x, x);
  }
  // The squares are >= 0 (or NaN): their sum is its own sum of magnitudes.
  if (fast && t < Infinity) variance = quotientOfSum(t, t, d, d, arith.round);
  if (variance !== variance) {
    acc.clear();
    for (let c = 0; c < d; c++) acc.add(arith.mul(v[c]!, v[c]!));
    variance = acc.roundedQuotient(d);
  }
  const scale = arith.sqrt(arith.add(variance, n.eps));
  for (let c = 0; c < d; c++) v[c] = arith.add(arith.mul(arith.div(v[c]!, scale), n.weight[c]!), n.bias[c]!);
}
