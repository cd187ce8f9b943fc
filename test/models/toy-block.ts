/**
 * A Transformer block defined outside ccbound, the way docs/architectures.md says to add one: the paper's layer with
 * a layer norm before attention (the pre-norm placement of GPT-2's ln_1), registered by test/models/registry.test.ts
 * with one line. Its heads read ln(x); the residual and the rest of the layer are the paper's.
 */
import * as z from "zod";
import type { BlockKind } from "../../src/models/blocks/block.js";
import {
  applyLayerNorm,
  compileLayerNorm,
  identityNorm,
  layerNormSchema,
  type LayerNorm,
} from "../../src/models/blocks/layer-norm.js";
import { paper, type PaperLayer } from "../../src/models/blocks/paper.js";

export type PrenormLayer = PaperLayer & { block: "prenorm"; ln: LayerNorm };

const schema = (paper.schema as unknown as z.ZodObject).extend({
  block: z.literal("prenorm"),
  ln: layerNormSchema.describe("layer norm before attention"),
}) as unknown as z.ZodType<PrenormLayer>;

export const prenorm: BlockKind<PrenormLayer> = {
  ...(paper as unknown as BlockKind<PrenormLayer>),
  name: "prenorm",
  about: "the paper's layer with a layer norm before attention",
  schema,
  compile(layer, d, arith, sums) {
    const base = paper.compile(layer, d, arith, sums);
    const ln = compileLayerNorm(layer.ln, arith);
    const acc = sums.accumulator();
    const v = new Float64Array(d);
    return {
      ...base,
      block: "prenorm",
      attentionInput(x, xOffset, out, outOffset) {
        for (let c = 0; c < d; c++) v[c] = x[xOffset + c]!;
        applyLayerNorm(arith, acc, v, ln);
        out.set(v, outOffset);
      },
    };
  },
  parameters: (layer) => paper.parameters(layer) + 2 * layer.ln.weight.length + 1,
  random: (o) => ({ ...paper.random(o), block: "prenorm", ln: { ...identityNorm(o.d, o.round), bias: o.vec(o.d) } }),
};
