// Greedy decoding (src/models/decode.ts) against step-by-step forward passes, for every kind of model.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileModel, type Model } from "../../src/models/compile.js";
import { decodeFrom, feedbackIds, greedyDecode } from "../../src/models/decode.js";
import { argmax, encodeState, feed, forward, type RecurrentModel } from "../../src/models/model.js";
import { theorem2Continuation } from "../../src/reductions/theorem2.js";
import { randomModel } from "../../src/models/random.js";
import { randomTransformer } from "../../src/models/random-transformer.js";

const SEED = 20240201;
const VOCAB = ["0", "1", "2", "|"];
const LABELS = ["0", "1", "2"];
const FORMATS = ["float64", "float32", "float16", "bfloat16", "fixed:1.2", "fixed:2.5:nearest"];

/** The reference: a forward pass on the input and every output so far, one whole pass per output. */
function stepByStep(model: Model, tokens: readonly number[], steps: number): number[] {
  const ids = [...tokens];
  const out: number[] = [];
  for (let s = 0; s < steps; s++) {
    const label = model.kind === "transformer" ? model.forward(ids) : forward(model, ids);
    out.push(label);
    ids.push(VOCAB.indexOf(LABELS[label]!));
  }
  return out;
}

const recurrentArb = fc
  .record({
    arch: fc.constantFrom("elman", "lstm", "gru", "linear", "mamba", "s4d", "dfa"),
    format: fc.constantFrom(...FORMATS),
    hidden: fc.integer({ min: 1, max: 3 }),
    layers: fc.integer({ min: 1, max: 2 }),
    seed: fc.nat(),
    withPositions: fc.boolean(),
  })
  .map(({ withPositions, ...o }) =>
    compileModel(
      randomModel({
        ...o,
        hidden: o.arch === "dfa" ? 1 + 3 * o.hidden : o.hidden,
        vocab: VOCAB,
        labels: LABELS,
        ...(withPositions && { positions: 24 }),
      }),
    ),
  );

const transformerArb = fc
  .record({
    format: fc.constantFrom("float64", "float32", "fixed:2.5"),
    seed: fc.nat(),
    layers: fc.integer({ min: 1, max: 2 }),
  })
  .map(({ format, seed, layers }) =>
    compileModel(
      randomTransformer({ width: 4, heads: 1, layers, maxLength: 24, format, vocab: VOCAB, labels: LABELS, seed }),
    ),
  );

const inputArb = fc.array(fc.integer({ min: 0, max: VOCAB.length - 1 }), { minLength: 1, maxLength: 10 });

describe("greedy decoding", () => {
  it("equals step-by-step forward passes, each output fed back as a token (recurrent models, every format)", () => {
    fc.assert(
      fc.property(recurrentArb, inputArb, fc.integer({ min: 1, max: 10 }), (model, tokens, steps) => {
        expect(greedyDecode(model, tokens, steps)).toEqual(stepByStep(model, tokens, steps));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("equals step-by-step forward passes for Transformers (one and two layers)", () => {
    fc.assert(
      fc.property(transformerArb, inputArb, fc.integer({ min: 1, max: 8 }), (model, tokens, steps) => {
        expect(greedyDecode(model, tokens, steps)).toEqual(stepByStep(model, tokens, steps));
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it("from a state is the rest of the forward pass's decoding; `stop` ends it early", () => {
    fc.assert(
      fc.property(recurrentArb, inputArb, fc.integer({ min: 2, max: 8 }), (model, tokens, steps) => {
        const r = model as RecurrentModel;
        const state = feed(r, r.newState(), tokens);
        const all = decodeFrom(r, state.slice(), tokens.length, steps);
        expect(all).toEqual(greedyDecode(r, tokens, steps));
        expect(decodeFrom(r, state.slice(), tokens.length, steps, (s) => s === 1)).toEqual(all.slice(0, 2));
      }),
      { seed: SEED + 1, numRuns: 100 },
    );
  });

  it("is what Bob computes from Theorem 2's message at any cut: the continuation depends on Alice's part only through it", () => {
    fc.assert(
      fc.property(recurrentArb, inputArb, fc.nat(), fc.integer({ min: 1, max: 8 }), (model, tokens, k, steps) => {
        const r = model as RecurrentModel;
        const cut = k % (tokens.length + 1);
        const final = cut === tokens.length && r.readoutUnits > 0;
        const message = encodeState(r, feed(r, r.newState(), tokens.slice(0, cut)), final);
        const bob = theorem2Continuation(r, message, tokens.slice(cut), cut, tokens.length, steps);
        expect(bob).toEqual(greedyDecode(r, tokens, steps));
      }),
      { seed: SEED + 2, numRuns: 200 },
    );
  });

  it("breaks ties at the lowest index, and a label that is not a token cannot be fed back", () => {
    expect(argmax(Float64Array.of(1, 3, 3, 2))).toBe(1);
    // A model and an input whose first output is "z", which the vocabulary does not have: feeding it back is refused.
    const inputs = [[0], [1], [0, 0], [0, 1], [1, 0], [1, 1]];
    const found = Array.from({ length: 20 }, (_, seed) =>
      compileModel(
        randomModel({ arch: "elman", hidden: 2, format: "float32", vocab: ["a", "b"], labels: ["a", "z"], seed }),
      ),
    ).flatMap((m) => inputs.filter((t) => forward(m as RecurrentModel, t) === 1).map((t) => ({ m, t })))[0];
    expect(found).toBeDefined();
    const { m, t } = found!;
    expect(Array.from(feedbackIds(m))).toEqual([0, -1]);
    expect(() => greedyDecode(m, t, 2)).toThrow(/not a token/);
    // One output needs no feeding back, whatever it is.
    expect(greedyDecode(m, t, 1)).toEqual([1]);
  });
});
