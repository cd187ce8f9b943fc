import type { TaskName } from "../tasks/task.js";
import type { Rational } from "./exact.js";
import type { Paper } from "./paper.js";

/** Every task of the paper (design: Vocabulary); src/tasks implements them one by one. */
export type RegistryTask =
  | "index-lookup"
  | "assoc-recall"
  | "dyck"
  | "equality"
  | "disjointness"
  | "threshold"
  | "nearest-neighbor"
  | "parity"
  | "mod-count"
  | "function-composition"
  | "copy"
  | "induction-heads";
export const REGISTRY_TASKS: readonly RegistryTask[] = [
  "index-lookup",
  "assoc-recall",
  "dyck",
  "equality",
  "disjointness",
  "threshold",
  "nearest-neighbor",
  "parity",
  "mod-count",
  "function-composition",
  "copy",
  "induction-heads",
];

// Every task src/tasks knows is one the registry knows (a compile-time check).
type Covers<T extends RegistryTask> = T;
export type ImplementedTask = Covers<TaskName>;

export type ResultKind = "lower" | "upper" | "tool";
/** `any`: about every protocol or model (the facts of communication complexity, Lemma 4's DFAs). */
export type Arch = "recurrent" | "transformer-1" | "transformer-2" | "any";
/** The architectures of the summary table's columns. */
export const TABLE_ARCHS = ["transformer-1", "transformer-2", "recurrent"] as const;
export type TableArch = (typeof TABLE_ARCHS)[number];
/** The communication problem a lower bound reduces from (for a Fact: the problem it is about). */
export type Problem = "INDEX" | "EQ" | "DISJ" | "DYCK";

/** The parameters a bound takes, as they enter the paper's formulas. */
export interface Params {
  /** N, the input length. */
  readonly n: bigint;
  /** p, bits of precision. */
  readonly p: bigint;
  /** |Σ|, the alphabet of index lookup and associative recall (the paper's bounds are for |Σ| = 2). */
  readonly alphabet: bigint;
  /** γ, the nearest-neighbour margin (and Lemma 2's inner-product slack). */
  readonly gamma: Rational;
  /** k, the sparsity of THRES_{k,N} (heads of Theorem 13). */
  readonly sparsity: bigint;
  /** How many times the input is read (JRT-Prompt's repetitions; 1: the paper's setting). */
  readonly passes: bigint;
}

/**
 * One evaluated (in)equality: `quantity relation value` with the value exact where it is rational. `least` is the
 * least integer value of the quantity that satisfies it (for "=", the integer the formula gives, rounded up where
 * the paper's formula is irrational). When `per` is set the value is a coefficient: cost <= 84 mH.
 */
export interface Quantity {
  readonly quantity: string;
  readonly relation: ">=" | "<=" | "=";
  /** The formula in the paper's symbols, e.g. "m >= N/p". */
  readonly formula: string;
  /** The right-hand side exactly, when it is rational. */
  readonly exact?: Rational;
  /** The right-hand side to 6 significant digits. */
  readonly approx: string;
  readonly least: bigint;
  readonly per?: string;
  /** What a reader sees: "m >= 256". */
  readonly text: string;
}

/** A result evaluated at some parameters. */
export type Evaluation =
  | {
      readonly applicable: true;
      /** "paper": the paper's formula; "derived": ccbound's exact form of it (see notes). */
      readonly source: "paper" | "derived";
      /** Headline first. */
      readonly quantities: readonly Quantity[];
      readonly notes: readonly string[];
    }
  | { readonly applicable: false; readonly why: string };

/** A file that executes the result (or will). */
export interface CodeLink {
  readonly path: string;
  /** Whether the file is in the tree today (a test checks every link marked so). */
  readonly exists: boolean;
  readonly role: string;
}

export interface RegistryResult {
  /** "thm5", "cor8.1", "fact1", or a named unnumbered result ("dyck-rnn"). */
  readonly id: string;
  /** Other ids for the same result: Theorem 5 of the main text is Theorem 10 of App. E. */
  readonly aliases: readonly string[];
  readonly name: string;
  readonly kind: ResultKind;
  readonly statement: string;
  /** The task it is about first, then any other tasks it also covers. */
  readonly task?: RegistryTask;
  readonly tasks: readonly RegistryTask[];
  readonly arch: Arch;
  readonly reducesFrom?: Problem;
  /** The bound as people write it, in the form ccbound checks (state bits for recurrent lower bounds). */
  readonly bound: string;
  /** The bound as the paper states it, when that differs from `bound`. */
  readonly paperBound?: string;
  /** Where it is in the paper. */
  readonly where: string;
  /** For recurrent lower bounds: the least mp that can solve the task at length n over an alphabet of k symbols. */
  readonly requiredStateBits?: (n: number, k: number) => number;
  /** The bound or the construction's size at these parameters; absent for results with no formula in N and p. */
  readonly evaluate?: (params: Params) => Evaluation;
  readonly code: readonly CodeLink[];
  /** proofs/<id>.md, whether written yet or not. */
  readonly writeup: string;
  /** The papers it is from, when not the paper ccbound executes (Bhattamishra et al. 2024). */
  readonly sources?: readonly Paper[];
}
