import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/random.js";
import { makeTask, optionsFromParams } from "../../src/tasks/index.js";
import {
  defaultDim,
  keyDot,
  keyVector,
  findNearest,
  nearestNeighbor,
  vectorToken,
} from "../../src/tasks/nearest-neighbor.js";
import { strings } from "../../src/tasks/task.js";
import { errorOf } from "../io/expect-error.js";

const words = (s: string) => s.split(" ");

describe("nearest-neighbor keys on the hypercube {±1/√d}^d", () => {
  it("key i has coordinate j = +1/√d when bit j of i is 0, -1/√d when it is 1; keys are unit vectors", () => {
    const s = 1 / Math.sqrt(3);
    expect(keyVector(0b101, 3)).toEqual([-s, s, -s]);
    for (let i = 0; i < 16; i++) expect(keyVector(i, 4).reduce((a, v) => a + v * v, 0)).toBeCloseTo(1, 12);
  });

  it("keyDot is the exact dot product (d - 2 * Hamming distance) / d (every pair, d <= 5)", () => {
    for (let d = 1; d <= 5; d++)
      for (let a = 0; a < 2 ** d; a++)
        for (let b = 0; b < 2 ** d; b++) {
          const exact = keyDot(a, b, d);
          const real = keyVector(a, d).reduce((acc, v, j) => acc + v * keyVector(b, d)[j]!, 0);
          expect(exact.den).toBe(d);
          expect(exact.num / exact.den).toBeCloseTo(real, 12);
        }
  });
});

