/**
 * Layer norm over the d features, (x - mean) / sqrt(variance + eps) * weight + bias, as every Transformer block uses
 * it: its schema, shape check, compiled form and the computation in the model's number format.
 */
import * as z from "zod";
import type { Arith } from "../../numeric/arith.js";
import type { Accumulator } from "../../numeric/exact-sum.js";
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
 * (v - mean) / sqrt(variance + eps) * weight + bias, rounding every operation. In place.
 */
export function applyLayerNorm(arith: Arith, acc: Accumulator, v: Float64Array, n: CompiledNorm): void {
  const d = v.length;
  acc.clear();
  for (let c = 0; c < d; c++) acc.add(v[c]!);
  const mean = acc.roundedQuotient(d);
  acc.clear();
  for (let c = 0; c < d; c++) {
    v[c] = arith.sub(v[c]!, mean);
    acc.add(arith.mul(v[c]!, v[c]!));
  }
  const scale = arith.sqrt(arith.add(acc.roundedQuotient(d), n.eps));
  for (let c = 0; c < d; c++) v[c] = arith.add(arith.mul(arith.div(v[c]!, scale), n.weight[c]!), n.bias[c]!);
}
