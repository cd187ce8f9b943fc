import { describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { Rng } from "../../src/random.js";
import {
  compositionQuery,
  functionComposition,
  makeTask,
  QUESTION,
  taskArgs,
  taskFromParams,
} from "../../src/tasks/index.js";

/** f(g(x)) read off the tokens by position arithmetic, independently of the task's tables. */
function composed(tokens: readonly string[], n: number): string {
  const x = Number(tokens[2 * n]!.slice(1));
  const gx = Number(tokens[x]);
  return tokens[n + gx]!;
}

describe("function-composition (Peng et al. 2024): g's table, f's table, a query qx and ?; the answer f(g(x))", () => {
  it("answers f(g(x)) on every input, each enumerated once, count() = n^(2n+1) of them, inputAt(k) = the k-th (n <= 3)", () => {
    for (let n = 1; n <= 3; n++) {
      const t = functionComposition(n);
      const all = [...t.enumerate()];
      expect(BigInt(all.length)).toBe(BigInt(n) ** BigInt(2 * n + 1));
      expect(t.count()).toBe(BigInt(all.length));
      expect(new Set(all.map((x) => x.join(" "))).size).toBe(all.length);
      all.forEach((x, k) => {
        expect(x).toHaveLength(t.inputLength);
        expect(t.answer(x)).toBe(composed(x, n));
        expect(t.inputAt!(k)).toEqual(x);
      });
      expect(t.labels).toEqual(Array.from({ length: n }, (_, i) => String(i)));
      expect(t.vocab).toHaveLength(2 * n + 1);
      expect(all.every((x) => x[2 * n + 1] === QUESTION)).toBe(true);
    }
  });

  it("a hand-worked instance: g = (2 0 1), f = (1 2 0), x = 0: f(g(0)) = f(2) = 0; x = 1: f(0) = 1", () => {
    const t = functionComposition(3);
    expect(t.answer(["2", "0", "1", "1", "2", "0", "q0", "?"])).toBe("0");
    expect(t.answer(["2", "0", "1", "1", "2", "0", "q1", "?"])).toBe("1");
    expect(t.answer(["2", "0", "1", "1", "2", "0", "q2", "?"])).toBe("2");
  });

  it("generates seeded instances: the same seed gives the same inputs, every value and query appears about equally often", () => {
    const t = functionComposition(4);
    const draws = Array.from({ length: 4000 }, (_, i) => t.generate(new Rng(11, i)));
    expect(draws).toEqual(Array.from({ length: 4000 }, (_, i) => t.generate(new Rng(11, i))));
    const queries = new Map<string, number>();
    const answers = new Map<string, number>();
    for (const x of draws) {
      expect(() => t.answer(x)).not.toThrow();
      queries.set(x[8]!, (queries.get(x[8]!) ?? 0) + 1); // the query token, position 2n
      answers.set(t.answer(x), (answers.get(t.answer(x)) ?? 0) + 1);
    }
    // 1000 expected each (uniform g, f, x make f(g(x)) uniform too).
    for (const m of [queries, answers]) {
      expect(m.size).toBe(4);
      for (const c of m.values()) {
        expect(c).toBeGreaterThan(880);
        expect(c).toBeLessThan(1120);
      }
    }
  });

  it("refuses inputs that are not instances, saying what was wrong", () => {
    const t = functionComposition(3);
    expect(() => t.answer(["0", "1", "2", "0", "1", "2", "q0"])).toThrow(/takes 8 tokens, got 7/);
    expect(() => t.answer(["0", "3", "2", "0", "1", "2", "q0", "?"])).toThrow(/token 2 is "3", not a value 0..2 of g/);
    expect(() => t.answer(["0", "1", "2", "0", "q1", "2", "q0", "?"])).toThrow(
      /token 5 is "q1", not a value 0..2 of f/,
    );
    expect(() => t.answer(["0", "1", "2", "0", "1", "2", "2", "?"])).toThrow(/token 7 is "2", not a query q0..q2/);
    expect(() => t.answer(["0", "1", "2", "0", "1", "2", "q0", "q0"])).toThrow(/last token is "q0", not "\?"/);
    expect(() => t.answer(["0", "1", "2", "0", "1", "2", "q3", "?"])).toThrow(CcboundError);
  });

  it("is built by makeTask and from stored params, takes no task flags, and its replay flags are --task and --n", () => {
    const t = makeTask("function-composition", 5);
    expect(t.params).toEqual({});
    expect(t.inputLength).toBe(12);
    expect(taskArgs(t)).toBe("--task function-composition --n 5");
    expect(
      taskFromParams("function-composition", 5, {}).answer([
        "1",
        "2",
        "0",
        "0",
        "0",
        "0",
        "1",
        "2",
        "3",
        "4",
        compositionQuery(0),
        QUESTION,
      ]),
    ).toBe("1");
    expect(() => makeTask("function-composition", 5, { alphabet: 3 })).toThrow(
      /function-composition takes no --alphabet/,
    );
    expect(() => makeTask("function-composition", 2 ** 19 + 1)).toThrow(/needs 1048579 tokens/);
  });
});
