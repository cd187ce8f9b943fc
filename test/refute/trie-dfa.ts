import type { DfaModelSpec } from "../../src/models/spec.js";

/**
 * A DFA with one state per token sequence up to `length` (a trie), whose output on a full sequence is `answer(tokens)`:
 * any function of inputs of one length becomes a model, for tests of what a search must find.
 */
export function trieDfa(vocab: readonly string[], labels: readonly string[], length: number, answer: (tokens: string[]) => string): DfaModelSpec {
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
  return { ccbound: "model", version: 1, arch: "dfa", vocab: [...vocab], labels: [...labels], states: sequences.length, start: 0, transitions, output };
}
