import { fail } from "../errors.js";
import type { Matrix, RecurrentModelSpec } from "../models/spec.js";
import { indexLookup } from "../tasks/index-lookup.js";

export interface PartialLookupOptions {
  /** Symbols before the query (binary alphabet). */
  n: number;
  /** How many leading positions it stores (1..n); default `partialLookupDefault(n)`. */
  remember?: number;
}

/** Bits of state per remembered position: 3 units (memory, query flag, answer) of a 3-bit format. */
export const PARTIAL_LOOKUP_BITS_PER_POSITION = 9;

/** The default m: the most positions whose state (9m bits) stays below Theorem 3's bound of n bits (at least 1). */
export function partialLookupDefault(n: number): number {
  return Math.max(1, Math.floor((n - 1) / PARTIAL_LOOKUP_BITS_PER_POSITION));
}

/** Format fixed:2.0: integers -4..3. L = -4 is the saturation floor the gating relies on. */
const FORMAT = "fixed:2.0";
const L = -4;

/**
 * partial-lookup: an RNN for index lookup (binary alphabet) that stores the first m symbols exactly and nothing
 * after them; asked for a later position it answers "0". It is wrong exactly when the query asks for a position
 * p > m holding "1" (a (n - m) / 2n share of the task's inputs), and its message at the cut takes 2^m values, so the
 * dedup walk collides at position m + 1, after 2^(m+1) runs, however long the string.
 *
 * Two Elman (ReLU) layers in exact integer arithmetic (fixed:2.0; nothing rounds except the deliberate saturation of
 * the embedding sum at -4). For each remembered position j the embedding has a gate a_j and two compensators b_j,
 * b'_j; token "1" adds 0 to a_j, "0" adds -1, and the position adds 1 at j and -4 elsewhere, so a_j is the bit at j
 * and saturates to exactly -4 at every other position whatever the token. The compensators are 0 at j and -2
 * elsewhere, so memory unit j computes relu(h_j + a_j - b_j - b'_j): it takes the bit at j and keeps h_j unchanged
 * after (the running sum -4, -2, 0 stays inside the format). A query flag per j is 1 on the token @j. The second
 * layer answers r_j = relu(h_j + flag_j - 1), and the head reads logit1 = 2 sum_j r_j - 1 against 0: never a tie.
 */
export function partialLookup(o: PartialLookupOptions): RecurrentModelSpec {
  const { n } = o;
  if (!Number.isInteger(n) || n < 1) fail("invalid-flag", `partial-lookup needs a whole n >= 1, got ${n}`, "--n");
  const m = o.remember ?? partialLookupDefault(n);
  if (!Number.isInteger(m) || m < 1 || m > n)
    fail("invalid-flag", `--remember must be 1..${n}, got ${m}`, "--remember");
  const task = indexLookup(n);
  const d = 4 * m; // a_j, b_j, b'_j at 3j..3j+2; the query flag of j at 3m + j
  const row = (f: (c: number) => number) => Array.from({ length: d }, (_, c) => f(c));
  const isQuery = (c: number) => c >= 3 * m;
  const embedding: Matrix = task.vocab.map((token) =>
    row((c) => {
      if (isQuery(c)) return token === `@${c - 3 * m + 1}` ? 1 : L;
      return token === "0" && c % 3 === 0 ? -1 : 0;
    }),
  );
  // n symbol positions, then the query's: every position but j gates a_j shut and adds -2 to each compensator.
  const positionEmbedding: Matrix = Array.from({ length: n + 1 }, (_, t) =>
    row((c) => {
      if (isQuery(c)) return 0;
      const j = Math.floor(c / 3);
      if (t === j) return c % 3 === 0 ? 1 : 0;
      return c % 3 === 0 ? L : L / 2;
    }),
  );
  const zeros = (r: number, c: number): Matrix => Array.from({ length: r }, () => new Array<number>(c).fill(0));
  const memoryIn = zeros(2 * m, d);
  const memoryHh = zeros(2 * m, 2 * m);
  for (let j = 0; j < m; j++) {
    memoryIn[j]!.splice(3 * j, 3, 1, -1, -1);
    memoryIn[m + j]![3 * m + j] = 1;
    memoryHh[j]![j] = 1;
  }
  const answerIn = zeros(m, 2 * m);
  for (let j = 0; j < m; j++) answerIn[j]![j] = answerIn[j]![m + j] = 1;
  return {
    ccbound: "model",
    version: 1,
    name: `partial-lookup n=${n} remember=${m}`,
    description: `index lookup storing only the first ${m} of ${n} symbols: answers "0" for later positions`,
    vocab: [...task.vocab],
    labels: [...task.labels],
    arch: "recurrent",
    format: FORMAT,
    embedding,
    positionEmbedding,
    layers: [
      {
        cell: "elman",
        nonlinearity: "relu",
        hidden: 2 * m,
        weight_ih: memoryIn,
        weight_hh: memoryHh,
        bias_ih: new Array(2 * m).fill(0),
        bias_hh: new Array(2 * m).fill(0),
      },
      {
        cell: "elman",
        nonlinearity: "relu",
        hidden: m,
        weight_ih: answerIn,
        weight_hh: zeros(m, m),
        bias_ih: new Array(m).fill(-1),
        bias_hh: new Array(m).fill(0),
      },
    ],
    head: { weight: [new Array<number>(m).fill(0), new Array<number>(m).fill(2)], bias: [0, -1] },
  };
}
