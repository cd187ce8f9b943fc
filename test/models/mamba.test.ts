/**
 * Mamba-1 (src/models/cells/mamba.ts): the compiled step equals the naive oracle of test/models/reference.ts bit for
 * bit in every kind of format; the state is the convolution buffers and the SSM states, nothing else; Theorem 2's
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
import { errorOf, paths } from "../io/expect-error.js";
import { referenceForward } from "./reference.js";

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

function recurrentOf(spec: RecurrentModelSpec): RecurrentModel {
  const m = compileModel(spec);
  if (m.kind !== "recurrent") throw new Error("recurrent");
  return m;
}

describe("Mamba-1", () => {
  it("the compiled step equals the naive oracle bit for bit: state and logits, every kind of format", () => {
    fc.assert(
      fc.property(options, fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 10 }), (o, tokens) => {
        const spec = mambaSpec(o);
        const model = recurrentOf(spec);
        const state = feed(model, model.newState(), tokens);
        const ref = referenceForward(spec, parseFormat(o.format), tokens);
        expect(Array.from(state.subarray(0, model.stateUnits))).toEqual(ref.state.flat());
        expect(Array.from(model.logits(state))).toEqual(ref.logits);
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
        const answer = forward(model, tokens);
        for (let cut = 0; cut <= tokens.length; cut++) {
          const r = run(theorem2Protocol(model, cut, tokens.length), tokens.slice(0, cut), tokens.slice(cut));
          expect(r.output).toBe(answer);
          expect(r.cost).toBe(theorem2Cost(model, cut, tokens.length));
          expect(r.cost).toBe(stateBits(model) + (cut === tokens.length ? o.hidden * model.unitBits : 0));
        }
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
        const model = recurrentOf(mambaSpec(o));
        const split = oddEvenSplit(tokens.length);
        const ids = Int32Array.from(tokens);
        const r = run(stateRelayProtocol(model, split), tokensOf(ids, split.alice), tokensOf(ids, split.bob));
        expect(r.output).toBe(forward(model, tokens));
        expect(r.cost).toBe(stateRelayCost(model, split));
        expect(r.cost).toBe((tokens.length - 1) * stateBits(model));
      }),
      { seed: 1508, numRuns: 60 },
    );
  });
});
