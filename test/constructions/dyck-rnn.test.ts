import { describe, expect, it } from "vitest";
import { dyckRnn, type DyckRnnOptions } from "../../src/constructions/dyck-rnn.js";
import { CcboundError } from "../../src/errors.js";
import { modelFileText, parseModelJson } from "../../src/io/model-file.js";
import { compileModel } from "../../src/models/compile.js";
import { dyckDfa } from "../../src/models/dyck-dfa.js";
import { feed, forward, stateBits, type RecurrentModel } from "../../src/models/model.js";
import type { RecurrentModelSpec } from "../../src/models/spec.js";
import { parseFormat } from "../../src/numeric/parse.js";
import { Rng } from "../../src/random.js";
import { dyck } from "../../src/tasks/dyck.js";
import { errorOf } from "../io/expect-error.js";

const NONLINEARITIES = ["relu", "tanh"] as const;

function built(n: number, options: DyckRnnOptions = {}) {
  const c = dyckRnn.build(n, options);
  return { ...c, spec: c.spec as RecurrentModelSpec, model: compileModel(c.spec as RecurrentModelSpec) };
}

/**
 * Every word up to maxLength, depth first with the model's state carried along (one step per word, not one pass);
 * at each even length the model's label is compared with dyck(length).answer. Returns words checked and wrong.
 */
function exhaustive(
  model: RecurrentModel,
  pairs: number,
  depth: number,
  maxLength: number,
): { words: number; wrong: number } {
  const tasks = new Map<number, ReturnType<typeof dyck>>();
  for (let n = 2; n <= maxLength; n += 2) tasks.set(n, dyck(n, { pairs, depth }));
  const word: string[] = [];
  let words = 0;
  let wrong = 0;
  const walk = (state: Float64Array) => {
    const task = tasks.get(word.length);
    if (task !== undefined) {
      words++;
      if (model.labels[model.readout(state)] !== task.answer(word)) wrong++;
    }
    if (word.length === maxLength) return;
    model.vocab.forEach((token, id) => {
      word.push(token);
      walk(feed(model, state.slice(), [id], word.length - 1));
      word.pop();
    });
  };
  walk(model.newState());
  return { words, wrong };
}

/**
 * The product of the DFA and the model, explored from (start, h_0) over every symbol until no new pair appears. If
 * every reachable pair has one model state per DFA state's answer, the model equals the DFA on every word of every
 * length (the DFA itself is checked against the language in test/models/dyck-dfa.test.ts).
 */
function productClosure(
  model: RecurrentModel,
  pairs: number,
  depth: number,
): { pairs: number; modelStates: number; disagreements: number } {
  const dfa = dyckDfa(pairs, depth);
  const key = (q: number, h: Float64Array) => `${q}|${h.join(",")}`;
  const seen = new Set<string>();
  const modelStates = new Set<string>();
  const queue: [number, Float64Array][] = [[dfa.start, model.newState()]];
  let disagreements = 0;
  seen.add(key(dfa.start, queue[0]![1]));
  while (queue.length > 0) {
    const [q, h] = queue.pop()!;
    modelStates.add(h.join(","));
    if (model.readout(h) !== dfa.output[q]) disagreements++;
    dfa.transitions[q]!.forEach((next, id) => {
      const h2 = feed(model, h.slice(), [id]);
      if (!seen.has(key(next, h2))) {
        seen.add(key(next, h2));
        queue.push([next, h2]);
      }
    });
  }
  return { pairs: seen.size, modelStates: modelStates.size, disagreements };
}

describe("dyck-rnn runs the minimal DFA of Dyck-(2,2) in one Elman layer", () => {
  for (const nonlinearity of NONLINEARITIES) {
    it(`${nonlinearity}: agrees with the dyck task on every string of even length <= 8`, () => {
      const { model } = built(8, { nonlinearity });
      const { words, wrong } = exhaustive(model, 2, 2, 8);
      expect(words).toBe([2, 4, 6, 8].reduce((s, l) => s + 4 ** l, 0));
      expect(wrong).toBe(0);
    });

    it(`${nonlinearity}: agrees with the DFA on every string of every length (the product automaton closes)`, () => {
      const { model } = built(2, { nonlinearity });
      const closure = productClosure(model, 2, 2);
      // The model's state is the last live transition taken (12 of them), h_0, or dead (only z on): each one tells
      // the DFA state, so there are as many pairs as model states.
      expect(closure).toEqual({ pairs: 14, modelStates: 14, disagreements: 0 });
    });

    it(`${nonlinearity}: agrees with the dyck task on 400 seeded samples at n = 64 and 200 at n = 256 (seeds 0..)`, () => {
      for (const [n, samples] of [
        [64, 400],
        [256, 200],
      ] as const) {
        const { model, task, spec } = built(n, { nonlinearity });
        let wrong = 0;
        let members = 0;
        for (let seed = 0; seed < samples; seed++) {
          const input = task.generate(new Rng(seed));
          const answer = task.answer(input);
          if (answer === "1") members++;
          if (
            spec.labels[
              forward(
                model,
                input.map((t) => spec.vocab.indexOf(t)),
              )
            ] !== answer
          )
            wrong++;
        }
        expect(wrong, `n = ${n}`).toBe(0);
        expect(members, `n = ${n}: the samples hold both answers`).toBeGreaterThan(samples / 4);
        expect(members).toBeLessThan((3 * samples) / 4);
      }
    });
  }

  it("other k and m, relu and tanh: every string of even length <= 8 (k = 2, m = 3 and k = 3: <= 6; k = 4: <= 4)", () => {
    for (const [pairs, depth, length] of [
      [1, 1, 8],
      [1, 3, 8],
      [2, 1, 8],
      [2, 3, 6],
      [3, 2, 6],
      [4, 2, 4],
    ] as const) {
      for (const nonlinearity of NONLINEARITIES) {
        const { model } = built(length, { nonlinearity, task: { pairs, depth } });
        expect(exhaustive(model, pairs, depth, length).wrong, `k=${pairs} m=${depth} ${nonlinearity}`).toBe(0);
      }
    }
  });

  it("other k and m, relu and tanh: the product with the DFA closes without a disagreement (every length)", () => {
    for (const [pairs, depth] of [
      [1, 1],
      [1, 5],
      [2, 1],
      [2, 3],
      [3, 2],
      [4, 2],
      [4, 3],
    ] as const) {
      for (const nonlinearity of NONLINEARITIES) {
        const { model } = built(2, { nonlinearity, task: { pairs, depth } });
        const closure = productClosure(model, pairs, depth);
        expect(closure.disagreements, `k=${pairs} m=${depth} ${nonlinearity}`).toBe(0);
        expect(closure.modelStates).toBe(model.stateUnits + 1); // a state per transition unit, h_0 and dead
      }
    }
  });
});

