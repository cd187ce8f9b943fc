/**
 * The models the refuter benchmark runs: the zoo of models that are almost right (wrong on few inputs) and random
 * models below the bound. Each case names c, the bits of information the model carries across the split, which sets
 * the birthday expectation 2^(c/2) and the pigeonhole bound 2^c + 1 the measured runs are set beside.
 */
import {
  compileModel,
  countingDyck,
  hashEquality,
  makeTask,
  randomModel,
  zooEntry,
  type Model,
  type ModelSpec,
  type Task,
} from "../src/index.js";
import { hashEqualityErrorRate, hashWeightsOf, type ErrorRate } from "./hash-collisions.js";

export interface RefuteCase {
  readonly id: string;
  readonly group: "hash-equality" | "counting-dyck" | "forgetful-lookup" | "partial-lookup" | "random";
  readonly spec: ModelSpec;
  readonly model: Model;
  readonly task: Task;
  /** c and what it counts; undefined: ccbound's counted message bits (known after the first search). */
  readonly c?: { readonly bits: number; readonly meaning: string };
  /** The chance that one input from the task's generator is answered wrongly, when it can be computed. */
  readonly errorRate?: ErrorRate | { readonly value: number; readonly how: "exact" };
  /** Index lookup: Theorem 2's one-way protocol, where the dedup walk and plain enumeration differ. */
  readonly oneWay: boolean;
}

function make(c: Omit<RefuteCase, "model" | "oneWay">): RefuteCase {
  return { ...c, model: compileModel(c.spec), oneWay: c.task.name === "index-lookup" };
}

/** Hash-equality with c hash bits at n = 2c + 16: halves of c + 8 bits, so the fooling set (2^(c+8)) exceeds 2^c. */
function hashCase(c: number): RefuteCase {
  const n = 2 * c + 16;
  const spec = hashEquality({ n, bits: c, seed: 1 });
  return make({
    id: `hash-equality c=${c} n=${n}`,
    group: "hash-equality",
    spec,
    task: makeTask("equality", n),
    c: { bits: c, meaning: "hash bits" },
    errorRate: hashEqualityErrorRate(hashWeightsOf(spec.positionEmbedding!, n / 2)),
  });
}

function countingDyckCase(n: number): RefuteCase {
  return make({
    id: `counting-dyck n=${n}`,
    group: "counting-dyck",
    spec: countingDyck({ n }),
    task: makeTask("dyck", n),
  });
}

/** The zoo's DFA storing every symbol but position f's: wrong only when asked for f holding 1 (1 in 2n inputs). */
function forgetfulCase(n: number, forget: number): RefuteCase {
  const entry = zooEntry("forgetful-lookup");
  return make({
    id: `forgetful-lookup n=${n} forget=${forget}`,
    group: "forgetful-lookup",
    spec: entry.build({ n, forget }),
    task: entry.task({ n }),
    errorRate: { value: 1 / (2 * n), how: "exact" },
  });
}

/** The zoo's RNN storing only the first m symbols: 2^m distinct messages, wrong on (n - m) / 2n of the inputs. */
function partialCase(n: number, m: number): RefuteCase {
  const entry = zooEntry("partial-lookup");
  return make({
    id: `partial-lookup n=${n} m=${m}`,
    group: "partial-lookup",
    spec: entry.build({ n, remember: m }),
    task: entry.task({ n }),
    c: { bits: m, meaning: "remembered symbols" },
    errorRate: { value: (n - m) / (2 * n), how: "exact" },
  });
}

/** A random model in a 4-bit fixed-point format (fixed:1.2) with hidden 2: 8 or 16 state bits, below the bound. */
function randomCase(arch: "elman" | "lstm" | "gru", taskName: "index-lookup" | "equality", n: number): RefuteCase {
  const task = makeTask(taskName, n);
  const spec = randomModel({ arch, hidden: 2, format: "fixed:1.2", vocab: task.vocab, labels: task.labels, seed: 1 });
  return make({ id: `random ${arch} h=2 fixed:1.2, ${taskName} n=${n}`, group: "random", spec, task });
}

export function refuteCases(quick: boolean): RefuteCase[] {
  const pick = <T>(full: T[], short: T[]) => (quick ? short : full);
  return [
    ...pick([8, 12, 16, 20, 24, 28, 32], [8, 16, 24]).map(hashCase),
    ...pick([16, 32, 64], [16, 32]).map(countingDyckCase),
    ...pick([4, 8, 12], [8]).map((f) => forgetfulCase(16, f)),
    ...pick([4, 8, 12, 16], [4, 8]).map((m) => partialCase(160, m)),
    randomCase("elman", "index-lookup", 32),
    randomCase("lstm", "index-lookup", 32),
    randomCase("gru", "index-lookup", 32),
    randomCase("gru", "equality", 32),
  ];
}
