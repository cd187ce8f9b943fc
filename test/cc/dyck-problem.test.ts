import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BitString } from "../../src/cc/bits.js";
import {
  dyckCompletion,
  dyckFoolingWord,
  dyckProblem,
  DYCK_SYMBOLS,
  inDyck22,
  interleave,
  oddEven,
  type DyckHalf,
} from "../../src/cc/dyck-problem.js";
import { crossedError } from "../../src/cc/fooling.js";
import { oneWay, run, type Protocol } from "../../src/cc/protocol.js";
import { transcriptBits } from "../../src/cc/transcript.js";
import { dyck, isDyck } from "../../src/tasks/dyck.js";
import { strings } from "../../src/tasks/task.js";

const text = (word: ArrayLike<number>) => Array.from(word, (s) => DYCK_SYMBOLS[s]).join("");
const SYMBOL_IDS = [0, 1, 2, 3].map(String);

/** Dyck-(2,2) at length n by backtracking over prefixes, pruning those no suffix completes (independent of S's shape). */
function language(n: number): string[] {
  const out: string[] = [];
  const word: number[] = [];
  const stack: number[] = [];
  const grow = () => {
    if (word.length === n) return void out.push(text(word));
    for (let id = 0; id < 4; id++) {
      const open = id % 2 === 0;
      if (open ? stack.length === 2 || stack.length + 1 > n - word.length - 1 : stack[stack.length - 1] !== id >> 1)
        continue;
      word.push(id);
      const popped = open ? (stack.push(id >> 1), undefined) : stack.pop();
      grow();
      word.pop();
      if (open) stack.pop();
      else stack.push(popped!);
    }
  };
  grow();
  return out;
}

const elements = (n: number) => {
  const fs = dyckProblem(n).foolingSet;
  if (fs.kind !== "two-way") throw new Error("expected a two-way fooling set");
  return { fs, all: Array.from({ length: Number(fs.size) }, (_, i) => fs.at(BigInt(i))) };
};

