import type { PaperLayer } from "../../src/models/blocks/paper.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateModel } from "../../src/io/model-file.js";
import { compileModel } from "../../src/models/compile.js";
import { randomTransformer, type RandomTransformerOptions } from "../../src/models/random-transformer.js";
import type { TransformerModelSpec } from "../../src/models/spec.js";

const SEED = 99;
const VOCAB = ["a", "b", "c", "d"];

/** A naive binary64 Transformer, written from the paper's definitions with plain loops and Math: the reference. */
function naiveLogits(spec: TransformerModelSpec, tokens: number[]): number[] {
  const matVec = (w: number[][], v: number[]) => w.map((row) => row.reduce((s, x, i) => s + x * v[i]!, 0));
  const add = (a: number[], b: number[]) => a.map((x, i) => x + b[i]!);
  const norm = (v: number[], n: { weight: number[]; bias: number[]; eps: number } | undefined) => {
    if (!n) return v;
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length;
    return v.map((x, i) => ((x - mean) / Math.sqrt(variance + n.eps)) * n.weight[i]! + n.bias[i]!);
  };
  let X = tokens.map((t, i) => add(spec.tokenEmbedding[t]!, spec.positionEmbedding[i]!));
  for (const layer of spec.layers as PaperLayer[]) {
    X = X.map((x, i) => {
      const heads = layer.heads.flatMap((h) => {
        const q = matVec(h.query, x);
        const visible = spec.causal ? X.slice(0, i + 1) : X;
        const logits = visible.map((xj) => matVec(h.key, xj).reduce((s, k, c) => s + k * q[c]!, 0));
        const max = Math.max(...logits);
        const e = logits.map((s) => Math.exp(s - max));
        const Z = e.reduce((s, v) => s + v, 0);
        return h.query.map((_, c) => visible.reduce((s, xj, j) => s + (e[j]! / Z) * matVec(h.value, xj)[c]!, 0));
      });
      let a = norm(add(x, matVec(layer.output, heads)), layer.norm1);
      if (layer.ffn) {
        const hidden = matVec(layer.ffn.weight1, a).map((v, r) => Math.max(0, v + layer.ffn!.bias1[r]!));
        a = add(a, add(matVec(layer.ffn.weight2, hidden), layer.ffn.bias2));
      }
      return norm(a, layer.norm2);
    });
  }
  return add(matVec(spec.head.weight, X[X.length - 1]!), spec.head.bias);
}

const optionsArb: fc.Arbitrary<RandomTransformerOptions> = fc.record({
  width: fc.integer({ min: 1, max: 5 }),
  headWidth: fc.integer({ min: 1, max: 4 }),
  heads: fc.integer({ min: 1, max: 3 }),
  layers: fc.integer({ min: 1, max: 3 }),
  ffn: fc.integer({ min: 0, max: 6 }),
  causal: fc.boolean(),
  layerNorm: fc.boolean(),
  seed: fc.nat(),
  maxLength: fc.constant(10),
  format: fc.constant("float64"),
  vocab: fc.constant(VOCAB),
  labels: fc.constant(["0", "1", "2"]),
});

describe("the Transformer forward pass", () => {
  it("float64 matches a naive binary64 implementation of the paper's definitions within 1e-9 (1-3 layers, 1-3 heads, FFN, layer norm, causal or not)", () => {
    fc.assert(
      fc.property(
        optionsArb,
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 10 }),
        (options, tokens) => {
          const spec = randomTransformer(options);
          const got = Array.from(compileModel(spec).logits(Int32Array.from(tokens)));
          const want = naiveLogits(spec, tokens);
          got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThan(1e-9 * (1 + Math.abs(want[i]!))));
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it("every value it computes is a value of the format (fixed:2.5, float16): outputs are rounded", () => {
    for (const format of ["fixed:2.5", "float16"]) {
      const model = compileModel(
        randomTransformer({
          width: 3,
          heads: 2,
          layers: 2,
          maxLength: 8,
          format,
          vocab: VOCAB,
          labels: ["0", "1"],
          seed: 3,
          layerNorm: true,
        }),
      );
      const y = model.finalVector(Int32Array.of(0, 1, 2, 3, 2, 1));
      expect(Array.from(y).every((v) => model.format.isRepresentable(v))).toBe(true);
    }
  });

  it("the causal mask changes what earlier positions see (two layers), but not a one-layer model's output", () => {
    const base = { width: 3, heads: 1, maxLength: 6, format: "float64", vocab: VOCAB, labels: ["0", "1"], seed: 11 };
    const tokens = Int32Array.of(0, 1, 2, 3);
    const one = (causal: boolean) =>
      Array.from(compileModel(randomTransformer({ ...base, layers: 1, causal })).logits(tokens));
    const two = (causal: boolean) =>
      Array.from(compileModel(randomTransformer({ ...base, layers: 2, causal })).logits(tokens));
    expect(one(true)).toEqual(one(false));
    expect(two(true)).not.toEqual(two(false));
  });

  it("size is read off the object: width, heads, p and the bits of every parameter", () => {
    const model = compileModel(
      randomTransformer({
        width: 4,
        headWidth: 2,
        heads: 3,
        layers: 1,
        maxLength: 5,
        format: "fixed:3.4",
        vocab: VOCAB,
        labels: ["0", "1"],
        seed: 1,
        ffn: 6,
      }),
    );
    expect([model.d, model.headWidth, model.heads, model.unitBits]).toEqual([4, 2, 3, 8]);
    const parameters = 4 * 4 + 5 * 4 + 3 * 3 * 2 * 4 + 4 * 6 + (6 * 4 + 6 + 4 * 6 + 4) + (2 * 4 + 2);
    expect(model.parameterBits).toBe(parameters * 8);
  });

  it("inputs longer than the position embedding are refused", () => {
    const model = compileModel(
      randomTransformer({
        width: 2,
        heads: 1,
        layers: 1,
        maxLength: 3,
        format: "float32",
        vocab: VOCAB,
        labels: ["0", "1"],
        seed: 1,
      }),
    );
    expect(() => model.forward(Int32Array.of(0, 1, 2, 3))).toThrow(/1 to 3 tokens/);
  });
});

describe("Transformer model files", () => {
  it("a random model file validates, and a transposed W_O is reported with its path", () => {
    const spec = randomTransformer({
      width: 3,
      headWidth: 2,
      heads: 2,
      layers: 1,
      maxLength: 4,
      format: "float32",
      vocab: VOCAB,
      labels: ["0", "1"],
      seed: 5,
    });
    expect(() => validateModel(JSON.parse(JSON.stringify(spec)), "m.json")).not.toThrow();
    const bad = JSON.parse(JSON.stringify(spec));
    bad.layers[0].output = Array.from({ length: 4 }, () => [0, 0, 0]);
    expect(() => validateModel(bad, "m.json")).toThrow(/layers\/0\/output.*4 rows, expected 3/);
  });
});
