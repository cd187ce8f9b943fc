import { describe, expect, it } from "vitest";
import type { ConstructionOptions } from "../../src/constructions/construction.js";
import { indexLookupRnn } from "../../src/constructions/index-lookup-rnn.js";
import { modelFileText, parseModelJson } from "../../src/io/model-file.js";
import { compileModel } from "../../src/models/compile.js";
import { feed, forward, stateBits, type RecurrentModel } from "../../src/models/model.js";
import type { RecurrentModelSpec } from "../../src/models/spec.js";
import { parseFormat } from "../../src/numeric/parse.js";
import { Rng } from "../../src/random.js";
import { positionToken } from "../../src/tasks/index-lookup.js";
import type { Task } from "../../src/tasks/task.js";
import { errorOf } from "../io/expect-error.js";

function built(n: number, options: ConstructionOptions = {}) {
  const c = indexLookupRnn.build(n, options);
  return { ...c, spec: c.spec as RecurrentModelSpec, model: compileModel(c.spec as RecurrentModelSpec) };
}

/** Inputs on which the spec's forward pass differs from the task's answer. */
function wrongOn(spec: RecurrentModelSpec, task: Task, inputs: Iterable<string[]>): { inputs: number; wrong: number } {
  const model = compileModel(spec);
  const ids = new Map(spec.vocab.map((t, i) => [t, i]));
  let count = 0;
  let wrong = 0;
  for (const input of inputs) {
    count++;
    if (
      spec.labels[
        forward(
          model,
          input.map((t) => ids.get(t)!),
        )
      ] !== task.answer(input)
    )
      wrong++;
  }
  return { inputs: count, wrong };
}

/**
 * For the symbols of task.generate(new Rng(seed)), seed < strings, every query @1..@N: the symbols are fed once and
 * each query steps a copy of that state, which is the forward pass on the whole input (the model is deterministic)
 * at 1/N of the cost; a forward pass at N = 256 takes 256 steps of two 256 x 256 products.
 */
function everyQuery(
  model: RecurrentModel,
  task: Task,
  strings: number,
): { inputs: number; wrong: number; answers: Set<string> } {
  const ids = new Map(model.vocab.map((t, i) => [t, i]));
  const n = task.n;
  let inputs = 0;
  let wrong = 0;
  const answers = new Set<string>();
  for (let seed = 0; seed < strings; seed++) {
    const symbols = task.generate(new Rng(seed)).slice(0, n);
    const state = feed(
      model,
      model.newState(),
      symbols.map((t) => ids.get(t)!),
    );
    for (let q = 1; q <= n; q++) {
      const input = [...symbols, positionToken(q)];
      const answer = task.answer(input);
      answers.add(answer);
      inputs++;
      if (model.labels[model.readout(feed(model, state.slice(), [ids.get(input[n]!)!], n))] !== answer) wrong++;
    }
  }
  return { inputs, wrong, answers };
}

describe("index-lookup-rnn answers index lookup", () => {
  it("on every input for N = 1..12 over bits (N symbols and every position token)", () => {
    for (let n = 1; n <= 12; n++) {
      const { spec, task } = built(n);
      const { inputs, wrong } = wrongOn(spec, task, task.enumerate());
      expect(inputs).toBe(2 ** n * n);
      expect(wrong, `N = ${n}`).toBe(0);
    }
  });

  it("on every input for larger alphabets: K = 3 and 4 up to N = 6, K = 5..8 up to N = 4, K = 16 at N = 3", () => {
    const cases: [number, number][] = [];
    for (let n = 1; n <= 6; n++) cases.push([3, n], [4, n]);
    for (let n = 1; n <= 4; n++) for (let k = 5; k <= 8; k++) cases.push([k, n]);
    cases.push([16, 3]);
    for (const [alphabet, n] of cases) {
      const { spec, task } = built(n, { task: { alphabet } });
      const { inputs, wrong } = wrongOn(spec, task, task.enumerate());
      expect(inputs).toBe(alphabet ** n * n);
      expect(wrong, `K = ${alphabet}, N = ${n}`).toBe(0);
    }
  });

  it("on every position of seeded strings: 50 at N = 64 and 4 at N = 256 over bits, 20 at N = 64 over K = 64 (seeds 0..)", () => {
    for (const [n, alphabet, strings] of [
      [64, 2, 50],
      [256, 2, 4],
      [64, 64, 20],
    ] as const) {
      const { model, task } = built(n, { task: { alphabet } });
      const { inputs, wrong, answers } = everyQuery(model, task, strings);
      expect(inputs).toBe(strings * n);
      expect(wrong, `N = ${n}, K = ${alphabet}`).toBe(0);
      expect(answers.size, "the strings hold every symbol").toBe(alphabet);
    }
  });

  it("on every input in every format that holds its integers: other fixed-point formats and IEEE ones (N = 6, bits)", () => {
    const { spec, task } = built(6);
    for (const format of ["fixed:1.0:nearest", "fixed:1.3", "fixed:4.0", "float16", "bfloat16", "float32"]) {
      expect(wrongOn({ ...spec, format }, task, task.enumerate()).wrong, format).toBe(0);
    }
  });
});

