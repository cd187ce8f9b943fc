// The two-layer induction head as exact fixed-point weights (Sanford, Hsu and Telgarsky 2024: h, m = O(1), p = O(log n)).
import { describe, expect, it } from "vitest";
import { inductionHeadsConstruction, measuredSize, verifyWeights } from "../../src/constructions/index.js";
import { compileModel } from "../../src/models/compile.js";
import type { AttentionHead } from "../../src/models/spec.js";
import { findResult, boundParams } from "../../src/registry/index.js";

describe("construct induction-heads", () => {
  it("is right on every input for n = 3..9 (binary alphabet) and n = 3..6 over 3 symbols", () => {
    for (const [alphabet, top] of [
      [2, 9],
      [3, 6],
    ] as const) {
      for (let n = 3; n <= top; n++) {
        const built = inductionHeadsConstruction.build(n, { task: { alphabet } });
        const check = verifyWeights(built.spec, built.task);
        expect(check, `n = ${n}, alphabet ${alphabet}`).toMatchObject({ verified: true, mode: "exhaustive" });
        expect(BigInt(check.inputs)).toBe(built.task.count());
      }
    }
  });

  it("is right on 500 seeded inputs at n = 100 and 100 at n = 400 (one head a layer, width 14 at every n)", () => {
    for (const [n, samples] of [
      [100, 500],
      [400, 100],
    ] as const) {
      const built = inductionHeadsConstruction.build(n);
      const check = verifyWeights(built.spec, built.task, { samples, seed: 7 });
      expect(check).toMatchObject({ verified: true, mode: "sampled", inputs: samples });
      expect(built.size).toMatchObject({ width: 14, layers: 2, heads: 1 });
    }
  });

  it("declares the size it builds, and the registry's formula agrees with construct's default", () => {
    for (const n of [3, 9, 64, 1000, 4096]) {
      for (const alphabet of [2, 5]) {
        const built = inductionHeadsConstruction.build(n, { task: { alphabet } });
        expect(inductionHeadsConstruction.size!(n, { task: { alphabet } })).toEqual(built.size);
        expect(measuredSize(built.spec)).toEqual(built.size);
        const e = findResult("sanford-induction-2")!.evaluate!(boundParams({ n, p: 16, alphabet }));
        const q = e.applicable ? Object.fromEntries(e.quantities.map((x) => [x.quantity, Number(x.least)])) : {};
        expect(q).toEqual({ width: built.size.width, H: 1, p: built.size.precision });
      }
    }
  });

  it("fails when the recency weight is removed: the latest match no longer wins (the test can fail)", () => {
    const built = inductionHeadsConstruction.build(8);
    const spec = structuredClone(built.spec);
    if (spec.arch !== "transformer") throw new Error("a Transformer");
    const V = spec.vocab.length;
    const induction = (spec.layers[1] as { heads: AttentionHead[] }).heads[0]!;
    induction.key[V] = induction.key[V]!.map(() => 0);
    expect(compileModel(spec).kind).toBe("transformer");
    expect(verifyWeights(spec, built.task)).toMatchObject({ verified: false });
  });
});
