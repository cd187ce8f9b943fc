// The copy task (Jelassi et al. 2024): a string, the delimiter, and the string again as a sequence answer.
import { describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { Rng } from "../../src/random.js";
import { DELIMITER, makeTask, taskFromParams } from "../../src/tasks/index.js";

describe("the copy task", () => {
  it("answers the string before the delimiter, as tokens joined by spaces", () => {
    const task = makeTask("copy", 4, { alphabet: 3 });
    expect(task.vocab).toEqual(["0", "1", "2", DELIMITER]);
    expect(task.labels).toEqual(["0", "1", "2"]);
    expect(task.inputLength).toBe(5);
    expect(task.answerTokens).toBe(4);
    expect(task.params).toEqual({ alphabet: 3 });
    expect(task.answer(["2", "0", "1", "1", "|"])).toBe("2 0 1 1");
  });

  it("enumerates every string once, in the order inputAt indexes, and counts |Σ|^L", () => {
    const task = makeTask("copy", 3, { alphabet: 3 });
    const all = [...task.enumerate()];
    expect(BigInt(all.length)).toBe(task.count());
    expect(all.length).toBe(27);
    expect(new Set(all.map((x) => x.join(" "))).size).toBe(27);
    all.forEach((x, k) => expect(task.inputAt!(k)).toEqual(x));
    for (const x of all) expect(task.answer(x)).toBe(x.slice(0, 3).join(" "));
  });

  it("generates uniform strings from a seed, the same for the same seed", () => {
    const task = makeTask("copy", 6);
    const draw = (seed: number) => Array.from({ length: 50 }, () => task.generate(new Rng(seed)).join(" "));
    const rng = new Rng(7);
    const xs = Array.from({ length: 400 }, () => task.generate(rng));
    for (const x of xs) {
      expect(x).toHaveLength(7);
      expect(x[6]).toBe(DELIMITER);
    }
    // Each position is 1 about half the time (400 draws: far from 0 and from 400).
    for (let i = 0; i < 6; i++) {
      const ones = xs.filter((x) => x[i] === "1").length;
      expect(ones).toBeGreaterThan(150);
      expect(ones).toBeLessThan(250);
    }
    expect(draw(3)).toEqual(draw(3));
  });

  it("refuses what is not an instance: a wrong length, a symbol outside the alphabet, no delimiter", () => {
    const task = makeTask("copy", 3);
    for (const bad of [
      ["0", "1", "|"],
      ["0", "2", "1", "|"],
      ["0", "1", "1", "0"],
      ["|", "1", "1", "|"],
    ]) {
      expect(() => task.answer(bad)).toThrow(CcboundError);
    }
  });

  it("round-trips through its stored params, and refuses bad ones with one clear error", () => {
    const task = makeTask("copy", 5, { alphabet: 4 });
    expect(taskFromParams("copy", 5, task.params).vocab).toEqual(task.vocab);
    expect(() => makeTask("copy", 5, { alphabet: 1 })).toThrow(/alphabet size/);
    expect(() => makeTask("copy", 5, { modulus: 3 })).toThrow(/copy takes no --modulus/);
  });
});
