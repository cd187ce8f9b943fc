import { describe, expect, it } from "vitest";
import { Rng } from "../../src/random.js";
import { dyckDfa } from "../../src/models/dyck-dfa.js";
import { dyck, dyckCount, dyckVocab } from "../../src/tasks/dyck.js";
import { makeTask, optionsFromParams } from "../../src/tasks/index.js";
import { errorOf } from "../io/expect-error.js";

const words = (s: string) => s.split(" ");

/** Members by their definition, directly: balanced per type and every prefix's open count within the depth. */
function member(tokens: readonly string[], pairs: number, depth: number): boolean {
  const vocab = dyckVocab(pairs);
  const stack: string[] = [];
  for (const t of tokens) {
    const i = vocab.indexOf(t);
    if (i % 2 === 0) stack.push(vocab[i + 1]!);
    else if (stack.pop() !== t) return false;
    if (stack.length > depth) return false;
  }
  return stack.length === 0;
}

const catalan = (h: number) => {
  let c = 1n;
  for (let i = 0; i < h; i++) c = (c * 2n * BigInt(2 * i + 1)) / BigInt(i + 2);
  return c;
};

describe("dyck", () => {
  it("recognises the paper's examples: ( [ ] ) [ ] has depth 2 and is in Dyck-(2,2), ( [ [ ] ] ) has depth 3", () => {
    expect(dyck(6).answer(words("( [ ] ) [ ]"))).toBe("1");
    expect(dyck(6).answer(words("( [ [ ] ] )"))).toBe("0");
    expect(dyck(6, { depth: 3 }).answer(words("( [ [ ] ] )"))).toBe("1");
    expect(dyck(4).answer(words("( [ ) ]"))).toBe("0");
    expect(dyck(4).answer(words(") ( ) ("))).toBe("0");
    expect(dyck(4).vocab).toEqual(["(", ")", "[", "]"]);
    expect(dyck(2, { pairs: 4 }).vocab).toEqual(["(", ")", "[", "]", "{", "}", "<", ">"]);
    expect(dyck(4).params).toEqual({ pairs: 2, depth: 2 });
  });

  it("refuses inputs that are not instances", () => {
    expect(() => dyck(4).answer(words("( )"))).toThrow(/takes 4 tokens, got 2/);
    expect(() => dyck(4).answer(words("( { } )"))).toThrow(/token 2 is "\{", not a bracket of \( \) \[ \]/);
  });

  it("enumerates every string once, count() of them, members by the definition and by dyckCount (even n <= 8, k <= 3, m <= 3)", () => {
    for (let k = 1; k <= 3; k++)
      for (let m = 1; m <= 3; m++)
        for (let n = 2; n <= (k === 3 ? 6 : 8); n += 2) {
          const t = dyck(n, { pairs: k, depth: m });
          const all = [...t.enumerate()];
          expect(BigInt(all.length)).toBe(t.count());
          expect(new Set(all.map((x) => x.join(""))).size).toBe(all.length);
          let members = 0;
          let disagreements = 0;
          for (const x of all) {
            const yes = t.answer(x) === "1";
            if (yes !== member(x, k, m)) disagreements++;
            if (yes) members++;
          }
          expect(disagreements, `k=${k} m=${m} n=${n}`).toBe(0);
          expect(BigInt(members)).toBe(dyckCount(n, k, m));
        }
  });

  it("dyckCount: 2^(n-1) words in Dyck-(2,2) (Lemma 1's |S|), Catalan(n/2) k^(n/2) when the depth does not bind (n <= 64)", () => {
    for (let n = 2; n <= 64; n += 2) {
      expect(dyckCount(n, 2, 2)).toBe(2n ** BigInt(n - 1));
      expect(dyckCount(n, 3, n / 2)).toBe(catalan(n / 2) * 3n ** BigInt(n / 2));
      expect(dyckCount(n + 1, 2, 2)).toBe(0n);
    }
  });

  it("generates as the paper does: from a seed, half members, every member reachable (k <= 4, m <= 3)", () => {
    for (let k = 1; k <= 4; k++)
      for (let m = 1; m <= 3; m++)
        for (const n of [2, 4, 20]) {
          const t = dyck(n, { pairs: k, depth: m });
          const a = Array.from({ length: 400 }, (_, s) => t.generate(new Rng(s)));
          expect(Array.from({ length: 10 }, (_, s) => t.generate(new Rng(s)))).toEqual(a.slice(0, 10));
          const ones = a.filter((x) => t.answer(x) === "1").length;
          expect(ones, `k=${k} m=${m} n=${n}`).toBeGreaterThan(150);
          expect(ones, `k=${k} m=${m} n=${n}`).toBeLessThan(250);
        }
    // At n = 6 the generator's positives cover all of Dyck-(2,2) (32 words).
    const t = dyck(6);
    const positives = new Set(
      Array.from({ length: 3000 }, (_, s) => t.generate(new Rng(s)))
        .filter((x) => t.answer(x) === "1")
        .map((x) => x.join("")),
    );
    expect(positives.size).toBe(32);
  });

  it("negatives are near misses, as in the paper: a few substitutions from a member (n = 40, c <= n/10 = 4)", () => {
    const t = dyck(40);
    const negatives = Array.from({ length: 400 }, (_, s) => t.generate(new Rng(s))).filter((x) => t.answer(x) === "0");
    const distances = negatives.map((x) => substitutionsToMember(x.map((tok) => t.vocab.indexOf(tok))));
    expect(Math.min(...distances)).toBeGreaterThanOrEqual(1);
    // One corruption round changes at most 4 positions; a second round is rare.
    expect(distances.filter((d) => d <= 4).length).toBeGreaterThan(0.95 * negatives.length);
    // A uniformly random string is far from every member: the generator does not produce those.
    const random = new Rng(7);
    expect(substitutionsToMember(Array.from({ length: 40 }, () => random.int(4)))).toBeGreaterThan(4);
  });
});

