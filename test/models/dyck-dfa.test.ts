import { describe, expect, it } from "vitest";
import { compileDfa } from "../../src/models/dfa.js";
import { dyckDfa } from "../../src/models/dyck-dfa.js";
import { feed } from "../../src/models/model.js";
import { dyck, dyckVocab, isDyck } from "../../src/tasks/dyck.js";
import { strings } from "../../src/tasks/task.js";

/**
 * Walk every word up to length maxLength depth first, carrying the DFA state, and count the words where the DFA's
 * answer differs from the language's.
 */
function disagreements(pairs: number, depth: number, maxLength: number): { words: number; wrong: number } {
  const dfa = dyckDfa(pairs, depth);
  const word = new Uint8Array(maxLength);
  let words = 0;
  let wrong = 0;
  const walk = (state: number, length: number) => {
    words++;
    if ((dfa.output[state] === 1) !== isDyck(word.subarray(0, length), depth)) wrong++;
    if (length === maxLength) return;
    for (let id = 0; id < 2 * pairs; id++) {
      word[length] = id;
      walk(dfa.transitions[state]![id]!, length + 1);
    }
  };
  walk(dfa.start, 0);
  return { words, wrong };
}

/**
 * Myhill-Nerode by brute force, from the language alone: words up to length `prefix` are in one class when no suffix
 * up to length `suffix` tells them apart. Returns the number of classes and how many can still reach the language.
 */
function nerodeClasses(
  pairs: number,
  depth: number,
  prefix: number,
  suffix: number,
): { classes: number; live: number } {
  const upTo = (n: number) => Array.from({ length: n + 1 }, (_, l) => [...strings(dyckVocab(pairs), l)]).flat();
  const ids = (w: readonly string[]) => Uint8Array.from(w, (t) => dyckVocab(pairs).indexOf(t));
  const suffixes = upTo(suffix).map(ids);
  const buffer = new Uint8Array(prefix + suffix);
  const signature = (p: Uint8Array) => {
    buffer.set(p);
    return suffixes
      .map((s) => {
        buffer.set(s, p.length);
        return isDyck(buffer.subarray(0, p.length + s.length), depth) ? "1" : "0";
      })
      .join("");
  };
  const signatures = new Set(upTo(prefix).map((p) => signature(ids(p))));
  return { classes: signatures.size, live: [...signatures].filter((s) => s.includes("1")).length };
}

/** Moore's partition refinement on the DFA: the number of classes of equivalent states. */
function mooreClasses(pairs: number, depth: number): number {
  const dfa = dyckDfa(pairs, depth);
  let block = dfa.output.slice();
  for (;;) {
    const keys = block.map((b, s) => [b, ...dfa.transitions[s]!.map((t) => block[t])].join(","));
    const names = [...new Set(keys)];
    const next = keys.map((k) => names.indexOf(k));
    if (new Set(next).size === new Set(block).size) return names.length;
    block = next;
  }
}

describe("the minimal DFA of Dyck-(k, m)", () => {
  it("agrees with the dyck task's membership on every word up to length 12 (Dyck-(2,2))", () => {
    const { words, wrong } = disagreements(2, 2, 12);
    expect(words).toBe((4 ** 13 - 1) / 3);
    expect(wrong).toBe(0);
  });

  it("agrees with the language for other k and m (words up to length 8; k = 4 up to 6)", () => {
    for (const [k, m, l] of [
      [1, 1, 8],
      [1, 3, 8],
      [2, 1, 8],
      [2, 3, 8],
      [3, 2, 8],
      [4, 2, 6],
    ] as const) {
      expect(disagreements(k, m, l).wrong, `k=${k} m=${m}`).toBe(0);
    }
  });

  it("agrees with the task's reference answer, run as a compiled model, on every input of length <= 8 (Dyck-(2,2))", () => {
    const model = compileDfa(dyckDfa());
    for (let n = 2; n <= 8; n += 2) {
      const task = dyck(n);
      expect(model.vocab).toEqual(task.vocab);
      let wrong = 0;
      for (const x of task.enumerate()) {
        const state = feed(
          model,
          model.newState(),
          x.map((tok) => task.vocab.indexOf(tok)),
        );
        if (model.labels[model.readout(state)] !== task.answer(x)) wrong++;
      }
      expect(wrong).toBe(0);
    }
  });

  it("Dyck-(2,2) has 8 states: 7 stacks (the paper's count) and a dead state; Myhill-Nerode agrees", () => {
    const dfa = dyckDfa(2, 2);
    expect(dfa.states).toBe(8);
    // Words up to length 4 reach every class and suffixes up to 4 separate them; longer ones find no more.
    expect(nerodeClasses(2, 2, 4, 4)).toEqual({ classes: 8, live: 7 });
    expect(nerodeClasses(2, 2, 5, 5)).toEqual({ classes: 8, live: 7 });
    expect(mooreClasses(2, 2)).toBe(8);
    expect(Math.ceil(Math.log2(dfa.states))).toBe(Math.ceil(Math.log2(7)));
  });

  it("for other k and m: sum_{d<=m} k^d stacks plus a dead state, no two equivalent, as many as Myhill-Nerode finds", () => {
    for (const [k, m] of [
      [1, 1],
      [1, 3],
      [2, 1],
      [2, 3],
      [3, 2],
    ] as const) {
      const stacks = Array.from({ length: m + 1 }, (_, d) => k ** d).reduce((a, b) => a + b);
      expect(dyckDfa(k, m).states).toBe(stacks + 1);
      expect(mooreClasses(k, m)).toBe(stacks + 1);
      expect(nerodeClasses(k, m, m + 1, m + 1), `k=${k} m=${m}`).toEqual({ classes: stacks + 1, live: stacks });
    }
  });
});
