import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { validateModel } from "../../src/io/model-file.js";
import { compileModel } from "../../src/models/compile.js";

/** Made by scripts/pytorch-transformer-fixtures.py (PyTorch, float64, the paper's definitions); CI has no PyTorch. */
const data = JSON.parse(readFileSync("test/fixtures/pytorch-transformer/fixtures.json", "utf8")) as {
  torch: string;
  fixtures: { name: string; model: unknown; inputs: number[][]; logits: number[][] }[];
};

describe("the Transformer forward pass against PyTorch (float64, 4 models, 5 inputs each)", () => {
  for (const f of data.fixtures) {
    it(`${f.name}: logits within 1e-12 of PyTorch ${data.torch}`, () => {
      const model = compileModel(validateModel(f.model, f.name));
      if (model.kind !== "transformer") throw new Error(`${f.name} is not a transformer`);
      f.inputs.forEach((tokens, i) => {
        const got = Array.from(model.logits(Int32Array.from(tokens)));
        got.forEach((g, j) =>
          expect(Math.abs(g - f.logits[i]![j]!), `input ${i}, logit ${j}`).toBeLessThan(1e-12 * (1 + Math.abs(g))),
        );
      });
    });
  }
});