describe("index-lookup-rnn's size and precision", () => {
  it("reports width = hidden units and stateBits = width x format bits: N units of 2 bits for bits", () => {
    for (const n of [1, 8, 64, 256]) {
      const { size, spec, model } = built(n);
      expect(size.width).toBe(spec.layers.reduce((s, l) => s + l.hidden, 0));
      expect(size.width).toBe(n);
      expect(size.precision).toBe(parseFormat(spec.format).bits);
      expect(size.precision).toBe(2);
      expect(size.stateBits).toBe(size.width * size.precision);
      expect(size.stateBits).toBe(stateBits(model));
      expect(size.parameterBits).toBe(model.parameterBits);
      expect(indexLookupRnn.size?.(n)).toEqual(size);
    }
  });

  it("K symbols: N + K - 1 units of 1 + ceil(log2 K) bits, and the size formula matches the built weights", () => {
    for (const [n, alphabet, units, bits] of [
      [16, 3, 18, 3],
      [16, 4, 19, 3],
      [16, 5, 20, 4],
      [16, 64, 79, 7],
      [16, 256, 271, 9],
    ] as const) {
      const { size } = built(n, { task: { alphabet } });
      expect({ width: size.width, precision: size.precision }).toEqual({ width: units, precision: bits });
      expect(indexLookupRnn.size?.(n, { task: { alphabet } })).toEqual(size);
    }
  });

  it("chooses the smallest fixed-point format that verifies: one integer bit less fails (every input)", () => {
    for (const [alphabet, n, chosen, smaller] of [
      [2, 6, "fixed:1.0", "fixed:0.0"],
      [4, 4, "fixed:2.0", "fixed:1.0"],
      [8, 3, "fixed:3.0", "fixed:2.0"],
    ] as const) {
      const { spec, task } = built(n, { task: { alphabet } });
      expect(spec.format).toBe(chosen);
      expect(
        wrongOn({ ...spec, format: smaller }, task, task.enumerate()).wrong,
        `K = ${alphabet} in ${smaller}`,
      ).toBeGreaterThan(0);
    }
  });

  it("records Theorem 3's bound beside its own size: width N = 2 ceil(N/p) at p = 2", () => {
    const c = built(64);
    expect(c.theorem).toBe("thm3");
    expect(c.paper).toMatchObject({ lowerBoundWidth: 32, lowerBoundStateBits: 64 });
    expect(c.size.width).toBe(2 * Number(c.paper["lowerBoundWidth"]));
  });
});

describe("index-lookup-rnn as a model file", () => {
  it("passes model-file validation and reads back to the same spec (bits, and K = 5 with its second layer)", () => {
    for (const alphabet of [2, 5]) {
      const { spec } = built(12, { task: { alphabet } });
      expect(parseModelJson(modelFileText(spec, "index-lookup-rnn"), "index-lookup-rnn")).toEqual(spec);
    }
  });
});

describe("index-lookup-rnn refuses what it cannot build", () => {
  it("n < 1 and fractional n, with a message naming n", () => {
    for (const n of [0, -3, 1.5, Number.NaN]) {
      const error = errorOf(() => indexLookupRnn.build(n));
      expect(error.code).toBe("invalid-flag");
      expect(error.message).toContain("n >= 1");
      expect(error.where).toBe("--n");
    }
  });

  it("a vocabulary past the model limit, and formats without the symbols' integers", () => {
    expect(errorOf(() => indexLookupRnn.build(4095)).code).toBe("too-large");
    expect(indexLookupRnn.size?.(4094).width).toBe(4094); // the largest: 2 + 4094 tokens (planned, not built)
    expect(errorOf(() => indexLookupRnn.build(8, { format: "fixed:0.4" })).where).toBe("--format");
    expect(errorOf(() => indexLookupRnn.build(8, { task: { alphabet: 5 }, format: "fixed:2.0" })).where).toBe(
      "--format",
    );
    expect(errorOf(() => indexLookupRnn.build(4000, { task: { alphabet: 64 }, format: "float16" })).message).toContain(
      "past float16",
    );
  });
});
