import type { ProblemName } from "../cc/problems.js";
import type { Theorem } from "../reductions/theorems.js";
import type { ModelSpec } from "../models/spec.js";
import type { Finding } from "./finding.js";
import type { SearchStats } from "./outcome.js";
import type { RhoReport } from "./rho-sequencer.js";

/** "rho": the memory-free collision walk (fooling-set tasks); "auto" picks it when a table of every run would not fit. */
export type Strategy = "auto" | "exhaustive" | "dedup" | "sample" | "rho";
export const STRATEGIES: readonly Strategy[] = ["auto", "exhaustive", "dedup", "sample", "rho"];

export interface RefuteOptions {
  strategy?: Strategy;
  /** Most Alice messages to compute (protocol runs), for every strategy; it also bounds the memory a search keeps. */
  budget?: number;
  seed?: number;
  /** rho: the most distinguished points to keep (the memory bound); the distinguished fraction follows from it. */
  maxPoints?: number;
  /** The model file the model was compiled from: lets a walk use the fast fixed-point step, and workers rebuild it. */
  spec?: ModelSpec;
  /** Told how far the search is (phase name and runs so far), for a progress line. */
  onProgress?: (phase: string, runs: number) => void;
}

export const DEFAULT_BUDGET = 1 << 20;
/** rho's default memory bound: 2^16 distinguished points (about 1 MiB of table for 64-bit points). */
export const DEFAULT_MAX_POINTS = 1 << 16;
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
  /** A rho search's trails, false alarms and memory. */
  readonly rho?: RhoReport;
}

/** The verdict: refuted with a finding, survived (with how), or inconclusive (with why). */
export type Verdict = VerdictBase &
  (
    | { readonly kind: "refuted"; readonly finding: Finding }
    /** `scope` "task": every input of the task was checked; "family": every input of the reduction's family only. */
    | {
        readonly kind: "survived";
        readonly mode: "exhaustive";
        readonly scope: "task" | "family";
        readonly inputs: bigint;
        readonly taskInputs: bigint;
      }
    | { readonly kind: "survived"; readonly mode: "sampled"; readonly samples: number }
    | { readonly kind: "inconclusive"; readonly reason: string }
  );
