/**
 * The bundled examples: each a model file, the task and N it is checked at, and the verdict it must get.
 * `npx tsx scripts/make-examples.ts` writes them to examples/; a test checks the committed files are what this makes.
 */
import { equalityConstruction } from "../src/constructions/equality.js";
import { indexLookupConstruction } from "../src/constructions/index-lookup.js";
import { indexLookupDfa } from "../src/models/lookup-dfa.js";
import { randomModel } from "../src/models/random.js";
import type { ModelSpec } from "../src/models/spec.js";
import { randomTransformer } from "../src/models/random-transformer.js";
import { assocRecall } from "../src/tasks/assoc-recall.js";
import { dyck } from "../src/tasks/dyck.js";
import { indexLookup } from "../src/tasks/index-lookup.js";
import type { TaskName } from "../src/tasks/task.js";
import { countingDyck } from "../src/zoo/counting-dyck.js";
import { RANDOM_KINDS } from "../src/models/archs/index.js";
import type { RandomOptions } from "../src/models/archs/arch.js";
import { functionComposition } from "../src/tasks/function-composition.js";
import type { Task } from "../src/tasks/task.js";
import { hashEquality } from "../src/zoo/hash-equality.js";

export interface Example {
  file: string;
  task: TaskName;
  n: number;
  expect: "refuted" | "survived";
  why: string;
  spec: () => ModelSpec;
}

/** What `ccbound random-model --arch KIND --task T --n N` writes, with its defaults (one layer, one head). */
function randomFor(task: Task, o: Pick<RandomOptions, "kind" | "hidden" | "format" | "seed"> & Partial<RandomOptions>) {
  const arch = RANDOM_KINDS.find((k) => k.name === o.kind)!.arch;
  return arch.random({
    layers: 1,
    heads: 1,
    nonlinearity: "tanh",
    vocab: [...task.vocab],
    labels: [...task.labels],
    maxLength: task.inputLength,
    ...o,
  });
}

const il40 = indexLookup(40);
const ar12 = assocRecall(12);
const il16 = indexLookup(16);
const dyck8 = dyck(8);

export const EXAMPLES: readonly Example[] = [
  {
    file: "lstm-fixed1.2-index40.json",
    task: "index-lookup",
    n: 40,
    expect: "refuted",
    why: "an LSTM with 2 units in fixed:1.2 carries 16 state bits, below Theorem 3's 40",
    spec: () =>
      randomModel({ arch: "lstm", hidden: 2, format: "fixed:1.2", vocab: il40.vocab, labels: il40.labels, seed: 1 }),
  },
  {
    file: "lookup-dfa-forgets-7.json",
    task: "index-lookup",
    n: 10,
    expect: "refuted",
    why: "a DFA that stores every symbol but the 7th: right on all but 1/20 of the inputs; a collision finds the rest",
    spec: () => indexLookupDfa(10, 2, [7]),
  },
  {
    file: "lookup-dfa-10.json",
    task: "index-lookup",
    n: 10,
    expect: "survived",
    why: "a DFA that stores all 10 symbols (2049 states, 12 bits): the bound is tight, and it is right on every input",
    spec: () => indexLookupDfa(10),
  },
  {
    file: "gru-float32-index16.json",
    task: "index-lookup",
    n: 16,
    expect: "refuted",
    why: "a random float32 GRU with 128 state bits is above the bound, but untrained: it is simply wrong",
    spec: () =>
      randomModel({ arch: "gru", hidden: 4, format: "float32", vocab: il16.vocab, labels: il16.labels, seed: 7 }),
  },
  {
    file: "elman-relu-fixed2.5-recall12.json",
    task: "assoc-recall",
    n: 12,
    expect: "refuted",
    why: "a ReLU Elman network with 1 unit of 8 bits, below Proposition 9's 12 bits",
    spec: () =>
      randomModel({
        arch: "elman",
        nonlinearity: "relu",
        hidden: 1,
        format: "fixed:2.5",
        vocab: ar12.vocab,
        labels: ar12.labels,
        seed: 3,
      }),
  },
  {
    file: "transformer-fixed2.5-dyck8.json",
    task: "dyck",
    n: 8,
    expect: "refuted",
    why: "a random one-layer Transformer (d = 2, 2 heads) on Dyck-(2,2): its 154-bit Theorem 4 transcript is above Lemma 1's 7 bits, every fooling-set word gets its own, and a sweep of all 4^8 inputs finds where it is wrong",
    spec: () =>
      randomTransformer({
        width: 2,
        heads: 2,
        layers: 1,
        maxLength: 8,
        format: "fixed:2.5",
        vocab: dyck8.vocab,
        labels: dyck8.labels,
        seed: 3,
      }),
  },
  {
    file: "hash-equality-64-c16.json",
    task: "equality",
    n: 64,
    expect: "refuted",
    why: "an RNN that compares 16-bit hashes of the halves (zoo): wrong only on hash collisions, which random testing rarely meets; the fooling set (x, x) of EQ finds one",
    spec: () => hashEquality({ n: 64, bits: 16, seed: 1 }),
  },
  {
    file: "counting-dyck-32.json",
    task: "dyck",
    n: 32,
    expect: "refuted",
    why: "a one-layer Transformer that checks one position-weighted count (zoo): right on every Dyck-(2,2) word and wrong on about 0.4% of the task's inputs; two of Lemma 1's words share its transcript, and the crossed word is the error",
    spec: () => countingDyck({ n: 32 }),
  },
  {
    file: "index-lookup-construction-64.json",
    task: "index-lookup",
    n: 64,
    expect: "survived",
    why: "Theorem 1's one-layer Transformer as ccbound constructs it (width 13, 5-bit fixed point, hard attention): no lower bound applies, and check finds it right on every query of a seeded string, the separation from the RNNs above",
    spec: () => indexLookupConstruction.build(64).spec,
  },
  {
    file: "equality-construction-12.json",
    task: "equality",
    n: 12,
    expect: "survived",
    why: "Theorem 6's two-layer Transformer for EQ (width 15, 10 bits): Theorems 11 and 12 bind RNNs and one layer, not two (Corollary 13.1); check runs it on all 4,096 inputs",
    spec: () => equalityConstruction.build(12).spec,
  },
  // The function-composition writeups' models (proofs/composition-rnn.md, proofs/peng-composition.md).
  {
    file: "elman-relu-fixed2.5-compose5.json",
    task: "function-composition",
    n: 5,
    expect: "refuted",
    why: "a ReLU Elman network with 1 unit of 8 bits, below the recurrent composition bound ⌈5 log2 5⌉ = 12",
    spec: () =>
      randomFor(functionComposition(5), {
        kind: "elman",
        nonlinearity: "relu",
        hidden: 1,
        format: "fixed:2.5",
        seed: 1,
      }),
  },
  {
    file: "transformer-fixed2.5-compose16.json",
    task: "function-composition",
    n: 16,
    expect: "refuted",
    why: "a one-layer Transformer below Peng et al.'s count (24 bits against 64), on which ccbound rests no certificate (its exact protocol is interactive): simply wrong",
    spec: () => randomFor(functionComposition(16), { kind: "transformer", hidden: 2, format: "fixed:2.5", seed: 1 }),
  },
  {
    file: "transformer-fixed2.5-compose4.json",
    task: "function-composition",
    n: 4,
    expect: "refuted",
    why: "a one-layer Transformer at or above Peng et al.'s count (24 bits against 8): simply wrong",
    spec: () => randomFor(functionComposition(4), { kind: "transformer", hidden: 2, format: "fixed:2.5", seed: 8 }),
  },
];
