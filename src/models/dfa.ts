import { argmax, type RecurrentModel } from "./model.js";
import type { DfaModelSpec } from "./spec.js";

/** A DFA as a recurrent model with a time-invariant step (Lemma 4): one state value of ceil(log2 states) bits. */
export function compileDfa(spec: DfaModelSpec): RecurrentModel {
  const vocab = spec.vocab.length;
  // Filled row by row: Array#flat on millions of entries is far slower than the loop.
  const table = new Int32Array(spec.states * vocab);
  spec.transitions.forEach((row, s) => table.set(row, s * vocab));
  const bits = Math.ceil(Math.log2(spec.states));
  const logitBuf = new Float64Array(spec.labels.length);
  const logits = (state: Float64Array) => {
    logitBuf.fill(0);
    logitBuf[spec.output[state[0]!]!] = 1;
    return logitBuf;
  };
  return {
    kind: "recurrent",
    vocab: spec.vocab,
    labels: spec.labels,
    stateUnits: 1,
    unitBits: bits,
    formatName: "dfa",
    // The transition table and the output map, each entry an index.
    parameterBits: spec.states * vocab * bits + spec.states * Math.ceil(Math.log2(Math.max(2, spec.labels.length))),
    newState: () => Float64Array.of(spec.start),
    step(state, token) {
      // Time-invariant (Lemma 4): the position is not read.
      state[0] = table[state[0]! * vocab + token]!;
    },
    readout: (state) => argmax(logits(state)),
    logits,
    encodeUnit: (v) => BigInt(v),
    decodeUnit: (c) => Number(c),
    // A transition table, read by no position: finite-state and time-invariant, and no diagonal.
    dynamics: { timeInvariant: true, layers: [{ cell: "dfa" }] },
  };
}
