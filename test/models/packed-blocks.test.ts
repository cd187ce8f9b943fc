/**
 * The gpt2 and torch-encoder blocks inside ccbound: the KV cache gives the forward pass's logits bit for bit, `--format`
 * re-rounds every weight (norms and ln_f included), descriptions and parameter counts are read off the layers, and
 * the two places 1/sqrt(m) can go (after the dot product for GPT-2, on q for nn.MultiheadAttention) are where each
 * block puts them. The match with PyTorch is gpt2-pytorch.test.ts; protocol == forward is theorem4.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { modelSha256, validateModel } from "../../src/io/model-file.js";
import { transformer } from "../../src/models/archs/transformer.js";
import type { Gpt2Layer } from "../../src/models/blocks/gpt2.js";
import { compileModel } from "../../src/models/compile.js";
import { describeModel } from "../../src/models/describe.js";
import { inFormat } from "../../src/models/in-format.js";
import { lastTokenRunner } from "../../src/models/kv-cache.js";
import { randomTransformer } from "../../src/models/random-transformer.js";
import type { TransformerModelSpec } from "../../src/models/spec.js";
import { parseFormat } from "../../src/numeric/parse.js";

const VOCAB = ["a", "b", "c"];
const LABELS = ["x", "y"];
const FORMATS = ["float64", "float32", "bfloat16", "fixed:4.8", "fixed:2.5:nearest"];

function model(block: string, format: string, seed: number, layers: number, extra: object = {}): TransformerModelSpec {
  return randomTransformer({
    ...{ width: 4, heads: 2, layers, maxLength: 8, format, seed, ffn: 3, block, ...extra },
    ...{ vocab: VOCAB, labels: LABELS },
  });
}

describe("gpt2 and torch-encoder blocks", () => {
  it("the KV cache gives the forward pass's logits bit for bit (1 and 2 layers, 5 formats, the encoder's settings both ways)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("gpt2", "torch-encoder"),
        fc.constantFrom(...FORMATS),
        fc.integer({ min: 1, max: 2 }),
        fc.boolean(),
        fc.constantFrom("relu", "gelu"),
        fc.nat(),
        fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 7 }),
        (block, format, layers, normFirst, activation, seed, prefix) => {
          const m = compileModel(model(block, format, seed, layers, { normFirst, activation }));
          const runner = lastTokenRunner(m, prefix);
          for (let last = 0; last < 3; last++)
            expect(Array.from(runner.logits(last)).map(String)).toEqual(
              Array.from(m.logits([...prefix, last])).map(String),
            );
        },
      ),
      { seed: 1515, numRuns: 120 },
    );
  });

  it("--format re-rounds every number, norms and ln_f included, and the model in its own format is unchanged", () => {
    for (const block of ["gpt2", "torch-encoder"]) {
      const spec = model(block, "float64", 4, 2);
      const format = parseFormat("fixed:2.5");
      const rounded = inFormat(spec, "fixed:2.5");
      const numbers = JSON.stringify({ layers: rounded.layers, finalNorm: rounded.finalNorm })
        .match(/-?\d+(\.\d+)?(e-?\d+)?/g)!
        .map(Number);
      expect(numbers.every((x) => format.isRepresentable(x))).toBe(true);
      const own = model(block, "fixed:2.5", 4, 2);
      expect(modelSha256(inFormat(own, "fixed:2.5"))).toBe(modelSha256(own));
    }
  });

  it("descriptions and parameter counts are read off the layers", () => {
    const g = model("gpt2", "float32", 1, 2);
    expect(describeModel(g)).toBe("transformer, 2 layers, d 4, gpt2, m 2, heads 2/2, float32");
    const e = model("torch-encoder", "float32", 1, 1, { normFirst: true, activation: "gelu" });
    expect(describeModel(e)).toBe("transformer, 1 layer, d 4, torch-encoder (norm first, gelu), m 2, heads 2, float32");
    // embeddings (3 + 8) x 4, per layer 3d^2 + 3d + d^2 + d + 2fd + f + d + 2(2d + 1), ln_f 2d + 1, the head 2 x (4 + 1)
    const perLayer = 3 * 16 + 12 + 16 + 4 + 2 * 3 * 4 + 3 + 4 + 2 * 9;
    expect(compileModel(g).parameterBits).toBe((11 * 4 + 2 * perLayer + 9 + 10) * 32);
    const options = { kind: "gpt2", hidden: 4, heads: 2, ffn: 3, layers: 2, maxLength: 8, format: "float32" };
    expect(transformer.randomNumbers({ ...options, vocab: VOCAB, labels: LABELS, seed: 1 })).toBe(
      11 * 4 + 2 * perLayer + 9 + 2 * 5,
    );
  });

  it("GPT-2 divides each logit by sqrt(m) rounded to the format; the encoder divides q: the same weights differ", () => {
    const g = model("gpt2", "float64", 9, 1);
    const heads = compileModel(g).layers[0]!.heads;
    expect(heads.map((h) => h.logitScale)).toEqual([Math.SQRT2, Math.SQRT2]);
    const layer = g.layers[0] as Gpt2Layer;
    const encoder: TransformerModelSpec = {
      ...g,
      finalNorm: g.finalNorm!,
      layers: [
        {
          block: "torch-encoder",
          headCount: layer.headCount,
          normFirst: true,
          activation: "gelu",
          inProj: layer.attn,
          outProj: layer.attnProj,
          linear1: layer.fc,
          linear2: layer.proj,
          norm1: layer.ln1,
          norm2: layer.ln2,
        },
      ],
    };
    expect(
      compileModel(validateModel(encoder, "e") as TransformerModelSpec).layers[0]!.heads.every(
        (h) => h.logitScale === undefined,
      ),
    ).toBe(true);
    const a = compileModel(g).logits([0, 1, 2, 1]);
    const b = compileModel(encoder).logits([0, 1, 2, 1]);
    // gelu (erf) and gelu_new differ, and so may the roundings of the scale: the logits are close but not equal.
    expect(Array.from(a)).not.toEqual(Array.from(b));
    a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(0.1));
  });

  it("heads that do not divide d and a block without an FFN are refused with one line, naming the flag", () => {
    expect(() => model("gpt2", "float32", 1, 1, { heads: 3 })).toThrow(/3 heads must divide the width d 4/);
    expect(() => model("torch-encoder", "float32", 1, 1, { ffn: 0 })).toThrow(/--ffn must be at least 1/);
  });
});
