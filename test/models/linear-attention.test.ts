/**
 * The linear Transformer (src/models/cells/linear-attention.ts): the compiled step equals the naive oracle of
 * test/models/reference.ts bit for bit in every kind of format; the state is every head's S and z; Theorem 2's
 * protocol at every cut 0..N is the forward pass, at the cost the closed form says.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateModel } from "../../src/io/model-file.js";
import { describeModel } from "../../src/models/describe.js";
import { stateBits } from "../../src/models/model.js";
import { randomModel, type RandomModelOptions } from "../../src/models/random.js";
import type { RecurrentModelSpec } from "../../src/models/spec.js";
import { parseFormat } from "../../src/numeric/parse.js";
import { expectOracle, expectRelayAtOddEven, expectTheorem2AtEveryCut, recurrentOf } from "./cell-checks.js";

const FORMATS = ["float64", "float32", "float16", "bfloat16", "fixed:2.5", "fixed:3.8:nearest", "fixed:1.2"];
const vocab = ["a", "b", "c", "d"];
const labels = ["x", "y", "z"];

const options = fc.record({
  format: fc.constantFrom(...FORMATS),
  hidden: fc.integer({ min: 1, max: 4 }),
  layers: fc.integer({ min: 1, max: 2 }),
  heads: fc.integer({ min: 1, max: 2 }),
  ffn: fc.integer({ min: 1, max: 5 }),
  seed: fc.nat(),
  gelu: fc.boolean(),
  finalNorm: fc.boolean(),
});

function laSpec(
  o: Omit<RandomModelOptions, "arch" | "vocab" | "labels"> & { gelu?: boolean; finalNorm?: boolean },
): RecurrentModelSpec {
  const { gelu, finalNorm, ...rest } = o;
  const spec = randomModel({ arch: "linear-attention", vocab, labels, ...rest }) as RecurrentModelSpec;
  const round = parseFormat(o.format).round;
  return {
    ...spec,
    layers: spec.layers.map((l) => (gelu ? { ...l, activation: "gelu" as const } : l)),
    ...(finalNorm && {
      finalNorm: {
        norm: "layer" as const,
        weight: Array.from({ length: o.hidden }, (_, c) => round(0.5 + c / 8)),
        bias: Array.from({ length: o.hidden }, (_, c) => round(c / 16 - 0.1)),
        eps: round(1e-5),
      },
    }),
  };
}

describe("linear attention", () => {
  it("the compiled step equals the naive oracle bit for bit: state and logits, every kind of format", () => {
    fc.assert(
      fc.property(options, fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 10 }), (o, tokens) => {
        expectOracle(laSpec(o), tokens);
      }),
      { seed: 1505, numRuns: 150 },
    );
  });

  it("the state is every head's S and z: H (d_keys d_values + d_keys) values a layer", () => {
    const spec = laSpec({ format: "float32", hidden: 4, layers: 2, heads: 2, seed: 1 });
    const model = recurrentOf(spec);
    expect(model.stateUnits).toBe(2 * 2 * (2 * 2 + 2));
    expect(stateBits(model)).toBe(24 * 32);
    expect([model.outputUnits, model.readoutUnits]).toEqual([8, 4]);
    expect(describeModel(spec)).toBe("linear-attention(heads 2, d_keys 2, d_values 2) x2, hidden 4/4, float32");
    expect(validateModel(spec, "m.json")).toEqual(spec);
  });

  it("Theorem 2 at every cut 0..N is the forward pass, and costs the state's bits (plus the readout's at K = N)", () => {
    fc.assert(
      fc.property(options, fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 }), (o, tokens) => {
        const model = recurrentOf(laSpec(o));
        expect(model.readoutUnits).toBe(o.hidden);
        expectTheorem2AtEveryCut(model, tokens);
      }),
      { seed: 1506, numRuns: 100 },
    );
  });
  it("Theorem 2 relayed at the odd/even split (a message at every change of holder) is the forward pass", () => {
    fc.assert(
      fc.property(options, fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 8 }), (o, tokens) => {
        expectRelayAtOddEven(recurrentOf(laSpec(o)), tokens);
      }),
      { seed: 1509, numRuns: 60 },
    );
  });
});