describe("Lemma 1: the Dyck-(2,2) odd/even problem", () => {
  it("evaluates membership of the interleaved word, agreeing with the dyck task on every input (N <= 8)", () => {
    for (let n = 2; n <= 8; n += 2) {
      const p = dyckProblem(n);
      const task = dyck(n);
      let wrong = 0;
      for (const w of strings(SYMBOL_IDS, n)) {
        const word = Uint8Array.from(w, Number);
        const [x, y] = oddEven(word);
        if (text(interleave(x, y)) !== text(word)) wrong++;
        if (String(p.evaluate(x, y)) !== task.answer(w.map((s) => task.vocab[Number(s)]!))) wrong++;
      }
      expect(wrong).toBe(0);
    }
  });

  it("the fooling set is all of Dyck-(2,2): every word hit exactly once by at(), |S| = 2^(N-1) (even N <= 16)", () => {
    for (let n = 2; n <= 16; n += 2) {
      const { fs, all } = elements(n);
      expect(fs.size).toBe(2n ** BigInt(n - 1));
      const hit = all.map(([x, y]) => text(interleave(x, y)));
      expect(new Set(hit).size).toBe(all.length);
      expect(new Set(hit)).toEqual(new Set(language(n)));
    }
  });

  it("the backtracking language agrees with filtering all 4^N strings (even N <= 10)", () => {
    for (let n = 2; n <= 10; n += 2) {
      const filtered: string[] = [];
      const word = new Uint8Array(n);
      for (let code = 0; code < 4 ** n; code++) {
        for (let i = 0, c = code; i < n; i++, c >>>= 2) word[i] = c & 3;
        if (isDyck(word, 2)) filtered.push(text(word));
      }
      expect(filtered.length).toBe(2 ** (n - 1));
      expect(new Set(filtered)).toEqual(new Set(language(n)));
    }
  });

  it("y is determined by x (the paper's key claim): at most one y per x, the one dyckCompletion gives (every x, y; N <= 8)", () => {
    for (let n = 2; n <= 8; n += 2) {
      const p = dyckProblem(n);
      const halves = [...strings(SYMBOL_IDS, n / 2)].map((h) => Uint8Array.from(h, Number));
      for (const x of halves) {
        const ys = halves.filter((y) => p.evaluate(x, y) === 1);
        const y = dyckCompletion(x);
        expect(ys).toEqual(y === undefined ? [] : [y]);
        expect(y === undefined).toBe(x[0] === 1 || x[0] === 3);
      }
    }
  });

  it("fooling property over all pairs: f = 1 on S, and both crossings of distinct elements are outside (even N <= 10)", () => {
    for (let n = 2; n <= 10; n += 2) {
      const p = dyckProblem(n);
      const { fs, all } = elements(n);
      let bad = 0;
      for (const e of all) if (p.evaluate(e[0], e[1]) !== 1) bad++;
      for (let i = 0; i < all.length; i++)
        for (let j = i + 1; j < all.length; j++) {
          const [a, b] = [all[i]!, all[j]!];
          const [x, y] = fs.cross(a, b);
          if (p.evaluate(x, y) !== 0 || p.evaluate(a[0], b[1]) !== 0 || p.evaluate(b[0], a[1]) !== 0) bad++;
        }
      expect(bad, `N=${n}`).toBe(0);
    }
  });

  it("fooling property on sampled pairs, even N up to 64 (fast-check, seed 1)", () => {
    const sample = fc
      .integer({ min: 1, max: 32 })
      .chain((half) => {
        const max = 2n ** BigInt(2 * half - 1) - 1n;
        return fc.tuple(fc.constant(2 * half), fc.bigInt({ min: 0n, max }), fc.bigInt({ min: 0n, max }));
      })
      .filter(([, i, j]) => i !== j);
    fc.assert(
      fc.property(sample, ([n, i, j]) => {
        const p = dyckProblem(n);
        const fs = p.foolingSet;
        if (fs.kind !== "two-way") throw new Error("two-way");
        const [a, b] = [fs.at(i), fs.at(j)];
        expect(p.evaluate(a[0], a[1])).toBe(1);
        expect(dyckCompletion(a[0])).toEqual(a[1]);
        const [x, y] = fs.cross(a, b);
        expect(p.evaluate(x, y)).toBe(0);
        expect(p.evaluate(b[0], a[1])).toBe(0);
      }),
      { seed: 1, numRuns: 500 },
    );
  });

  it("the bound is N - 1 bits, two-way, by Fact 4: log2 |S| (even N <= 64)", () => {
    for (let n = 2; n <= 64; n += 2) {
      const p = dyckProblem(n);
      expect(p.bound).toEqual({ bits: n - 1, protocols: "two-way", fact: "fact4" });
      expect(p.foolingSet.size).toBe(1n << BigInt(p.bound.bits));
    }
  });

  it("elements follow the paper's structure: index 0 is ( ( ) ( ) ... ), the all-cuts, all-[ index is [ ] [ ] ...", () => {
    expect(text(dyckFoolingWord(0n, 8))).toBe("(()()())");
    expect(text(dyckFoolingWord(2n ** 7n - 1n, 8))).toBe("[][][][]");
    // Cut after position 4 only (cut bits 010), types ( [ ( [ : two blocks of two pairs.
    expect(text(dyckFoolingWord((0b010n << 4n) | 0b0101n, 8))).toBe("([])([])");
    expect(inDyck22(dyckFoolingWord(12345n, 32))).toBe(true);
  });

  it("refuses odd N, indices outside S, and crossing an element with itself", () => {
    expect(() => dyckProblem(7)).toThrow(/even N/);
    const { fs, all } = elements(4);
    expect(() => fs.at(8n)).toThrow(/outside/);
    expect(() => fs.at(-1n)).toThrow(/outside/);
    expect(() => fs.cross(all[3]!, all[3]!)).toThrow(/not distinct/);
  });
});

describe("the fooling-set lemma on the Dyck problem", () => {
  it("a protocol with N - 2 bits collides on S, and crossedError returns an input it gets wrong (N = 10)", () => {
    const n = 10;
    const p = dyckProblem(n);
    const fs = p.foolingSet;
    if (fs.kind !== "two-way") throw new Error("two-way");
    // Alice sends 2 bits for each of her symbols but the last, N - 2 bits; Bob guesses that her last symbol is "(".
    const send = (x: DyckHalf) => BitString.fromCodes([...x.subarray(0, n / 2 - 1)].map(BigInt), 2);
    const decide = (m: BitString, y: DyckHalf) => p.evaluate(Uint8Array.from([...m.toCodes(2).map(Number), 0]), y);
    const protocol: Protocol<DyckHalf, DyckHalf, 0 | 1> = oneWay("x without its last symbol", send, decide);
    const seen = new Map<string, readonly [DyckHalf, DyckHalf]>();
    let errors = 0;
    for (let i = 0n; i <= 2n ** BigInt(n - 2); i++) {
      const e = fs.at(i);
      const r = run(protocol, e[0], e[1]);
      expect(r.cost).toBe(n - 2);
      const other = seen.get(transcriptBits(r.transcript).key());
      if (other) {
        const err = crossedError(p, fs, protocol, other, e);
        expect(err.run.output).not.toBe(p.evaluate(err.x, err.y));
        errors++;
      }
      seen.set(transcriptBits(r.transcript).key(), e);
    }
    // Pigeonhole: 2^(N-2) + 1 elements under 2^(N-2) transcripts.
    expect(errors).toBeGreaterThan(0);
  });
});