describe("nearest-neighbor", () => {
  it("answers the label of the nearest key, which need not be one of the keys; with margin γ exactly", () => {
    const d = 3;
    // Keys v0 = (+,+,+) and v7 = (-,-,-); query v1 = (-,+,+) is at distance 1 from v0 and 2 from v7.
    const nearest = findNearest(words("v0 1 v7 0 v1"), 2, d);
    expect(nearest).toEqual({ label: "1", key: 0, margin: { num: 2, den: 3 } });
    expect(findNearest(words("v0 1 v7 0 v7"), 2, d).margin).toEqual({ num: 6, den: 3 });
    const t = nearestNeighbor(2, { dim: 3 });
    expect(t.answer(words("v0 1 v7 0 v6"))).toBe("0");
    expect(t.vocab).toEqual(["v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "0", "1"]);
    expect(t.inputLength).toBe(5);
    expect(t.params).toEqual({ dim: 3, mqar: 0 });
  });

  it("refuses ties, keys repeated with another label, unknown tokens and (with mqar) queries that are not keys", () => {
    const t = nearestNeighbor(2, { dim: 2 });
    expect(() => t.answer(words("v0 1 v3 0 v1"))).toThrow(
      /equally close to keys v0 and v3 \(dot product 0\/2\): the nearest key is not unique/,
    );
    expect(() => t.answer(words("v2 1 v2 0 v0"))).toThrow(
      /key "v2" has label 1 in pair 1 and 0 in pair 2; a repeated key must keep its label/,
    );
    expect(() => t.answer(words("v4 1 v2 0 v0"))).toThrow(/token 1 is "v4", not a key v0..v3/);
    expect(() => t.answer(words("v01 1 v2 0 v0"))).toThrow(/token 1 is "v01"/);
    expect(() => t.answer(words("v1 2 v2 0 v0"))).toThrow(/token 2 is "2", not a label/);
    expect(() => t.answer(words("v1 1 v2 0"))).toThrow(/takes 5 tokens, got 4/);
    expect(() => nearestNeighbor(2, { dim: 2, mqar: true }).answer(words("v1 1 v2 0 v0"))).toThrow(
      /query "v0" is not one of the keys \(mqar\)/,
    );
    // A key repeated with its label is an instance (Theorem 8's protocol feeds answers back as labels).
    expect(t.answer(words("v2 1 v2 1 v0"))).toBe("1");
  });

  const accepts = (t: { answer(x: string[]): string }, x: string[]) => {
    try {
      t.answer(x);
      return true;
    } catch {
      return false;
    }
  };

  it("count() is the number of token strings answer() accepts, by brute force (n <= 3 at d = 1, n <= 2 at d = 2, mqar or not)", () => {
    for (const mqar of [false, true])
      for (const [d, maxN] of [
        [1, 3],
        [2, 2],
      ] as const)
        for (let n = 1; n <= maxN; n++) {
          const t = nearestNeighbor(n, { dim: d, mqar });
          let accepted = 0;
          for (const x of strings(t.vocab, 2 * n + 1)) if (accepts(t, x)) accepted++;
          expect(BigInt(accepted), `n=${n} d=${d} mqar=${mqar}`).toBe(t.count());
        }
  });

  it("enumerate() lists count() distinct instances (n <= 3, d <= 3, mqar or not)", () => {
    for (const mqar of [false, true])
      for (let d = 1; d <= 3; d++)
        for (let n = 1; n <= 3; n++) {
          const t = nearestNeighbor(n, { dim: d, mqar });
          const all = [...t.enumerate()];
          expect(BigInt(all.length), `n=${n} d=${d} mqar=${mqar}`).toBe(t.count());
          expect(new Set(all.map((x) => x.join(" "))).size).toBe(all.length);
          expect(all.filter((x) => !accepts(t, x))).toEqual([]);
        }
  });

  it("every instance has margin γ >= 2/d (enumerated, n <= 3, d = 4)", () => {
    const d = 4;
    for (let n = 1; n <= 3; n++) {
      let below = 0;
      for (const x of nearestNeighbor(n, { dim: d }).enumerate()) {
        const { margin } = findNearest(x, n, d);
        if (margin !== undefined && margin.num < 2) below++;
      }
      expect(below).toBe(0);
    }
  });

  it("count() in closed form at d = 1, where every query has a unique nearest key: 2 (4 * 2^n - 4) (n <= 200)", () => {
    for (let n = 1; n <= 200; n++)
      expect(nearestNeighbor(n, { dim: 1 }).count()).toBe(2n * (4n * 2n ** BigInt(n) - 4n));
  });

  it("count() is exact and quick at the largest n makeTask accepts", () => {
    const t = makeTask("nearest-neighbor", 2048);
    expect(t.params.dim).toBe(11);
    const start = Date.now();
    const count = t.count();
    expect(Date.now() - start).toBeLessThan(10_000);
    // At least: distinct keys in any order and labels, the query one of them (every key is present when 2^d = n).
    let lower = 2n ** 2048n * 2048n;
    for (let i = 2n; i <= 2048n; i++) lower *= i;
    expect(count >= lower).toBe(true);
  });

  it("generates instances from a seed: distinct keys when 2^d >= n, balanced labels, mqar queries among the keys", () => {
    for (const mqar of [false, true]) {
      const t = nearestNeighbor(30, { mqar });
      const a = Array.from({ length: 300 }, (_, s) => t.generate(new Rng(s)));
      expect(Array.from({ length: 10 }, (_, s) => t.generate(new Rng(s)))).toEqual(a.slice(0, 10));
      for (const x of a) {
        const keys = x.filter((_, i) => i % 2 === 0 && i < 60);
        expect(new Set(keys).size).toBe(30);
        if (mqar) expect(keys).toContain(x[60]);
      }
      const ones = a.filter((x) => t.answer(x) === "1").length;
      expect(ones).toBeGreaterThan(100);
      expect(ones).toBeLessThan(200);
    }
    // Queries need not be keys: with d = 8 and 5 keys most queries are not one of them.
    const wide = nearestNeighbor(5, { dim: 8 });
    const misses = Array.from({ length: 100 }, (_, s) => wide.generate(new Rng(s))).filter(
      (x) => !x.slice(0, 10).includes(x[10]!),
    );
    expect(misses.length).toBeGreaterThan(50);
    for (const x of misses) expect(() => wide.answer(x)).not.toThrow();
  });

  it("generates instances when 2^d < n (repeated keys keep their labels), for any seed (fast-check, seed 1)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 3 }),
        fc.nat(),
        fc.boolean(),
        (n, d, seed, mqar) => {
          const t = nearestNeighbor(n, { dim: d, mqar });
          const x = t.generate(new Rng(seed));
          expect(x).toHaveLength(2 * n + 1);
          expect(t.labels).toContain(t.answer(x));
        },
      ),
      { seed: 1, numRuns: 300 },
    );
  });

  it("defaultDim is the least d >= 1 with 2^d >= n", () => {
    expect([1, 2, 3, 4, 5, 8, 9, 2048].map(defaultDim)).toEqual([1, 1, 2, 2, 3, 3, 4, 11]);
    expect(vectorToken(5)).toBe("v5");
  });
});

describe("makeTask: nearest-neighbor", () => {
  it("refuses bad dimensions, too many keys, options of other tasks; rebuilds from its params", () => {
    expect(errorOf(() => makeTask("nearest-neighbor", 4, { dim: 0 }))).toMatchObject({
      code: "invalid-flag",
      where: "--dim",
    });
    expect(errorOf(() => makeTask("nearest-neighbor", 4, { dim: 2.5 }))).toMatchObject({
      code: "invalid-flag",
      where: "--dim",
    });
    expect(errorOf(() => makeTask("nearest-neighbor", 4, { dim: 12 }))).toMatchObject({
      code: "too-large",
      where: "--dim",
    });
    expect(() => makeTask("nearest-neighbor", 2049)).toThrow(
      /over the largest supported n \(2048 for nearest-neighbor\)/,
    );
    expect(errorOf(() => makeTask("nearest-neighbor", 4, { variant: "eq" }))).toMatchObject({
      code: "invalid-flag",
      where: "--variant",
    });
    const t = makeTask("nearest-neighbor", 5, { dim: 4, mqar: true });
    expect(t.params).toEqual({ dim: 4, mqar: 1 });
    const again = makeTask("nearest-neighbor", 5, optionsFromParams("nearest-neighbor", t.params));
    expect(again.params).toEqual(t.params);
    expect(again.count()).toBe(t.count());
  });
});
