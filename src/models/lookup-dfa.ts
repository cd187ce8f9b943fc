import { alphabet } from "../tasks/task.js";
import { positionToken } from "../tasks/index-lookup.js";
import type { DfaModelSpec } from "./spec.js";

/**
 * A DFA for index lookup that stores the symbols it reads: one state per prefix (a trie of sum_t k^t states) and one
 * answer state per symbol. It solves index lookup at length n exactly, with n*log2(k) + O(1) state bits: the
 * recurrent bound of Theorem 3 is tight. With `forget`, the symbols at those 1-based positions are stored as "0",
 * which gives a model that is wrong only on inputs that ask for a forgotten position holding another symbol.
 */
export function indexLookupDfa(n: number, k = 2, forget: readonly number[] = []): DfaModelSpec {
  const symbols = alphabet(k);
  const vocab = [...symbols, ...Array.from({ length: n }, (_, i) => positionToken(i + 1))];
  const levelStart: number[] = [0];
  for (let t = 0; t < n; t++) levelStart.push(levelStart[t]! + k ** t);
  const answers = levelStart[n]! + k ** n; // first answer state
  const states = answers + k;
  const forgotten = new Set(forget.map((p) => p - 1));
  const transitions: number[][] = [];
  for (let t = 0; t <= n; t++) {
    for (let v = 0; v < k ** t; v++) {
      transitions.push(
        vocab.map((_, token) => {
          if (token < k) return t < n ? levelStart[t + 1]! + v * k + (forgotten.has(t) ? 0 : token) : answers;
          if (t < n) return answers; // a position token before the end: no valid input does this
          return answers + digit(v, k, n, token - k);
        }),
      );
    }
  }
  for (let a = 0; a < k; a++) transitions.push(vocab.map(() => answers + a));
  const output = Array.from({ length: states }, (_, s) => (s >= answers ? s - answers : 0));
  return {
    ccbound: "model",
    version: 1,
    name: `index-lookup DFA n=${n} k=${k}${forget.length ? ` forgetting positions ${forget.join(",")}` : ""}`,
    arch: "dfa",
    vocab,
    labels: symbols,
    states,
    start: 0,
    transitions,
    output,
  };
}

/** Digit i (0-based from the first symbol read) of the base-k number v with n digits. */
function digit(v: number, k: number, n: number, i: number): number {
  return Math.floor(v / k ** (n - 1 - i)) % k;
}
