/**
 * The RetNet cell (src/models/cells/retnet.ts): its forward pass against the naive oracle (test/models/reference.ts)
 * bit for bit (the rotation reads the global position), Theorem 2's protocol against the forward pass at every cut
 * (Bob runs his tokens at their own positions), its state's size, its shape checks, and a random model below
 * Theorem 3's bound refuted on index lookup with a collision certificate that verifies.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateModel } from "../../src/io/model-file.js";
import { stateBits } from "../../src/models/model.js";
import { randomModel } from "../../src/models/random.js";
import type { RecurrentModelSpec } from "../../src/models/spec.js";
import type { RetnetLayer } from "../../src/models/cells/retnet.js";
import { makeTask } from "../../src/tasks/index.js";
import { expectOracle, expectRefutedByCollision, expectTheorem2AtEveryCut, recurrentOf } from "./cell-checks.js";

const FORMATS = ["float64", "float32", "float16", "bfloat16", "fixed:3.6", "fixed:4.5:nearest", "fixed:2.3"];
const vocab = ["a", "b", "c", "d"];
const labels = ["x", "y", "z"];
const ACTIVATIONS = ["gelu", "swish", "relu"] as const;

function retnetModel(
  format: string,
  hidden: number,
  layers: number,
  seed: number,
  pre: boolean,
  activation: (typeof ACTIVATIONS)[number],
): RecurrentModelSpec {
  const spec = randomModel({ arch: "retnet", hidden, format, layers, vocab, labels, seed }) as RecurrentModelSpec;
  return {
    ...spec,
    layers: spec.layers.map((l) => ({ ...(l as RetnetLayer), normalize_before: pre, activation })),
  };
}

describe("retnet", () => {
  it("equals the naive oracle bit for bit: state and logits, every format, 1-2 layers, 1-2 heads, pre/post-norm", () => {
    const seed = 1521;
    fc.assert(
      fc.property(
        fc.constantFrom(...FORMATS),
        fc.constantFrom(2, 4),
        fc.integer({ min: 1, max: 2 }),
        fc.boolean(),
        fc.constantFrom(...ACTIVATIONS),
        fc.nat(),
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 9 }),
        (format, hidden, layers, pre, activation, s, tokens) => {
          expectOracle(retnetModel(format, hidden, layers, s, pre, activation), tokens);
        },
      ),
      { seed, numRuns: 100 },
    );
  });

  it("Theorem 2 at every cut equals the forward pass, and costs the state (plus the readout at K = N)", () => {
    const seed = 1522;
    fc.assert(
      fc.property(
        fc.constantFrom(...FORMATS),
        fc.constantFrom(2, 4),
        fc.integer({ min: 1, max: 2 }),
        fc.nat(),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 }),
        (format, hidden, layers, s, tokens) => {
          const m = recurrentOf(retnetModel(format, hidden, layers, s, s % 2 === 0, ACTIVATIONS[s % 3]!));
          expectTheorem2AtEveryCut(m, tokens);
        },
      ),
      { seed, numRuns: 50 },
    );
  });

  it("the position matters: the same tokens at other positions give another state (the rotation reads n)", () => {
    const m = recurrentOf(retnetModel("float64", 4, 1, 5, true, "gelu"));
    const a = m.newState();
    m.step(a, 1, 0);
    m.step(a, 2, 1);
    const b = m.newState();
    m.step(b, 1, 0);
    m.step(b, 2, 7);
    expect(Array.from(a.subarray(0, m.stateUnits))).not.toEqual(Array.from(b.subarray(0, m.stateUnits)));
  });

  it("its state is H (dv dk + 1) values per layer: S and the scale of every head; the output lives apart", () => {
    const m = recurrentOf(retnetModel("float32", 4, 2, 1, true, "gelu"));
    // hidden 4: 2 heads, dk = dv = 2: 2 (4 + 1) = 10 values per layer.
    expect([m.stateUnits, m.outputUnits, m.readoutUnits]).toEqual([20, 8, 4]);
    expect(stateBits(m)).toBe(20 * 32);
  });

  it("a file's sizes are checked against heads, value_dim and ffn_dim: one line per problem", () => {
    const spec = retnetModel("float32", 4, 1, 3, true, "gelu");
    const layer = spec.layers[0] as RetnetLayer;
    const bad = { ...spec, layers: [{ ...layer, ffn_fc2: layer.ffn_fc2.map((row) => row.slice(1)) }] };
    expect(() => validateModel(JSON.parse(JSON.stringify(bad)), "m.json")).toThrow(
      /ffn_fc2.*expected 8 \(ffn_dim 8\)/s,
    );
    const odd = { ...spec, layers: [{ ...layer, heads: 4 }] };
    expect(() => validateModel(JSON.parse(JSON.stringify(odd)), "m.json")).toThrow(/heads.*even key_dim/s);
    expect(() => validateModel(JSON.parse(JSON.stringify(spec)), "m.json")).not.toThrow();
  });

  it("below Theorem 3's bound on index lookup: refuted by the dedup walk with a collision certificate that verifies", () => {
    const task = makeTask("index-lookup", 24);
    const seed = 15;
    const spec = randomModel({
      arch: "retnet",
      hidden: 2,
      format: "fixed:1.2",
      vocab: [...task.vocab],
      labels: [...task.labels],
      seed,
    }) as RecurrentModelSpec;
    const model = recurrentOf(spec);
    expect(stateBits(model)).toBe(5 * 4); // one head, dk = dv = 2: S and the scale, 20 bits < 24
    expectRefutedByCollision(model, task, seed);
  });
});
