import { describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { Rng } from "../../src/random.js";
import { assocRecall } from "../../src/tasks/assoc-recall.js";
import { indexLookup } from "../../src/tasks/index-lookup.js";
import { makeTask, MAX_N } from "../../src/tasks/index.js";

describe("index lookup", () => {
  it("answers s_p for the position token @p", () => {
    const t = indexLookup(4, 3);
    expect(t.answer(["2", "0", "1", "1", "@1"])).toBe("2");
    expect(t.answer(["2", "0", "1", "1", "@3"])).toBe("1");
    expect(t.vocab).toEqual(["0", "1", "2", "@1", "@2", "@3", "@4"]);
    expect(t.labels).toEqual(["0", "1", "2"]);
  });

  it("enumerates every input exactly once, count() of them (n <= 5, alphabet 2 and 3)", () => {
    for (const k of [2, 3])
      for (let n = 1; n <= 5; n++) {
        const t = indexLookup(n, k);
        const all = [...t.enumerate()].map((x) => x.join(" "));
        expect(BigInt(all.length)).toBe(t.count());
        expect(new Set(all).size).toBe(all.length);
        for (const x of all) expect(t.labels).toContain(t.answer(x.split(" ")));
      }
  });

  it("generates valid inputs from a seed, the same for the same seed", () => {
    const t = indexLookup(30, 4);
    const a = Array.from({ length: 50 }, (_, i) => t.generate(new Rng(i)));
    const b = Array.from({ length: 50 }, (_, i) => t.generate(new Rng(i)));
    expect(a).toEqual(b);
    for (const x of a) expect(() => t.answer(x)).not.toThrow();
    expect(new Set(a.map((x) => x.join(" "))).size).toBe(50);
  });

  it("refuses inputs that are not instances, with what was wrong", () => {
    const t = indexLookup(3);
    expect(() => t.answer(["0", "1", "@1"])).toThrow(/takes 4 tokens, got 3/);
    expect(() => t.answer(["0", "7", "1", "@1"])).toThrow(/token 2 is "7"/);
    expect(() => t.answer(["0", "1", "1", "@4"])).toThrow(/not a position token/);
  });
});

describe("associative recall", () => {
  it("answers the value stored under the queried key, keys in any order", () => {
    const t = assocRecall(3);
    expect(t.answer(["k2", "1", "k3", "0", "k1", "1", "k3"])).toBe("0");
    expect(t.answer(["k2", "1", "k3", "0", "k1", "1", "k2"])).toBe("1");
  });

  it("refuses repeated keys and unknown queries", () => {
    const t = assocRecall(2);
    expect(() => t.answer(["k1", "0", "k1", "1", "k1"])).toThrow(/appears twice/);
    expect(() => t.answer(["k1", "0", "k2", "1", "k3"])).toThrow(/not one of the keys|not a key/);
  });

  it("enumerates all orders, values and queries exactly once (n <= 4)", () => {
    for (let n = 1; n <= 4; n++) {
      const t = assocRecall(n);
      const all = [...t.enumerate()].map((x) => x.join(" "));
      expect(BigInt(all.length)).toBe(t.count());
      expect(new Set(all).size).toBe(all.length);
      for (const x of all) expect(() => t.answer(x.split(" "))).not.toThrow();
    }
  });

  it("generates valid inputs with distinct keys", () => {
    const t = assocRecall(20, 5);
    for (let s = 0; s < 50; s++) expect(() => t.answer(t.generate(new Rng(s)))).not.toThrow();
  });
});

describe("makeTask refuses bad parameters with typed errors", () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof CcboundError ? e.code : "untyped";
    }
    return "none";
  };
  it("unknown task, n < 1, n not whole, n too large, bad alphabet", () => {
    expect(code(() => makeTask("sorting", 4))).toBe("invalid-flag");
    expect(code(() => makeTask("index-lookup", 0))).toBe("invalid-flag");
    expect(code(() => makeTask("index-lookup", 2.5))).toBe("invalid-flag");
    expect(code(() => makeTask("index-lookup", MAX_N + 1))).toBe("too-large");
    expect(code(() => makeTask("assoc-recall", 4, { alphabet: 1 }))).toBe("invalid-flag");
    expect(makeTask("assoc-recall", 4, { alphabet: 3 }).labels).toEqual(["0", "1", "2"]);
  });
});

describe("every n makeTask accepts fits a model file", () => {
  it("index lookup up to n = 2^20 - 2 with a binary alphabet; n = 2^20 - 1 needs 2^20 + 1 tokens and is refused", () => {
    expect(makeTask("index-lookup", 2 ** 20 - 2).vocab.length).toBe(2 ** 20);
    expect(() => makeTask("index-lookup", 2 ** 20 - 1)).toThrow(
      /needs 1048577 tokens, more than a model can have \(1048576\)/,
    );
    // associative recall keeps a smaller n: its exact count grows as n^2
    expect(() => makeTask("assoc-recall", 2 ** 15 + 1)).toThrow(
      /over the largest supported n \(32768 for assoc-recall\)/,
    );
  });
});
