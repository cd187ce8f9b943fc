/**
 * The linear Transformer (src/models/cells/linear-attention.ts): the compiled step equals the naive oracle of
 * test/models/reference.ts bit for bit in every kind of format; the state is every head's S and z; Theorem 2's
 * protocol at every cut 0..N is the forward pass, at the cost the closed form says.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cc/protocol.js";
import { validateModel } from "../../src/io/model-file.js";
import { compileModel } from "../../src/models/compile.js";
import { describeModel } from "../../src/models/describe.js";
import { feed, forward, stateBits, type RecurrentModel } from "../../src/models/model.js";
import { randomModel, type RandomModelOptions } from "../../src/models/random.js";
import type { RecurrentModelSpec } from "../../src/models/spec.js";
import { parseFormat } from "../../src/numeric/parse.js";
import { oddEvenSplit, tokensOf } from "../../src/reductions/split.js";
import { stateRelayCost, stateRelayProtocol } from "../../src/reductions/state-relay.js";
import { theorem2Cost, theorem2Protocol } from "../../src/reductions/theorem2.js";
import { referenceForward } from "./reference.js";

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

function recurrentOf(spec: RecurrentModelSpec): RecurrentModel {
  const m = compileModel(spec);
  if (m.kind !== "recurrent") throw new Error("recurrent");
  return m;
}

describe("linear attention", () => {
  it("the compiled step equals the naive oracle bit for bit: state and logits, every kind of format", () => {
    fc.assert(
      fc.property(options, fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 10 }), (o, tokens) => {
        const spec = laSpec(o);
        const model = recurrentOf(spec);
        const state = feed(model, model.newState(), tokens);
        const ref = referenceForward(spec, parseFormat(o.format), tokens);
        expect(Array.from(state.subarray(0, model.stateUnits))).toEqual(ref.state.flat());
        expect(Array.from(model.logits(state))).toEqual(ref.logits);
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
        const answer = forward(model, tokens);
        for (let cut = 0; cut <= tokens.length; cut++) {
          const r = run(theorem2Protocol(model, cut, tokens.length), tokens.slice(0, cut), tokens.slice(cut));
          expect(r.output).toBe(answer);
          expect(r.cost).toBe(theorem2Cost(model, cut, tokens.length));
          expect(r.cost).toBe(stateBits(model) + (cut === tokens.length ? o.hidden * model.unitBits : 0));
        }
      }),
      { seed: 1506, numRuns: 100 },
    );
  });
  it("Theorem 2 relayed at the odd/even split (a message at every change of holder) is the forward pass", () => {
    fc.assert(
      fc.property(options, fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 8 }), (o, tokens) => {
        const model = recurrentOf(laSpec(o));
        const split = oddEvenSplit(tokens.length);
        const ids = Int32Array.from(tokens);
        const r = run(stateRelayProtocol(model, split), tokensOf(ids, split.alice), tokensOf(ids, split.bob));
        expect(r.output).toBe(forward(model, tokens));
        expect(r.cost).toBe(stateRelayCost(model, split));
        expect(r.cost).toBe((tokens.length - 1) * stateBits(model));
      }),
      { seed: 1509, numRuns: 60 },
    );
  });
});
