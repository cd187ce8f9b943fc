import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { Rng } from "../../src/random.js";
import { equality, SEPARATOR } from "../../src/tasks/equality.js";
import { makeTask, optionsFromParams } from "../../src/tasks/index.js";
import { errorOf } from "../io/expect-error.js";

const words = (s: string) => s.split(" ");
const VARIANTS = [
  { ineq: false, separator: false },
  { ineq: true, separator: false },
  { ineq: false, separator: true },
  { ineq: true, separator: true },
];

describe("equality", () => {
  it("EQ answers 1 when the halves are equal, INEQ = 1 - EQ, with or without the separator", () => {
    expect(equality(4).answer(words("0 1 0 1"))).toBe("1");
    expect(equality(4).answer(words("0 1 1 1"))).toBe("0");
    expect(equality(4, { ineq: true }).answer(words("0 1 0 1"))).toBe("0");
    expect(equality(4, { ineq: true }).answer(words("0 1 1 1"))).toBe("1");
    expect(equality(4, { separator: true }).answer(words(`1 0 ${SEPARATOR} 1 0`))).toBe("1");
    expect(equality(4, { separator: true }).vocab).toEqual(["0", "1", "|"]);
    expect(equality(4, { separator: true }).inputLength).toBe(5);
    expect(equality(4).params).toEqual({ ineq: 0, separator: 0 });
    expect(equality(4, { ineq: true, separator: true }).params).toEqual({ ineq: 1, separator: 1 });
  });

  it("EQ and INEQ disagree on every input, and the separator does not change the answer", () => {
    const n = 16;
    const [eq, ineq, eqSep] = [equality(n), equality(n, { ineq: true }), equality(n, { separator: true })];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("0", "1"), { minLength: n / 2, maxLength: n / 2 }),
        fc.nat(n / 2),
        fc.boolean(),
        (x, i, flip) => {
          const y = x.slice();
          if (flip) y[i % (n / 2)] = y[i % (n / 2)] === "0" ? "1" : "0";
          const plain = [...x, ...y];
          expect(eq.answer(plain)).toBe(flip ? "0" : "1");
          expect(ineq.answer(plain)).not.toBe(eq.answer(plain));
          expect(eqSep.answer([...x, SEPARATOR, ...y])).toBe(eq.answer(plain));
        },
      ),
      { seed: 1, numRuns: 300 },
    );
  });

  it("refuses inputs that are not instances, with what was wrong", () => {
    expect(() => equality(4).answer(words("0 1 0"))).toThrow(/takes 4 tokens, got 3/);
    expect(() => equality(4).answer(words("0 1 0 2"))).toThrow(/token 4 is "2", not a bit/);
    expect(() => equality(4).answer(words("0 1 | 0"))).toThrow(/token 3 is "\|", not a bit/);
    expect(() => equality(4, { separator: true }).answer(words("0 1 0 1 0"))).toThrow(
      /token 3 is "0", not the separator/,
    );
    expect(() => equality(4, { separator: true }).answer(words("0 | 1 0 1"))).toThrow(/token 2 is "\|", not a bit/);
    expect(() => equality(4).answer(words("0 1 0 2"))).toThrow(CcboundError);
  });

  it("enumerates every input exactly once, count() of them, 2^(n/2) with equal halves (even n <= 10, all four variants)", () => {
    for (const options of VARIANTS)
      for (let n = 2; n <= 10; n += 2) {
        const t = equality(n, options);
        const all = [...t.enumerate()];
        expect(BigInt(all.length)).toBe(t.count());
        expect(new Set(all.map((x) => x.join(" "))).size).toBe(all.length);
        const equal = all.filter((x) => t.answer(x) === (options.ineq ? "0" : "1")).length;
        expect(equal).toBe(2 ** (n / 2));
      }
  });

  it("generates from a seed, the same for the same seed, balanced as in the paper (half equal, Eq-random and Eq-one negatives)", () => {
    const n = 40;
    const t = equality(n, { separator: true });
    const a = Array.from({ length: 2000 }, (_, s) => t.generate(new Rng(s)));
    expect(Array.from({ length: 50 }, (_, s) => t.generate(new Rng(s)))).toEqual(a.slice(0, 50));
    const positives = a.filter((x) => t.answer(x) === "1").length;
    expect(positives).toBeGreaterThan(900);
    expect(positives).toBeLessThan(1100);
    // Eq-one negatives differ in exactly one position: about a quarter of all inputs.
    const differences = a.map((x) => x.slice(0, n / 2).filter((b, i) => b !== x[n / 2 + 1 + i]).length);
    const oneBit = differences.filter((d) => d === 1).length;
    expect(oneBit).toBeGreaterThan(400);
    expect(oneBit).toBeLessThan(600);
    // Eq-random negatives differ in about n/4 positions.
    expect(differences.filter((d) => d >= 4).length).toBeGreaterThan(400);
  });

  it("INEQ's generator is balanced too, and n = 2 works", () => {
    const t = equality(2, { ineq: true });
    const labels = Array.from({ length: 1000 }, (_, s) => t.answer(t.generate(new Rng(s))));
    const ones = labels.filter((l) => l === "1").length;
    expect(ones).toBeGreaterThan(300);
    expect(ones).toBeLessThan(700);
  });
});

describe("makeTask: equality", () => {
  it("refuses odd n, an unknown variant and options of other tasks, each naming its flag", () => {
    expect(() => makeTask("equality", 5)).toThrow(
      /equality needs an even n \(the input is two halves of n\/2 bits\), got 5/,
    );
    expect(() => makeTask("equality", 4, { variant: "neq" })).toThrow(/variant must be eq or ineq, got "neq"/);
    expect(() => makeTask("equality", 4, { alphabet: 2 })).toThrow(/equality takes no --alphabet/);
    expect(errorOf(() => makeTask("equality", 4, { variant: "x" }))).toMatchObject({
      code: "invalid-flag",
      where: "--variant",
    });
    expect(errorOf(() => makeTask("equality", 3))).toMatchObject({ code: "invalid-flag", where: "--n" });
    expect(makeTask("equality", 4, { variant: "ineq", separator: true }).params).toEqual({ ineq: 1, separator: 1 });
  });

  it("rebuilds the same task from its stored params (all four variants)", () => {
    for (const options of VARIANTS) {
      const t = equality(6, options);
      const again = makeTask("equality", 6, optionsFromParams("equality", t.params));
      expect(again.params).toEqual(t.params);
      expect(again.vocab).toEqual(t.vocab);
    }
    expect(() => optionsFromParams("equality", { ineq: 2 })).toThrow(/must be 0 or 1, got 2/);
    expect(() => optionsFromParams("equality", { alphabet: 2 })).toThrow(/"alphabet" is not a parameter of equality/);
  });
});
