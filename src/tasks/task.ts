import type { Rng } from "../random.js";

export type TaskName =
  | "index-lookup"
  | "assoc-recall"
  | "equality"
  | "disjointness"
  | "dyck"
  | "nearest-neighbor"
  | "parity"
  | "mod-count"
  | "function-composition"
  | "copy"
  | "induction-heads";
export const TASK_NAMES: readonly TaskName[] = [
  "index-lookup",
  "assoc-recall",
  "equality",
  "disjointness",
  "dyck",
  "nearest-neighbor",
  "parity",
  "mod-count",
  "function-composition",
  "copy",
  "induction-heads",
];

/**
 * A sequence task of the paper at a fixed length parameter n: its tokens, its answers (labels), a reference answer,
 * a seeded generator and, for small n, exhaustive enumeration.
 */
export interface Task {
  readonly name: TaskName;
  readonly n: number;
  /** Parameters beyond n that change the task (alphabet size, ...), as stored in certificates. */
  readonly params: Readonly<Record<string, number>>;
  /** Every token an input may contain. */
  readonly vocab: readonly string[];
  /** Every answer; for a task whose answer is a sequence (`answerTokens`), every token of one. */
  readonly labels: readonly string[];
  /**
   * Tokens in an answer when it is a sequence (copy): the model decodes this many outputs greedily after the input
   * (src/models/decode.ts), and the answer is them joined by single spaces. Absent: the answer is one label.
   */
  readonly answerTokens?: number;
  /** Tokens in one input. */
  readonly inputLength: number;
  /** The reference answer; throws CcboundError("invalid-input") when the tokens are not an instance of the task. */
  answer(tokens: readonly string[]): string;
  generate(rng: Rng): string[];
  /** Number of inputs, for deciding whether enumeration is feasible. */
  count(): bigint;
  enumerate(): Iterable<string[]>;
  /** Input k of `enumerate()` (0 <= k < count(), a safe integer), when the task has random access into it. */
  inputAt?(k: number): string[];
}

/** Symbols of an alphabet of size k: "0", "1", ..., so binary tasks read naturally. */
export function alphabet(k: number): string[] {
  return Array.from({ length: k }, (_, i) => String(i));
}

/** All strings of length n over an alphabet, in lexicographic order of indices. */
export function* strings(symbols: readonly string[], n: number): Generator<string[]> {
  const idx = new Array<number>(n).fill(0);
  for (;;) {
    yield idx.map((i) => symbols[i]!);
    let k = n - 1;
    while (k >= 0 && idx[k] === symbols.length - 1) idx[k--] = 0;
    if (k < 0) return;
    idx[k]!++;
  }
}

/** String k of `strings(symbols, n)`: k's digits in base |symbols|, most significant first. */
export function stringAt(symbols: readonly string[], n: number, k: number): string[] {
  const out = new Array<string>(n);
  for (let i = n - 1; i >= 0; i--) {
    const digit = k % symbols.length;
    out[i] = symbols[digit]!;
    k = (k - digit) / symbols.length;
  }
  return out;
}

/** Tasks made of two halves (or of balanced brackets) need an even n; makeTask turns this into a flag error first. */
export function evenLength(task: string, n: number): void {
  if (!Number.isInteger(n) || n < 2 || n % 2 !== 0) throw new RangeError(`${task} needs an even n >= 2, got ${n}`);
}
