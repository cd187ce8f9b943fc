import type { PaperLayer } from "../../src/models/blocks/paper.js";
import { describe, expect, it } from "vitest";
import {
  assocRecallConstruction,
  disjointnessConstruction,
  equalityConstruction,
  indexLookupConstruction,
  nearestNeighborConstruction,
  thresholdConstruction,
  verifyWeights,
  type Construction,
  type ConstructionOptions,
} from "../../src/constructions/index.js";
import { compileModel } from "../../src/models/compile.js";
import { modelFileText, parseModelJson } from "../../src/io/model-file.js";
import type { TransformerModelSpec } from "../../src/models/spec.js";

/** Build, check the declared size against the weights, and verify on the task (every input when they are few). */
function buildAndVerify(c: Construction, n: number, options: ConstructionOptions = {}, samples = 300) {
  const built = c.build(n, options);
  expect(c.size!(n, options)).toEqual(built.size);
  // The weights are an ordinary model file: they survive validation and a round trip through JSON.
  expect(parseModelJson(modelFileText(built.spec, "test"), "test")).toEqual(built.spec);
  return { built, check: verifyWeights(built.spec, built.task, { samples }) };
}

describe("Theorem 1: index lookup by one layer and one head", () => {
  for (const n of [2, 3, 5, 8, 10]) {
    it(`verified on every input at N = ${n} (binary code, hard attention)`, () => {
      const { check } = buildAndVerify(indexLookupConstruction, n);
      expect(check).toMatchObject({ verified: true, mode: "exhaustive" });
      expect(check.inputs).toBe(2 ** n * n);
    });
  }
  it("every query of a seeded string at N = 512, in 6 bits of precision and width 2 log2 N + 1", () => {
    const { built, check } = buildAndVerify(indexLookupConstruction, 512);
    expect(check).toMatchObject({ verified: true, mode: "all-queries", inputs: 512 });
    expect(built.size).toMatchObject({ width: 19, layers: 1, heads: 1, precision: 6 });
  });
  it("alphabets of 3 and 5 symbols: every input at N = 5 (3 symbols), every query at N = 64 (5 symbols)", () => {
    expect(buildAndVerify(indexLookupConstruction, 5, { task: { alphabet: 3 } }).check).toMatchObject({
      verified: true,
      mode: "exhaustive",
      inputs: 3 ** 5 * 5,
    });
    expect(buildAndVerify(indexLookupConstruction, 64, { task: { alphabet: 5 } }).check).toMatchObject({
      verified: true,
      inputs: 64,
    });
  });
  it("the paper's regime: Reed–Solomon and random codes with γ = 1/4, η = 2 ln 3N, the threshold FFN", () => {
    for (const options of [
      { code: "reed-solomon", fracBits: 2 },
      { code: "random", k: 300 },
      { code: "reed-solomon", eta: 2 * Math.log(3 * 64), fracBits: 6 },
    ] as const) {
      const { built, check } = buildAndVerify(indexLookupConstruction, 64, options);
      expect(check.verified, JSON.stringify(options)).toBe(true);
      expect(built.spec.arch === "transformer" && (built.spec.layers[0]! as PaperLayer).ffn === null).toBe(
        built.parameters.attention!.toString().startsWith("hard"),
      );
    }
  });
  it("a scale too small for the code fails verification with a counterexample (the check can fail)", () => {
    const { check } = buildAndVerify(indexLookupConstruction, 8, { eta: 0.5, fracBits: 4 });
    expect(check.verified).toBe(false);
    const { tokens, expected, answer } = check.counterexample!;
    expect(tokens).toHaveLength(9);
    expect(answer).not.toBe(expected);
  });
});