describe("dyck-rnn's size and precision", () => {
  it("reports width = hidden units and stateBits = width x format bits, the same at every n", () => {
    for (const n of [2, 64, 4096]) {
      const { size, spec, model } = built(n);
      expect(size.width).toBe(spec.layers[0]!.hidden);
      expect(size.width).toBe(13); // 12 live transitions of Dyck-(2,2) + the start unit
      expect(size.precision).toBe(parseFormat(spec.format).bits);
      expect(size.stateBits).toBe(size.width * size.precision);
      expect(size.stateBits).toBe(stateBits(model));
      expect(size.parameterBits).toBe(model.parameterBits);
      expect(dyckRnn.size?.(n)).toEqual(size);
    }
  });

  it("units = 2 (k + ... + k^m) + 1 for Dyck-(k, m), and the size formula matches the built weights", () => {
    for (const [pairs, depth] of [
      [1, 1],
      [2, 3],
      [3, 2],
      [4, 3],
    ] as const) {
      const sum = Array.from({ length: depth }, (_, d) => pairs ** (d + 1)).reduce((a, b) => a + b, 0);
      const c = built(4, { task: { pairs, depth } });
      expect(c.size.width).toBe(2 * sum + 1);
      expect(dyckRnn.size?.(4, { task: { pairs, depth } })).toEqual(c.size);
    }
  });

  it("chooses fixed:1.0 (p = 2), the smallest format that verifies; every p = 1 format fails", () => {
    const { spec, task } = built(8);
    expect(spec.format).toBe("fixed:1.0");
    // fixed:0.0 has no +1 (its values are -1 and 0), so every weight 1 rounds to 0 and no unit ever turns on.
    const model = compileModel({ ...spec, format: "fixed:0.0" });
    const members = [...task.enumerate()].filter((w) => task.answer(w) === "1");
    expect(
      members.some(
        (w) =>
          model.labels[
            forward(
              model,
              w.map((t) => spec.vocab.indexOf(t)),
            )
          ] === "1",
      ),
    ).toBe(false);
  });

  it("records the paper's 7-state DFA and 3 state bits beside its own counts", () => {
    const c = built(8);
    expect(c.paper).toMatchObject({ states: 7, stateBits: 3 });
    expect(c.parameters).toMatchObject({
      dfaStates: 8,
      liveStates: 7,
      transitionUnits: 12,
      lemma4StateBits: 3,
      format: "fixed:1.0",
    });
    expect(c.theorem).toBe("dyck-rnn");
  });
});

describe("dyck-rnn as a model file", () => {
  for (const nonlinearity of NONLINEARITIES) {
    it(`${nonlinearity}: passes model-file validation and reads back to the same spec`, () => {
      const { spec } = built(8, { nonlinearity });
      const back = parseModelJson(modelFileText(spec, "dyck-rnn"), "dyck-rnn");
      expect(back).toEqual(spec);
    });
  }
});

describe("dyck-rnn refuses what it cannot build", () => {
  it("odd, zero, negative and fractional n, with a message naming n", () => {
    for (const n of [0, 1, 7, -2, 2.5, Number.NaN]) {
      const error = errorOf(() => dyckRnn.build(n));
      expect(error.code).toBe("invalid-flag");
      expect(error.message).toContain("even n >= 2");
      expect(error.where).toBe("--n");
    }
  });

  it("formats it is not exact in: no +1 for relu, tanh not a step for tanh", () => {
    expect(errorOf(() => dyckRnn.build(8, { format: "fixed:0.3" })).where).toBe("--format");
    for (const format of ["float32", "fixed:1.2", "fixed:1.0:nearest"]) {
      expect(errorOf(() => dyckRnn.build(8, { nonlinearity: "tanh", format })).message).toContain("step function");
    }
    expect(() => dyckRnn.build(8, { nonlinearity: "relu", format: "float32" })).not.toThrow();
  });

  it("a depth whose DFA does not fit a model, before listing its states", () => {
    const error = errorOf(() => dyckRnn.build(8, { task: { pairs: 2, depth: 40 } }));
    expect(error.code).toBe("too-large");
    expect(error).toBeInstanceOf(CcboundError);
  });
});
