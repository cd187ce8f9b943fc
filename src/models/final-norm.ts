/**
 * The norm a recurrent model applies to its last layer's output before the head: Mamba's `norm_f` (RMSNorm), or the
 * final LayerNorm of fast-transformers' RecurrentTransformerEncoder (`norm_layer`). A field of the model, not a
 * layer: it has no state, runs once per readout (not per step), and the reference code holds it in the backbone, not
 * among the layers (as GPT-2's ln_f is the Transformer's). Optional: a model without it is as before.
 */
import * as z from "zod";
import type { Arith } from "../numeric/arith.js";
import { exactSumFor } from "../numeric/exact-sum.js";
import { applyLayerNorm } from "./blocks/layer-norm.js";
import { vector } from "./file-schema.js";
import { applyRmsNorm } from "./rms-norm.js";
import { asRecord, checkVector, type Dim, type Path, type Report } from "./shapes.js";
import type { Vector } from "./spec.js";
import { roundedVector } from "./tensors.js";

export type FinalNorm =
  { norm: "rms"; weight: Vector; eps: number } | { norm: "layer"; weight: Vector; bias: Vector; eps: number };

const eps = z.number().min(0).describe("added to the mean square (rms) or the variance (layer)");

export const finalNormSchema = z
  .discriminatedUnion("norm", [
    z.strictObject({ norm: z.literal("rms"), weight: vector.describe("d"), eps }),
    z.strictObject({ norm: z.literal("layer"), weight: vector.describe("d"), bias: vector.describe("d"), eps }),
  ])
  .describe("a norm after the last layer, before the head: RMSNorm (Mamba's norm_f) or LayerNorm");

export function checkFinalNorm(value: unknown, path: Path, d: Dim | undefined, report: Report): void {
  const norm = asRecord(value);
  if (!norm) return;
  checkVector(norm["weight"], [...path, "weight"], d, report);
  if (norm["norm"] === "layer") checkVector(norm["bias"], [...path, "bias"], d, report);
}

export function finalNormParameters(n: FinalNorm | undefined): number {
  if (!n) return 0;
  return n.weight.length + (n.norm === "layer" ? n.bias.length : 0) + 1;
}

export function finalNormInFormat(n: FinalNorm, round: (x: number) => number): FinalNorm {
  const weight = n.weight.map(round);
  return n.norm === "rms"
    ? { norm: "rms", weight, eps: round(n.eps) }
    : { norm: "layer", weight, bias: n.bias.map(round), eps: round(n.eps) };
}

/** A norm that a random model ends with: weights drawn by `draw`, bias 0, eps 1e-5 (PyTorch's LayerNorm default). */
export function randomFinalNorm(kind: "rms" | "layer", d: number, draw: () => number, round: (x: number) => number) {
  const weight = Array.from({ length: d }, draw);
  const e = round(1e-5);
  return kind === "rms"
    ? ({ norm: "rms", weight, eps: e } as const)
    : ({ norm: "layer", weight, bias: new Array<number>(d).fill(0), eps: e } as const);
}

/** The norm compiled: `apply` reads d values of a buffer and returns them normalised, in a scratch it reuses. */
export function compileFinalNorm(
  n: FinalNorm,
  d: number,
  arith: Arith,
): (v: Float64Array, offset: number) => Float64Array {
  const weight = roundedVector(n.weight, arith.round);
  const e = arith.round(n.eps);
  const acc = exactSumFor(arith.format).accumulator();
  const out = new Float64Array(d);
  if (n.norm === "rms")
    return (v, offset) => {
      applyRmsNorm(arith, acc, v, offset, d, weight, e, out);
      return out;
    };
  const layer = { weight, bias: roundedVector(n.bias, arith.round), eps: e };
  return (v, offset) => {
    for (let c = 0; c < d; c++) out[c] = v[offset + c]!;
    applyLayerNorm(arith, acc, out, layer);
    return out;
  };
}