describe("Theorem 6 and Theorem 13: two-layer Transformers on the two halves", () => {
  const cases: [Construction, number, ConstructionOptions][] = [
    [equalityConstruction, 2, {}],
    [equalityConstruction, 10, {}],
    [equalityConstruction, 10, { task: { variant: "ineq" } }],
    [equalityConstruction, 8, { task: { separator: true } }],
    [equalityConstruction, 6, { code: "reed-solomon" }],
    [thresholdConstruction, 10, {}],
    [thresholdConstruction, 6, { task: { separator: true } }],
    [disjointnessConstruction, 2, {}],
    [disjointnessConstruction, 10, {}],
    [disjointnessConstruction, 6, { code: "random", k: 40 }],
  ];
  for (const [c, n, options] of cases) {
    it(`${c.name} ${JSON.stringify(options)}: verified on every input at N = ${n}`, () => {
      const { check } = buildAndVerify(c, n, options);
      expect(check).toMatchObject({ verified: true, mode: "exhaustive" });
      expect(check.inputs).toBe(2 ** n);
    });
  }
  for (const c of [equalityConstruction, disjointnessConstruction]) {
    it(`${c.name}: 300 seeded samples at N = 96 (seed 1)`, () => {
      expect(buildAndVerify(c, 96).check).toMatchObject({ verified: true, mode: "sampled", inputs: 300 });
    });
  }
  it("sizes: width 7 + 2k (equality, one head) and 8 + 3k (Theorem 13, two heads), p = 1 + I + F with F = log2 N", () => {
    const eq = equalityConstruction.size!(1024);
    const th = thresholdConstruction.size!(1024);
    expect(eq).toMatchObject({ width: 7 + 2 * 10, layers: 2, heads: 1 }); // k = log2 1024 = 10
    expect(th).toMatchObject({ width: 8 + 3 * 10, layers: 2, heads: 2 });
    expect(eq.precision).toBe(th.precision);
  });
  it("too few fraction bits for the uniform weight 1/N are refused with the least that works", () => {
    expect(() => equalityConstruction.build(64, { fracBits: 5 })).toThrow(/at least 6/);
    expect(() => equalityConstruction.build(7)).toThrow(/even N/);
  });
});

describe("Theorem 7: nearest neighbour, MQAR and associative recall by two layers", () => {
  const cases: [Construction, number, ConstructionOptions][] = [
    [nearestNeighborConstruction, 1, {}],
    [nearestNeighborConstruction, 3, {}],
    [nearestNeighborConstruction, 4, {}],
    [nearestNeighborConstruction, 3, { task: { dim: 3 } }],
    [nearestNeighborConstruction, 4, { task: { mqar: true } }],
    [assocRecallConstruction, 4, {}],
    [assocRecallConstruction, 4, { task: { alphabet: 3 } }],
  ];
  for (const [c, n, options] of cases) {
    it(`${c.name} ${JSON.stringify(options)}: verified on every input at n = ${n}`, () => {
      const { built, check } = buildAndVerify(c, n, options);
      expect(check).toMatchObject({ verified: true, mode: "exhaustive" });
      expect(BigInt(check.inputs)).toBe(built.task.count());
    });
  }
  it("300 seeded samples at n = 48 (keys of dimension 6, and of dimension 8), and assoc-recall at n = 64", () => {
    expect(buildAndVerify(nearestNeighborConstruction, 48).check).toMatchObject({ verified: true, inputs: 300 });
    expect(buildAndVerify(nearestNeighborConstruction, 48, { task: { dim: 8 } }).check).toMatchObject({
      verified: true,
      inputs: 300,
    });
    expect(buildAndVerify(assocRecallConstruction, 64, { task: { alphabet: 4 } }).check).toMatchObject({
      verified: true,
      inputs: 300,
    });
  });
  it("repeated nearest keys (same label) still give the right label: the case the paper's layer order breaks on", () => {
    const built = nearestNeighborConstruction.build(4, { task: { dim: 2 } });
    const model = compileModel(built.spec as TransformerModelSpec);
    const id = (t: string) => built.spec.vocab.indexOf(t);
    const input = ["v1", "1", "v1", "1", "v1", "1", "v2", "0", "v1"].map(id);
    expect(built.spec.labels[model.forward(input)]).toBe("1");
  });
});