/** The fewest substitutions that turn a word into a member of Dyck-(2,2), by dynamic programming over its DFA. */
function substitutionsToMember(word: readonly number[]): number {
  const dfa = dyckDfa(2, 2);
  let cost = Array.from({ length: dfa.states }, (_, s) => (s === dfa.start ? 0 : Infinity));
  for (const x of word) {
    const next = new Array<number>(dfa.states).fill(Infinity);
    cost.forEach((c, s) =>
      dfa.transitions[s]!.forEach((to, tok) => (next[to] = Math.min(next[to]!, c + (tok === x ? 0 : 1)))),
    );
    cost = next;
  }
  return Math.min(...cost.filter((_, s) => dfa.output[s] === 1));
}

describe("makeTask: dyck", () => {
  it("refuses odd n, bad pairs and depth, options of other tasks; rebuilds from its params", () => {
    expect(() => makeTask("dyck", 9)).toThrow(/dyck needs an even n \(no string of odd length is balanced\), got 9/);
    expect(errorOf(() => makeTask("dyck", 4, { pairs: 0 }))).toMatchObject({ code: "invalid-flag", where: "--pairs" });
    expect(errorOf(() => makeTask("dyck", 4, { pairs: 5 }))).toMatchObject({ code: "invalid-flag", where: "--pairs" });
    expect(errorOf(() => makeTask("dyck", 4, { depth: 0 }))).toMatchObject({ code: "invalid-flag", where: "--depth" });
    expect(errorOf(() => makeTask("dyck", 4, { depth: 1.5 }))).toMatchObject({
      code: "invalid-flag",
      where: "--depth",
    });
    expect(errorOf(() => makeTask("dyck", 4, { dim: 3 }))).toMatchObject({ code: "invalid-flag", where: "--dim" });
    const t = makeTask("dyck", 6, { pairs: 3, depth: 4 });
    expect(makeTask("dyck", 6, optionsFromParams("dyck", t.params)).params).toEqual({ pairs: 3, depth: 4 });
  });
});
