import type { DfaModelSpec } from "../../src/models/spec.js";

/**
 * A DFA with one state per token sequence up to `length` (a trie), whose output on a full sequence is `answer(tokens)`:
 * any function of inputs of one length becomes a model, for tests of what a search must find.
 */
export function trieDfa(
  vocab: readonly string[],
  labels: readonly string[],
  length: number,
  answer: (tokens: string[]) => string,
): DfaModelSpec {
  const sequences: string[][] = [[]];
  const transitions: number[][] = [];
  const output: number[] = [];
  for (let s = 0; s < sequences.length; s++) {
    const seq = sequences[s]!;
    transitions.push(vocab.map(() => 0));
    output.push(seq.length === length ? labels.indexOf(answer(seq)) : 0);
    if (seq.length < length) {
      vocab.forEach((t, i) => {
        transitions[s]![i] = sequences.length;
        sequences.push([...seq, t]);
      });
    }
  }
  return {
    ccbound: "model",
    version: 1,
    arch: "dfa",
    vocab: [...vocab],
    labels: [...labels],
    states: sequences.length,
    start: 0,
    transitions,
    output,
  };
}

/**
 * The same with prefixes merged: prefixes with one `key` share a state. Right when the answer depends on a prefix
 * only through its key (a congruence); a model that forgets what the key drops.
 */
export function quotientDfa(
  vocab: readonly string[],
  labels: readonly string[],
  length: number,
  key: (prefix: string[]) => string,
  answer: (tokens: string[]) => string,
): DfaModelSpec {
  const ids = new Map<string, number>([[`0|${key([])}`, 0]]);
  const representatives: string[][] = [[]];
  const transitions: number[][] = [];
  const output: number[] = [];
  for (let s = 0; s < representatives.length; s++) {
    const seq = representatives[s]!;
    transitions.push(vocab.map(() => 0));
    output.push(seq.length === length ? labels.indexOf(answer(seq)) : 0);
    if (seq.length === length) continue;
    vocab.forEach((t, i) => {
      const next = [...seq, t];
      const k = `${next.length}|${key(next)}`;
      let id = ids.get(k);
      if (id === undefined) {
        ids.set(k, (id = representatives.length));
        representatives.push(next);
      }
      transitions[s]![i] = id;
    });
  }
  return {
    ccbound: "model",
    version: 1,
    arch: "dfa",
    vocab: [...vocab],
    labels: [...labels],
    states: representatives.length,
    start: 0,
    transitions,
    output,
  };
}
