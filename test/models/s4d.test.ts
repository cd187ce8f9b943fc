/**
 * The S4D cell (src/models/cells/s4d.ts): its forward pass against the naive oracle (test/models/reference.ts) bit
 * for bit, Theorem 2's protocol against the forward pass at every cut, its state's size, its shape checks, and a
 * random model below Theorem 3's bound refuted on index lookup with a collision certificate that verifies.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateModel } from "../../src/io/model-file.js";
import { stateBits } from "../../src/models/model.js";
import { randomModel } from "../../src/models/random.js";
import type { RecurrentModelSpec } from "../../src/models/spec.js";
import type { S4dLayer } from "../../src/models/cells/s4d.js";
import { makeTask } from "../../src/tasks/index.js";
import { expectOracle, expectRefutedByCollision, expectTheorem2AtEveryCut, recurrentOf } from "./cell-checks.js";

const FORMATS = ["float64", "float32", "float16", "bfloat16", "fixed:2.5", "fixed:3.4:nearest", "fixed:1.3"];
const vocab = ["a", "b", "c", "d"];
const labels = ["x", "y", "z"];

function s4dModel(format: string, hidden: number, layers: number, seed: number, prenorm: boolean): RecurrentModelSpec {
  const spec = randomModel({ arch: "s4d", hidden, format, layers, vocab, labels, seed }) as RecurrentModelSpec;
  return { ...spec, layers: spec.layers.map((l) => ({ ...(l as S4dLayer), prenorm })) };
}

describe("s4d", () => {
  it("equals the naive oracle bit for bit: state and logits, every format, 1-2 layers, pre- and post-norm", () => {
    const seed = 1511;
    fc.assert(
      fc.property(
        fc.constantFrom(...FORMATS),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 2 }),
        fc.boolean(),
        fc.nat(),
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 10 }),
        (format, hidden, layers, prenorm, s, tokens) => {
          expectOracle(s4dModel(format, hidden, layers, s, prenorm), tokens);
        },
      ),
      { seed, numRuns: 120 },
    );
  });

  it("Theorem 2 at every cut equals the forward pass, and costs the state (plus the readout at K = N)", () => {
    const seed = 1512;
    fc.assert(
      fc.property(
        fc.constantFrom(...FORMATS),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 2 }),
        fc.nat(),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 }),
        (format, hidden, layers, s, tokens) => {
          const m = recurrentOf(s4dModel(format, hidden, layers, s, s % 2 === 0));
          expectTheorem2AtEveryCut(m, tokens);
        },
      ),
      { seed, numRuns: 60 },
    );
  });

  it("its state is H d_state values (the complex modes as real pairs); the output lives apart", () => {
    const m = recurrentOf(s4dModel("float32", 3, 2, 1, false));
    expect([m.stateUnits, m.outputUnits, m.readoutUnits]).toEqual([2 * 3 * 4, 2 * 3, 3]);
    expect(stateBits(m)).toBe(2 * 3 * 4 * 32);
  });

  it("a file's mode tensors must be d_state / 2 wide and its hidden the input's width: one line per problem", () => {
    const spec = s4dModel("float32", 2, 1, 3, false);
    const layer = spec.layers[0] as S4dLayer;
    const bad = { ...spec, layers: [{ ...layer, C_imag: layer.C_imag.map((row) => [...row, 0]) }] };
    expect(() => validateModel(JSON.parse(JSON.stringify(bad)), "m.json")).toThrow(
      /C_imag.*expected 2 \(d_state 4 \/ 2\)/s,
    );
    const wide = { ...spec, embedding: spec.embedding.map((row) => [...row, 0]) };
    expect(() => validateModel(JSON.parse(JSON.stringify(wide)), "m.json")).toThrow(/hidden.*residual/s);
    expect(() => validateModel(JSON.parse(JSON.stringify(spec)), "m.json")).not.toThrow();
  });

  it("below Theorem 3's bound on index lookup: refuted by the dedup walk with a collision certificate that verifies", () => {
    const task = makeTask("index-lookup", 24);
    const seed = 15;
    const spec = randomModel({
      arch: "s4d",
      hidden: 1,
      format: "fixed:1.2",
      vocab: [...task.vocab],
      labels: [...task.labels],
      seed,
    }) as RecurrentModelSpec;
    const model = recurrentOf(spec);
    expect(stateBits(model)).toBe(1 * 4 * 4); // 16 bits < 24: below the bound
    expectRefutedByCollision(model, task, seed);
  });
});
