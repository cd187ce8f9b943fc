import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cc/protocol.js";
import { indexProblem } from "../../src/cc/problems.js";
import { compileModel } from "../../src/models/compile.js";
import { forward, stateBits } from "../../src/models/model.js";
import { randomModel } from "../../src/models/random.js";
import { indexToAssocRecall } from "../../src/reductions/assoc-recall.js";
import { bind } from "../../src/reductions/bind.js";
import { indexToIndexLookup } from "../../src/reductions/index-lookup.js";
import { theorem2Cost, theorem2Protocol } from "../../src/reductions/theorem2.js";
import { assocRecall } from "../../src/tasks/assoc-recall.js";
import { indexLookup, positionToken } from "../../src/tasks/index-lookup.js";
import { keyToken } from "../../src/tasks/assoc-recall.js";

const SEED = 424242;
const ARCHS = ["elman", "lstm", "gru", "linear", "dfa"] as const;
const FORMATS = ["float64", "float32", "float16", "bfloat16", "fixed:1.2", "fixed:2.5:nearest", "fixed:0.3"];

const modelArb = (vocab: readonly string[], labels: readonly string[]) =>
  fc
    .record({
      arch: fc.constantFrom(...ARCHS),
      format: fc.constantFrom(...FORMATS),
      hidden: fc.integer({ min: 1, max: 4 }),
      layers: fc.integer({ min: 1, max: 2 }),
      seed: fc.nat(),
      withPositions: fc.boolean(),
    })
    .map(({ withPositions, ...o }) =>
      compileModel(
        randomModel({
          ...o,
          hidden: o.arch === "dfa" ? 1 + 3 * o.hidden : o.hidden,
          vocab,
          labels,
          ...(withPositions && { positions: 16 }),
        }),
      ),
    );

describe("Theorem 2's protocol is the forward pass", () => {
  it("for every cell, format, cut and input, with and without position embeddings: output equals the forward pass, cost equals the state's bits", () => {
    const vocab = ["a", "b", "c", "d"];
    fc.assert(
      fc.property(
        modelArb(vocab, ["0", "1", "2"]),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 16 }),
        fc.nat(),
        (model, tokens, k) => {
          const cut = k % (tokens.length + 1);
          const r = run(theorem2Protocol(model, cut, tokens.length), tokens.slice(0, cut), tokens.slice(cut));
          expect(r.output).toBe(forward(model, tokens));
          expect(r.cost).toBe(theorem2Cost(model, cut, tokens.length));
          expect(r.cost).toBe(stateBits(model));
          expect(r.transcript.map((m) => m.from)).toEqual(["alice"]);
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
  });
});

describe("Theorem 3 and Proposition 9 as pulled-back protocols", () => {
  it("INDEX -> index lookup: the protocol answers 1 exactly when the model answers σ1 on σ_a, @i; cost = mp", () => {
    const n = 10;
    const task = indexLookup(n);
    fc.assert(
      fc.property(
        modelArb(task.vocab, task.labels),
        fc.uint8Array({ minLength: n, maxLength: n, min: 0, max: 1 }),
        fc.integer({ min: 0, max: n - 1 }),
        (model, a, i) => {
          const b = bind(model, task);
          const r = run(indexToIndexLookup(model, task), a, i);
          const tokens = [...Array.from(a, String), positionToken(i + 1)];
          expect(r.output).toBe(model.labels[forward(model, b.ids(tokens))] === "1" ? 1 : 0);
          expect(r.cost).toBe(stateBits(model));
        },
      ),
      { seed: SEED },
    );
  });

  it("INDEX -> associative recall: keys in order, values from a, query k_i; cost = mp", () => {
    const n = 6;
    const task = assocRecall(n);
    fc.assert(
      fc.property(
        modelArb(task.vocab, task.labels),
        fc.uint8Array({ minLength: n, maxLength: n, min: 0, max: 1 }),
        fc.integer({ min: 0, max: n - 1 }),
        (model, a, i) => {
          const b = bind(model, task);
          const r = run(indexToAssocRecall(model, task), a, i);
          const tokens = [...Array.from(a, (v, j) => [keyToken(j + 1), String(v)]).flat(), keyToken(i + 1)];
          expect(task.answer(tokens)).toBe(String(a[i]));
          expect(r.output).toBe(model.labels[forward(model, b.ids(tokens))] === "1" ? 1 : 0);
          expect(r.cost).toBe(stateBits(model));
        },
      ),
      { seed: SEED },
    );
  });

  it("a model that solves index lookup gives a correct INDEX protocol (the DFA that stores all symbols, n = 6, all inputs)", async () => {
    const { indexLookupDfa } = await import("../../src/models/lookup-dfa.js");
    const n = 6;
    const model = compileModel(indexLookupDfa(n));
    const p = indexProblem(n);
    const protocol = indexToIndexLookup(model, indexLookup(n));
    const fs = p.foolingSet;
    if (fs.kind !== "one-way") throw new Error("one-way");
    for (let x = 0n; x < fs.size; x++)
      for (let i = 0; i < n; i++) expect(run(protocol, fs.at(x), i).output).toBe(p.evaluate(fs.at(x), i));
  });

  it("a model whose vocabulary lacks the task's tokens is refused with a clear error", () => {
    const model = compileModel(
      randomModel({ arch: "elman", hidden: 2, format: "float32", vocab: ["0", "1"], labels: ["0", "1"], seed: 1 }),
    );
    expect(() => bind(model, indexLookup(4))).toThrow(/no token "@1"/);
  });
});

describe("the recurrent bound counts the alphabet", () => {
  it("indexBits(n, k) = ceil(n log2 k), exactly: the paper's N for k = 2", async () => {
    const { indexBits } = await import("../../src/reductions/theorems.js");
    expect(indexBits(40, 2)).toBe(40);
    expect(indexBits(1, 2)).toBe(1);
    expect(indexBits(10, 3)).toBe(16); // 3^10 = 59049 <= 2^16
    expect(indexBits(4, 4)).toBe(8);
    expect(indexBits(5, 5)).toBe(12); // 5^5 = 3125 <= 2^12
    for (let n = 1; n <= 30; n++)
      for (const k of [2, 3, 5, 7]) expect(indexBits(n, k)).toBe(Math.ceil(n * Math.log2(k) - 1e-9));
  });
});
