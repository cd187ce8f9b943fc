import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileModel } from "../../src/models/compile.js";
import { indexLookupDfa } from "../../src/models/lookup-dfa.js";
import { decodeState, encodeState, feed, forward, stateBits } from "../../src/models/model.js";
import { randomModel } from "../../src/models/random.js";
import type { RecurrentModelSpec } from "../../src/models/spec.js";
import { parseFormat } from "../../src/numeric/parse.js";
import { indexLookup } from "../../src/tasks/index-lookup.js";
import { KERNELS, withKernel } from "./kernels.js";
import { referenceForward } from "./reference.js";

const SEED = 7031;
const FORMATS = [
  "float64",
  "float32",
  "float16",
  "bfloat16",
  "fixed:1.2",
  "fixed:2.5",
  "fixed:3.4:nearest",
  "fixed:0.7",
];
const CELLS = ["elman", "lstm", "gru", "linear"] as const;

describe.each(KERNELS)("compiled recurrent models equal the naive reference bit for bit (%s kernels)", (kernel) => {
  it("every cell, format, 1-3 layers, relu and tanh, random inputs", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CELLS),
        fc.constantFrom(...FORMATS),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.nat(),
        fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 12 }),
        (arch, format, hidden, layers, relu, seed, tokens) => {
          const spec = randomModel({
            arch,
            hidden,
            format,
            layers,
            vocab: ["a", "b", "c", "d", "e", "f"],
            labels: ["x", "y", "z"],
            seed,
            nonlinearity: relu ? "relu" : "tanh",
            embed: 3,
          }) as RecurrentModelSpec;
          const model = withKernel(kernel, () => compileModel(spec));
          const state = feed(model, model.newState(), tokens);
          const ref = referenceForward(spec, parseFormat(format), tokens);
          expect(Array.from(state)).toEqual(ref.state.flat());
          expect(Array.from(model.logits(state))).toEqual(ref.logits);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe("state size is derived from the model object", () => {
  it("units x bits, with h and c for LSTM and every layer counted", () => {
    const vocab = ["0", "1"];
    const labels = ["0", "1"];
    const size = (arch: (typeof CELLS)[number], layers: number) =>
      stateBits(compileModel(randomModel({ arch, hidden: 3, format: "fixed:1.2", layers, vocab, labels, seed: 1 })));
    expect(size("elman", 1)).toBe(3 * 4);
    expect(size("lstm", 1)).toBe(2 * 3 * 4);
    expect(size("gru", 2)).toBe(2 * 3 * 4);
    expect(size("linear", 1)).toBe(3 * 4);
    expect(
      stateBits(compileModel(randomModel({ arch: "elman", hidden: 5, format: "float32", vocab, labels, seed: 1 }))),
    ).toBe(160);
  });

  it("a DFA's state is ceil(log2 states) bits", () => {
    for (const states of [1, 2, 3, 7, 8, 9]) {
      const m = compileModel(
        randomModel({ arch: "dfa", hidden: states, format: "float32", vocab: ["0"], labels: ["0"], seed: 3 }),
      );
      expect(stateBits(m)).toBe(Math.ceil(Math.log2(states)));
    }
  });

  it("encodeState sends exactly stateBits bits and decodes to the same state", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CELLS),
        fc.constantFrom(...FORMATS),
        fc.nat(),
        fc.array(fc.integer({ min: 0, max: 1 }), { maxLength: 8 }),
        (arch, format, seed, tokens) => {
          const m = compileModel(randomModel({ arch, hidden: 2, format, vocab: ["0", "1"], labels: ["0", "1"], seed }));
          const s = feed(m, m.newState(), tokens);
          const bits = encodeState(m, s);
          expect(bits.length).toBe(stateBits(m));
          expect(Array.from(decodeState(m, bits))).toEqual(Array.from(s));
        },
      ),
      { seed: SEED },
    );
  });
});

describe("the index-lookup DFA", () => {
  it("answers every input right for n <= 6, binary and ternary (exhaustive)", () => {
    for (const k of [2, 3])
      for (let n = 1; n <= (k === 2 ? 6 : 4); n++) {
        const task = indexLookup(n, k);
        const spec = indexLookupDfa(n, k);
        const m = compileModel(spec);
        const id = new Map(spec.vocab.map((t, i) => [t, i]));
        for (const input of task.enumerate())
          expect(
            spec.labels[
              forward(
                m,
                input.map((t) => id.get(t)!),
              )
            ],
          ).toBe(task.answer(input));
      }
  });

  it("forgetting a position makes it wrong exactly where that position holds a non-zero symbol", () => {
    const task = indexLookup(4);
    const spec = indexLookupDfa(4, 2, [2]);
    const m = compileModel(spec);
    const id = new Map(spec.vocab.map((t, i) => [t, i]));
    let wrong = 0;
    for (const input of task.enumerate()) {
      const right =
        spec.labels[
          forward(
            m,
            input.map((t) => id.get(t)!),
          )
        ] === task.answer(input);
      expect(right).toBe(!(input[4] === "@2" && input[1] === "1"));
      if (!right) wrong++;
    }
    expect(wrong).toBe(8);
  });
});
