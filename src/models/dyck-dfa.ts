import { dyckVocab } from "../tasks/dyck.js";
import type { DfaModelSpec } from "./spec.js";

/**
 * The minimal complete DFA for Dyck-(k, m) over the dyck task's vocabulary: one state per stack of at most m open
 * brackets over k types (sum_{d<=m} k^d states, the empty stack first and accepting) and one dead state for every
 * string that can no longer be completed (a wrong close, a close on an empty stack, or more than m open brackets).
 *
 * State count, checked by Myhill-Nerode in test/models/dyck-dfa.test.ts: for Dyck-(2,2) it is 1 + 2 + 4 + 1 = 8. The
 * paper's "7 states" (App. E) counts the live states only, i.e. the trim automaton without the dead state (a partial
 * DFA whose missing transitions reject). Every stack is a distinct Myhill-Nerode class (its own closing sequence
 * tells it apart) and the dead state is one more class, so no complete DFA has fewer than 8. Either way the state
 * takes ceil(log2 8) = ceil(log2 7) = 3 bits, so Lemma 4's bound is the same.
 */
export function dyckDfa(pairs = 2, depth = 2): DfaModelSpec {
  const vocab = dyckVocab(pairs);
  // Stacks listed by height, then lexicographically: state index = position in this list.
  const stacks: number[][] = [[]];
  for (let i = 0; i < stacks.length; i++) {
    const s = stacks[i]!;
    if (s.length < depth) for (let t = 0; t < pairs; t++) stacks.push([...s, t]);
  }
  const index = new Map(stacks.map((s, i) => [s.join(","), i]));
  const dead = stacks.length;
  const next = (s: readonly number[], id: number): number => {
    const type = id >> 1;
    if (id % 2 === 0) return s.length < depth ? index.get([...s, type].join(","))! : dead;
    return s.length > 0 && s[s.length - 1] === type ? index.get(s.slice(0, -1).join(","))! : dead;
  };
  return {
    ccbound: "model",
    version: 1,
    name: `Dyck-(${pairs},${depth}) minimal DFA`,
    description: `${stacks.length} stack states (the paper counts these) and one dead state`,
    arch: "dfa",
    vocab,
    labels: ["0", "1"],
    states: stacks.length + 1,
    start: 0,
    transitions: [...stacks.map((s) => vocab.map((_, id) => next(s, id))), vocab.map(() => dead)],
    output: [...stacks.map((s) => (s.length === 0 ? 1 : 0)), 0],
  };
}
