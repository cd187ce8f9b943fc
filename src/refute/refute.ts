import { fail } from "../errors.js";
import { stateBits, type RecurrentModel } from "../models/model.js";
import { familySize } from "../reductions/one-way-family.js";
import { recurrentBound, type Theorem } from "../reductions/theorems.js";
import type { Task } from "../tasks/task.js";
import { dedupSearch } from "./dedup.js";
import { exhaustiveSearch } from "./exhaustive.js";
import { findingOf, type Finding } from "./finding.js";
import type { SearchResult, SearchStats } from "./outcome.js";
import { sampleSearch } from "./sample.js";
import { searchSpace } from "./search-space.js";

export type Strategy = "auto" | "exhaustive" | "dedup" | "sample";
export const STRATEGIES: readonly Strategy[] = ["auto", "exhaustive", "dedup", "sample"];

export interface RefuteOptions {
  strategy?: Strategy;
  /** Most Alice messages to compute (protocol runs); also the most states a dedup level may hold. */
  budget?: number;
  seed?: number;
}

export const DEFAULT_BUDGET = 1 << 20;
/** Largest family plain enumeration takes on. */
export const EXHAUSTIVE_LIMIT = 1n << 24n;

interface VerdictBase {
  readonly theorem: Theorem;
  /** Bits the model carries across the cut: its state. */
  readonly stateBits: number;
  /** Bits the theorem requires at this n. */
  readonly requiredBits: number;
  /** The strategy that produced the verdict ("dedup+sample" when auto fell back). */
  readonly strategy: string;
  readonly stats: SearchStats;
  readonly seed: number;
}

/** The verdict: refuted with a finding, survived (with how), or inconclusive (with why). */
export type Verdict = VerdictBase &
  (
    | { readonly kind: "refuted"; readonly finding: Finding }
    | { readonly kind: "survived"; readonly mode: "exhaustive"; readonly inputs: bigint }
    | { readonly kind: "survived"; readonly mode: "sampled"; readonly samples: number }
    | { readonly kind: "inconclusive"; readonly reason: string }
  );

/** size -> bound -> search -> finding: check a recurrent model against the lower bound for a task. */
export function refute(model: RecurrentModel, task: Task, options: RefuteOptions = {}): Verdict {
  const { theorem, family } = recurrentBound(task);
  const space = searchSpace(model, family);
  const budget = options.budget ?? DEFAULT_BUDGET;
  const seed = options.seed ?? 0;
  const strategy = options.strategy ?? "auto";
  const base = { theorem, stateBits: stateBits(model), requiredBits: theorem.requiredStateBits!(task.n), seed };

  const { result, used } = search(space, strategy, budget, seed, base.stateBits < base.requiredBits);
  const stats = result.stats;
  const outcome = result.outcome;
  switch (outcome.kind) {
    case "collision":
    case "wrong-answer":
      return { ...base, strategy: used, stats, kind: "refuted", finding: findingOf(space, outcome)! };
    case "clean":
      if (outcome.mode === "exhaustive") return { ...base, strategy: used, stats, kind: "survived", mode: "exhaustive", inputs: outcome.inputs };
      if (base.stateBits < base.requiredBits) {
        const reason = `${theorem.name} guarantees an error (state ${base.stateBits} bits < ${base.requiredBits}), but ${outcome.samples} samples found none; raise --budget`;
        return { ...base, strategy: used, stats, kind: "inconclusive", reason };
      }
      return { ...base, strategy: used, stats, kind: "survived", mode: "sampled", samples: outcome.samples };
    case "gave-up":
      return { ...base, strategy: used, stats, kind: "inconclusive", reason: outcome.reason };
  }
}

type Space = ReturnType<typeof searchSpace>;

/** Samples a model at or above the bound gets before the dedup walk: untrained models are wrong almost anywhere. */
export const PROBE_SAMPLES = 64;

function search(space: Space, strategy: Strategy, budget: number, seed: number, below: boolean): { result: SearchResult; used: string } {
  switch (strategy) {
    case "exhaustive": {
      const size = familySize(space.family);
      if (size > EXHAUSTIVE_LIMIT) {
        fail("too-large", `exhaustive search over ${size} inputs is over the limit of 2^24`, "--strategy", "use --strategy dedup or sample");
      }
      return { result: exhaustiveSearch(space), used: "exhaustive" };
    }
    case "dedup":
      return { result: dedupSearch(space, budget), used: "dedup" };
    case "sample":
      return { result: sampleSearch(space, budget, seed), used: "sample" };
    case "auto":
      return autoSearch(space, budget, seed, below);
  }
}

/**
 * Below the bound, the theorem's own argument comes first: the dedup walk must end in a collision. At or above it,
 * a short probe finds the plain errors of untrained models at once (dedup checks answers only after the last
 * position). Then dedup, then sampling with what is left of the budget when dedup runs out of room.
 */
function autoSearch(space: Space, budget: number, seed: number, below: boolean): { result: SearchResult; used: string } {
  const steps: string[] = [];
  const total = { runs: 0, steps: 0 };
  const attempt = (name: string, f: () => SearchResult) => {
    const r = f();
    steps.push(name);
    total.runs += r.stats.runs;
    total.steps += r.stats.steps;
    return { result: { outcome: r.outcome, stats: { ...total } }, used: steps.join("+") };
  };
  if (!below) {
    const probe = attempt("probe", () => sampleSearch(space, Math.min(PROBE_SAMPLES, budget), seed));
    if (probe.result.outcome.kind !== "clean") return probe;
  }
  const dedup = attempt("dedup", () => dedupSearch(space, budget));
  if (dedup.result.outcome.kind !== "gave-up") return dedup;
  return attempt("sample", () => sampleSearch(space, Math.max(1, budget - total.runs), seed));
}
