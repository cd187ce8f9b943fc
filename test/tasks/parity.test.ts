import { describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { Rng } from "../../src/random.js";
import { makeTask, modCount, parity, taskArgs, taskFromParams } from "../../src/tasks/index.js";

/** The number of 1s of an input read as a binary number, by clearing the lowest set bit (independent of onesIn). */
function popcount(tokens: readonly string[]): number {
  let x = BigInt(`0b0${tokens.join("")}`);
  let ones = 0;
  while (x > 0n) {
    x &= x - 1n;
    ones++;
  }
  return ones;
}

describe("parity and mod-count", () => {
  it("answer the number of 1s mod m on every input, each enumerated once, count() of them (n <= 9)", () => {
    for (const [task, m] of [
      [(n: number) => parity(n), 2],
      [(n: number) => modCount(n, 3), 3],
      [(n: number) => modCount(n, 5), 5],
    ] as const) {
      for (let n = 1; n <= 9; n++) {
        const t = task(n);
        const all = [...t.enumerate()];
        expect(BigInt(all.length)).toBe(t.count());
        expect(new Set(all.map((x) => x.join(""))).size).toBe(all.length);
        for (const x of all) expect(t.answer(x)).toBe(String(popcount(x) % m));
        expect(t.labels).toEqual(Array.from({ length: m }, (_, i) => String(i)));
      }
    }
  });

  it("generate seeded inputs whose number of 1s is uniform in 0..n (so 1^n and 0^n appear)", () => {
    const t = parity(4);
    const draws = Array.from({ length: 5000 }, (_, i) => t.generate(new Rng(7, i)));
    expect(draws).toEqual(Array.from({ length: 5000 }, (_, i) => t.generate(new Rng(7, i))));
    const byCount = [0, 0, 0, 0, 0];
    for (const x of draws) byCount[popcount(x)]!++;
    // 1000 expected per count; a uniform-bits generator would give 1^4 about 312 times.
    for (const c of byCount) {
      expect(c).toBeGreaterThan(880);
      expect(c).toBeLessThan(1120);
    }
  });

  it("refuse inputs that are not instances, with what was wrong", () => {
    expect(() => parity(3).answer(["0", "1"])).toThrow(/parity at n=3 takes 3 tokens, got 2/);
    expect(() => modCount(3, 4).answer(["0", "2", "1"])).toThrow(/token 2 is "2", not a bit/);
  });

  it("declare --modulus once: default 3, range 2..256, round trip through the stored params and the replay flags", () => {
    expect(makeTask("mod-count", 8).params).toEqual({ modulus: 3 });
    expect(makeTask("mod-count", 8, { modulus: 7 }).labels).toHaveLength(7);
    expect(taskArgs(makeTask("mod-count", 8, { modulus: 7 }))).toBe("--task mod-count --n 8 --modulus 7");
    expect(taskArgs(makeTask("mod-count", 8))).toBe("--task mod-count --n 8");
    expect(taskFromParams("mod-count", 8, { modulus: 7 }).answer("11111110".split(""))).toBe("0");
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof CcboundError ? e.code : "untyped";
      }
      return "none";
    };
    expect(code(() => makeTask("mod-count", 8, { modulus: 1 }))).toBe("invalid-flag");
    expect(code(() => makeTask("mod-count", 8, { modulus: 257 }))).toBe("invalid-flag");
    expect(code(() => makeTask("parity", 8, { modulus: 3 }))).toBe("invalid-flag");
    expect(code(() => taskFromParams("parity", 8, { modulus: 2 }))).toBe("invalid-input");
  });
});
