import type { ProblemName } from "../cc/problems.js";
import type { Theorem } from "../reductions/theorems.js";
import type { Finding } from "./finding.js";
import type { SearchStats } from "./outcome.js";

export type Strategy = "auto" | "exhaustive" | "dedup" | "sample";
export const STRATEGIES: readonly Strategy[] = ["auto", "exhaustive", "dedup", "sample"];

export interface RefuteOptions {
  strategy?: Strategy;
  /** Most Alice messages to compute (protocol runs), for every strategy; it also bounds the memory a search keeps. */
  budget?: number;
  seed?: number;
  /** Told how far the search is (phase name and runs so far), for a progress line. */
  onProgress?: (phase: string, runs: number) => void;
}

export const DEFAULT_BUDGET = 1 << 20;
/** Largest family plain enumeration takes on. */
export const EXHAUSTIVE_LIMIT = 1n << 24n;

export interface VerdictBase {
  readonly theorem: Theorem;
  /**
   * Bits the model sends across the split: its state (Theorem 2), or its Theorem 4 transcript (one-layer
   * Transformers), counted from the messages.
   */
  readonly messageBits: number;
  /** The split: the cut K, or "odd-even". */
  readonly split: string;
  /**
   * The communication problem the bound reduces from, and the inputs its argument ranges over: Alice's strings of
   * the INDEX family (one-way), or the fooling set (two-way). Fewer message bits than log2 of that count force two of
   * them to share a transcript.
   */
  readonly reduction: { readonly problem: ProblemName; readonly inputs: bigint };
  /** Bits the theorem requires at this n. */
  readonly requiredBits: number;
  /** The strategies that ran, in order: "dedup", or for auto e.g. "probe+dedup+sample"; "+sweep" when the task was swept. */
  readonly strategy: string;
  readonly stats: SearchStats;
  readonly seed: number;
}

/** The verdict: refuted with a finding, survived (with how), or inconclusive (with why). */
export type Verdict = VerdictBase &
  (
    | { readonly kind: "refuted"; readonly finding: Finding }
    /** `scope` "task": every input of the task was checked; "family": every input of the reduction's family only. */
    | { readonly kind: "survived"; readonly mode: "exhaustive"; readonly scope: "task" | "family"; readonly inputs: bigint; readonly taskInputs: bigint }
    | { readonly kind: "survived"; readonly mode: "sampled"; readonly samples: number }
    | { readonly kind: "inconclusive"; readonly reason: string }
  );

