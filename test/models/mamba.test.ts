/**
 * Mamba-1 (src/models/cells/mamba.ts): the compiled step equals the naive oracle of test/models/reference.ts bit for
 * bit in every kind of format; the state is the convolution buffers and the SSM states, nothing else; Theorem 2's
 * protocol at every cut 0..N is the forward pass, at the cost the closed form says.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateModel } from "../../src/io/model-file.js";
import { describeModel } from "../../src/models/describe.js";
import { stateBits } from "../../src/models/model.js";
import { randomModel, type RandomModelOptions } from "../../src/models/random.js";
import type { RecurrentModelSpec } from "../../src/models/spec.js";
import { errorOf, paths } from "../io/expect-error.js";
import { expectOracle, expectRelayAtOddEven, expectTheorem2AtEveryCut, recurrentOf } from "./cell-checks.js";

const FORMATS = ["float64", "float32", "float16", "bfloat16", "fixed:2.5", "fixed:3.8:nearest", "fixed:1.2"];
const vocab = ["a", "b", "c", "d"];
const labels = ["x", "y", "z"];

const options = fc.record({
  format: fc.constantFrom(...FORMATS),
  hidden: fc.integer({ min: 1, max: 4 }),
  layers: fc.integer({ min: 1, max: 2 }),
  dState: fc.integer({ min: 1, max: 3 }),
  dConv: fc.integer({ min: 1, max: 4 }),
  expand: fc.integer({ min: 1, max: 2 }),
  dtRank: fc.integer({ min: 1, max: 2 }),
  seed: fc.nat(),
});

function mambaSpec(o: Omit<RandomModelOptions, "arch" | "vocab" | "labels">): RecurrentModelSpec {
  return randomModel({ arch: "mamba", vocab, labels, ...o }) as RecurrentModelSpec;
}

describe("Mamba-1", () => {
  it("the compiled step equals the naive oracle bit for bit: state and logits, every kind of format", () => {
    fc.assert(
      fc.property(options, fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 10 }), (o, tokens) => {
        expectOracle(mambaSpec(o), tokens);
      }),
      { seed: 1503, numRuns: 150 },
    );
  });

  it("the state is every layer's convolution buffer and SSM state: E (K - 1) + E N values a layer", () => {
    const spec = mambaSpec({
      format: "float32",
      hidden: 4,
      layers: 2,
      dState: 3,
      dConv: 4,
      expand: 2,
      dtRank: 1,
      seed: 1,
    });
    const model = recurrentOf(spec);
    expect(model.stateUnits).toBe(2 * (8 * 3 + 8 * 3));
    expect(stateBits(model)).toBe(2 * 48 * 32);
    expect([model.outputUnits, model.readoutUnits]).toEqual([8, 4]);
    expect(describeModel(spec)).toBe("mamba(d_inner 8, d_state 3, d_conv 4) x2, hidden 4/4, final rms norm, float32");
    expect(validateModel(spec, "m.json")).toEqual(spec);
  });

  it("Theorem 2 at every cut 0..N is the forward pass, and costs the state's bits (plus the readout's at K = N)", () => {
    fc.assert(
      fc.property(options, fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 }), (o, tokens) => {
        const model = recurrentOf(mambaSpec(o));
        expect(model.readoutUnits).toBe(o.hidden);
        expectTheorem2AtEveryCut(model, tokens);
      }),
      { seed: 1504, numRuns: 100 },
    );
  });

  it("bad shapes are reported with the reason for each size", () => {
    const spec = mambaSpec({
      format: "float32",
      hidden: 2,
      layers: 1,
      dState: 2,
      dConv: 3,
      expand: 2,
      dtRank: 1,
      seed: 2,
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const broken: any = structuredClone(spec);
    broken.layers[0].x_proj.pop();
    broken.layers[0].conv1d_weight[1].push(0);
    const error = errorOf(() => validateModel(broken, "m.json"));
    expect(paths(error)).toEqual(["/layers/0/conv1d_weight/1", "/layers/0/x_proj"]);
    expect(error.issues.map((i) => i.message)).toEqual([
      "row has 4 entries, expected 3 (d_conv 3)",
      "has 4 rows, expected 5 (dt_rank 1 + 2 x d_state 2)",
    ]);
  });
  it("Theorem 2 relayed at the odd/even split (a message at every change of holder) is the forward pass", () => {
    fc.assert(
      fc.property(options, fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 8 }), (o, tokens) => {
        expectRelayAtOddEven(recurrentOf(mambaSpec(o)), tokens);
      }),
      { seed: 1508, numRuns: 60 },
    );
  });
});
