import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { disjProblem } from "../../src/cc/problems.js";
import { Rng } from "../../src/random.js";
import { disjointness } from "../../src/tasks/disjointness.js";
import { makeTask, optionsFromParams } from "../../src/tasks/index.js";
import { errorOf } from "../io/expect-error.js";

const words = (s: string) => s.split(" ");

describe("disjointness (the paper's DISJ: 1 when the halves INTERSECT)", () => {
  it("answers 1 when some i has x_i = y_i = 1, 0 when the sets are disjoint", () => {
    const t = disjointness(6);
    expect(t.answer(words("1 0 0 1 1 0"))).toBe("1");
    expect(t.answer(words("1 0 0 0 1 1"))).toBe("0");
    expect(t.answer(words("0 0 0 0 0 0"))).toBe("0");
    expect(t.labels).toEqual(["0", "1"]);
    expect(t.params).toEqual({});
  });

  it("agrees with the DISJ problem of src/cc on the two halves", () => {
    const n = 20;
    const t = disjointness(n);
    const p = disjProblem(n / 2);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }), (bits) => {
        const expected = p.evaluate(Uint8Array.from(bits.slice(0, n / 2)), Uint8Array.from(bits.slice(n / 2)));
        expect(t.answer(bits.map(String))).toBe(String(expected));
      }),
      { seed: 1, numRuns: 300 },
    );
  });

  it("refuses inputs that are not instances", () => {
    const t = disjointness(4);
    expect(() => t.answer(words("0 1 1"))).toThrow(/takes 4 tokens, got 3/);
    expect(() => t.answer(words("0 1 x 1"))).toThrow(/token 3 is "x", not a bit/);
  });

  it("enumerates every input exactly once, count() of them, 4^h - 3^h intersecting (even n <= 12, h = n/2)", () => {
    for (let n = 2; n <= 12; n += 2) {
      const t = disjointness(n);
      const all = [...t.enumerate()];
      expect(BigInt(all.length)).toBe(t.count());
      expect(new Set(all.map((x) => x.join(""))).size).toBe(all.length);
      expect(all.filter((x) => t.answer(x) === "1").length).toBe(4 ** (n / 2) - 3 ** (n / 2));
    }
  });

  it("generates balanced inputs from a seed, at n = 2 (mostly disjoint pairs) and n = 60 (mostly intersecting)", () => {
    for (const n of [2, 60]) {
      const t = disjointness(n);
      const a = Array.from({ length: 2000 }, (_, s) => t.generate(new Rng(s)));
      expect(Array.from({ length: 20 }, (_, s) => t.generate(new Rng(s)))).toEqual(a.slice(0, 20));
      const ones = a.filter((x) => t.answer(x) === "1").length;
      expect(ones).toBeGreaterThan(900);
      expect(ones).toBeLessThan(1100);
    }
  });

  it("reaches every input at n = 4 (both classes are sampled uniformly)", () => {
    const t = disjointness(4);
    const seen = new Set(Array.from({ length: 2000 }, (_, s) => t.generate(new Rng(s)).join("")));
    expect(seen.size).toBe(16);
  });
});

describe("makeTask: disjointness", () => {
  it("refuses odd n and every option, and rebuilds from its (empty) params", () => {
    expect(errorOf(() => makeTask("disjointness", 7))).toMatchObject({ code: "invalid-flag", where: "--n" });
    expect(() => makeTask("disjointness", 7)).toThrow(/disjointness needs an even n/);
    expect(errorOf(() => makeTask("disjointness", 4, { pairs: 2 }))).toMatchObject({
      code: "invalid-flag",
      where: "--pairs",
    });
    expect(makeTask("disjointness", 8, optionsFromParams("disjointness", {})).count()).toBe(256n);
  });
});
