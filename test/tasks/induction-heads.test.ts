// The induction heads task: reference answer, generator and enumeration (issue 16 item 4).
import { describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { Rng } from "../../src/random.js";
import { makeTask, taskArgs } from "../../src/tasks/index.js";

/** The answer by its definition, written independently: the follower of the most recent earlier occurrence. */
function byDefinition(tokens: readonly string[]): string | undefined {
  const last = tokens[tokens.length - 1];
  for (let j = tokens.length - 2; j >= 0; j--) if (tokens[j] === last) return tokens[j + 1];
  return undefined;
}

describe("induction-heads", () => {
  it("answers the token after the last token's most recent earlier occurrence", () => {
    const task = makeTask("induction-heads", 7);
    expect(task.answer("0 1 * 0 * 1 *".split(" "))).toBe("1");
    expect(task.answer("* 0 1 1 0 1 *".split(" "))).toBe("0");
    // The most recent occurrence wins over an earlier one.
    expect(task.answer("1 0 1 * 0 0 1".split(" "))).toBe("*");
    // The occurrence just before the last token is followed by the last token itself.
    expect(task.answer("0 1 0 1 0 * *".split(" "))).toBe("*");
    expect(task.vocab).toEqual(["0", "1", "*"]);
    expect(task.labels).toEqual(task.vocab);
  });

  it("refuses a last token that is new, a foreign token and a wrong length, each as invalid input", () => {
    const task = makeTask("induction-heads", 5);
    for (const bad of ["0 0 0 0 *", "0 1 2 0 0", "0 1 0 1"]) {
      expect(() => task.answer(bad.split(" "))).toThrowError(CcboundError);
    }
    expect(() => task.answer("0 0 0 0 *".split(" "))).toThrow(/does not occur earlier/);
  });

  it("enumerates exactly the instances, as many as count() says, agreeing with the definition (n = 6, K = 2 and 3)", () => {
    for (const alphabet of [2, 3]) {
      const task = makeTask("induction-heads", 6, { alphabet });
      const v = alphabet + 1;
      let seen = 0;
      for (const input of task.enumerate()) {
        seen++;
        expect(task.answer(input)).toBe(byDefinition(input));
      }
      expect(BigInt(seen)).toBe(task.count());
      // Every string of length 6 whose last token occurs among the first 5.
      expect(seen).toBe(v * (v ** 5 - (v - 1) ** 5));
    }
  });

  it("draws only instances from a seeded generator, the same for the same seed", () => {
    const task = makeTask("induction-heads", 33, { alphabet: 4 });
    const draw = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 200 }, () => task.generate(rng));
    };
    const a = draw(7);
    expect(draw(7)).toEqual(a);
    for (const input of a) {
      expect(input).toHaveLength(33);
      expect(task.answer(input)).toBe(byDefinition(input));
    }
    // The answers spread over the vocabulary.
    expect(new Set(a.map((x) => task.answer(x))).size).toBe(5);
  });

  it("takes --alphabet, and refuses n below 3 with one flag error", () => {
    expect(taskArgs(makeTask("induction-heads", 9, { alphabet: 3 }))).toBe("--task induction-heads --n 9 --alphabet 3");
    expect(() => makeTask("induction-heads", 2)).toThrow(/n >= 3/);
    expect(() => makeTask("induction-heads", 9, { modulus: 3 })).toThrow(/takes no --modulus/);
  });
});
