import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileTransformer } from "../../src/models/transformer.js";
import { lastTokenRunner } from "../../src/models/kv-cache.js";
import { randomTransformer } from "../../src/models/random-transformer.js";

const FORMATS = ["float64", "float32", "float16", "fixed:4.8", "fixed:3.5:nearest", "fixed:2.0"];

/** One-layer models (causal or not) and causal models of 2-3 layers: the ones whose prefix a last token cannot change. */
const cases = fc.record({
  layers: fc.integer({ min: 1, max: 3 }),
  causalOneLayer: fc.boolean(),
  heads: fc.integer({ min: 1, max: 3 }),
  width: fc.integer({ min: 1, max: 6 }),
  format: fc.constantFrom(...FORMATS),
  ffn: fc.integer({ min: 0, max: 4 }),
  layerNorm: fc.boolean(),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  prefix: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 0, maxLength: 12 }),
});

describe("lastTokenRunner: a shared prefix computed once gives the forward pass's logits bit for bit", () => {
  it("on random Transformers in 6 formats, every last token (fast-check, seed 4242)", () => {
    fc.assert(
      fc.property(cases, (c) => {
        const spec = randomTransformer({
          width: c.width,
          heads: c.heads,
          layers: c.layers,
          maxLength: 13,
          format: c.format,
          vocab: ["a", "b", "c", "d"],
          labels: ["0", "1", "2"],
          seed: c.seed,
          ffn: c.ffn,
          causal: c.layers > 1 || c.causalOneLayer,
          layerNorm: c.layerNorm,
        });
        const model = compileTransformer(spec);
        const runner = lastTokenRunner(model, c.prefix);
        for (let last = 0; last < 4; last++) {
          const cached = Array.from(runner.logits(last));
          const whole = Array.from(model.logits([...c.prefix, last]));
          expect(cached.map((x) => (Object.is(x, -0) ? "-0" : x))).toEqual(
            whole.map((x) => (Object.is(x, -0) ? "-0" : x)),
          );
          expect(runner.forward(last)).toBe(model.forward([...c.prefix, last]));
        }
      }),
      { seed: 4242, numRuns: 300 },
    );
  });

  it("refuses a non-causal model of two layers, where the last token changes what earlier positions compute", () => {
    const spec = randomTransformer({
      width: 3,
      heads: 1,
      layers: 2,
      maxLength: 5,
      format: "float64",
      vocab: ["a", "b"],
      labels: ["0", "1"],
      seed: 1,
      causal: false,
    });
    expect(() => lastTokenRunner(compileTransformer(spec), [0, 1])).toThrow(/one-layer or causal/);
  });
});
