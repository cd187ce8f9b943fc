import type { ProblemName } from "../cc/problems.js";
import type { Theorem } from "../reductions/theorems.js";
import type { Finding } from "./finding.js";
import type { FeedName } from "./portfolio/feed.js";
import type { FeedTally, Portfolio } from "./portfolio/portfolio.js";
import type { SearchPlan } from "./plan.js";
import type { RhoReport } from "./rho/sequencer.js";
import type { PeriodReport } from "./feeds/period.js";
import type { DedupReport } from "./feeds/dedup.js";
import { periodRefutes } from "../reductions/dynamics.js";
import { relayMessages } from "../reductions/state-relay.js";
import { belowBound } from "../reductions/applies.js";

/** What applied: the reduction the search ran (with the sizes it compares), or why the paper has no bound here. */
export type Applied =
  | {
      readonly kind: "reduction";
      readonly theorem: Theorem;
      readonly problem: ProblemName;
      /** The split as --split names it. */
      readonly split: string;
      /** Bits the model sends across the split, counted from it (its state, or its Theorem 4 transcript). */
      readonly messageBits: number;
      /**
       * A recurrent model's messages: how many times its state crosses the split (1 at a cut, Theorem 2; one per change
       * of holder at a multi-pass split, the state relay). Undefined for a Transformer.
       */
      readonly stateMessages?: number;
      /** Bits the theorem requires at this task. */
      readonly requiredBits: number;
      /** Inputs the argument ranges over (Alice's strings, or the fooling set). */
      readonly inputs: bigint;
      /** Why the count guarantees no error, when it does not (belowBound is then false). */
      readonly noGuarantee?: string;
    }
  /**
   * A theorem of finite-precision dynamics whose scope holds for this model: it errs at some length (not
   * necessarily the asked one), found where its full state on 1 1 1 ... repeats.
   */
  | { readonly kind: "dynamics"; readonly theorem: Theorem; readonly stateBits: number; readonly modulus: number }
  | { readonly kind: "none"; readonly reason: string };

/** What the search did: its feeds, each with its runs and what it covered. */
export interface SearchReport {
  /** The feeds in canonical order, with the collision search's mode: "probe+fooling-set(exhaustive)+crossed". */
  readonly strategy: string;
  readonly budget: number;
  readonly seed: number;
  /** Protocol runs of all feeds together, up to the finding when there is one. */
  readonly runs: number;
  readonly feeds: readonly FeedTally[];
  readonly rho?: RhoReport;
  /** The dedup walk's bytes per kept state (src/refute/feeds/dedup.ts). */
  readonly dedup?: DedupReport;
  /** The period search's orbits: where the full state repeated, the steps Brent's method took, the state's bits. */
  readonly period?: PeriodReport;
}

export interface VerdictBase {
  readonly applied: Applied;
  readonly search: SearchReport;
}

/**
 * The verdict, a tagged union that says exactly what was established: refuted with a finding (a collision, which
 * cites the theorem, or a plain wrong answer); survived on every input of the task (exhaustive) or on k inputs of the
 * task's own distribution with no error (sampled: the 95% upper bound on the error rate is 3/k, the rule of three);
 * or inconclusive, with why and whether a larger budget can help.
 */
export type Verdict = VerdictBase &
  (
    | { readonly kind: "refuted"; readonly finding: Finding }
    | { readonly kind: "survived"; readonly mode: "exhaustive"; readonly inputs: bigint }
    | {
        readonly kind: "survived";
        readonly mode: "sampled";
        /** Independent inputs of the task's distribution, all answered rightly. */
        readonly samples: number;
        /** 3 / samples: the 95% upper bound on the model's error rate on that distribution. */
        readonly errorBound: number;
      }
    | { readonly kind: "inconclusive"; readonly reason: string; readonly budgetCanHelp: boolean }
  );

/** Below this many distribution samples, the rule of three bounds nothing (3/k >= 1). */
const MIN_SAMPLES = 4;
/** A budget past 2^MAX_USEFUL_LOG2_RUNS runs is not one anyone can run. */
const MAX_USEFUL_LOG2_RUNS = 44;

/** What a finished portfolio established. Throws (an internal error) when it contradicts the pigeonhole argument. */
export function verdictOf(plan: SearchPlan, portfolio: Portfolio): Verdict {
  const base: VerdictBase = { applied: appliedOf(plan), search: reportOf(plan, portfolio) };
  const ending = portfolio.result();
  switch (ending.kind) {
    case "finding":
      return { ...base, kind: "refuted", finding: ending.event.finding() };
    case "exhausted":
      return exhaustedVerdict(plan, base, ending.feed);
    case "gave-up":
      return { ...base, kind: "inconclusive", reason: ending.reason, budgetCanHelp: false };
    case "budget":
    case "feeds-ended":
      return budgetVerdict(plan, base);
  }
}

function appliedOf(plan: SearchPlan): Applied {
  if (plan.applies.kind === "none") return { kind: "none", reason: plan.applies.reason };
  const r = plan.applies.reduction;
  if (r.kind === "dynamics")
    return { kind: "dynamics", theorem: r.theorem, stateBits: r.stateBits, modulus: r.modulus };
  return {
    kind: "reduction",
    theorem: r.theorem,
    problem: r.problem,
    split: r.split.name,
    messageBits: r.messageBits,
    ...(r.model.kind === "recurrent" && { stateMessages: relayMessages(r.split) }),
    requiredBits: r.requiredBits,
    inputs: r.inputs,
    ...(r.noGuarantee !== undefined && { noGuarantee: r.noGuarantee }),
  };
}

function reportOf(plan: SearchPlan, portfolio: Portfolio): SearchReport {
  const rho = portfolio.rho();
  const period = portfolio.period();
  const dedup = portfolio.dedup();
  const c = plan.collision;
  const mode = (name: FeedName) =>
    name !== c?.feed
      ? name
      : c.feed === "fooling-set" || c.feed === "sample"
        ? `${name}(${c.exhaustive ? "exhaustive" : "seeded"})`
        : name;
  return {
    strategy: plan.feeds.map((f) => mode(f.name)).join("+"),
    budget: plan.budget,
    seed: plan.seed,
    runs: portfolio.runs,
    feeds: portfolio.tallies(),
    ...(rho && { rho }),
    ...(dedup && { dedup }),
    ...(period && { period }),
  };
}

/** A feed that decides the search covered what it ranges over, with no finding. */
function exhaustedVerdict(plan: SearchPlan, base: VerdictBase, feed: FeedName): Verdict {
  const applied = base.applied;
  if (feed === "period" && applied.kind === "dynamics") {
    // In the scope, every layer is monotone in its own state (a >= 0: period 1; any real a: a period dividing 2),
    // so a period that refutes the task cannot fail to come: ccbound, or the model's declared dynamics, is wrong.
    const walk = base.search.period?.walks[0]?.repeat;
    throw new Error(
      `the full state on 1^t repeats with period ${walk?.length}, which refutes nothing, yet the model is in the scope of ${applied.theorem.name}, where the period must refute counting mod ${applied.modulus}: that contradicts the theorem`,
    );
  }
  if (applied.kind === "reduction" && belowBound(applied)) {
    // Below the bound, a collision search that covers the argument's inputs must collide, and a model right on every
    // input cannot exist: either way ccbound itself is wrong (a protocol that is not the model, a miscounted bound).
    throw new Error(
      `the ${feed} feed covered everything it ranges over with no finding, yet the model sends ${applied.messageBits} bits < ${applied.requiredBits}, which ${applied.theorem.name} says cannot be: that contradicts the pigeonhole argument`,
    );
  }
  return { ...base, kind: "survived", mode: "exhaustive", inputs: plan.task.count() };
}

/**
 * The budget ran out (or every feed ended) with no finding. Below the bound an error must exist: inconclusive, with
 * what a larger budget would take. At or above it, or where no bound applies, what the probes of the task's
 * distribution show.
 */
function budgetVerdict(plan: SearchPlan, base: VerdictBase): Verdict {
  const applied = base.applied;
  if (applied.kind === "reduction" && belowBound(applied)) {
    const c = applied.messageBits;
    const half = Math.ceil(c / 2);
    const canHelp = half <= MAX_USEFUL_LOG2_RUNS;
    const reason =
      `${applied.theorem.name} guarantees an error (the model sends ${c} bits < ${applied.requiredBits}), but ${base.search.runs.toLocaleString("en")} runs found none: ` +
      `a collision is certain within 2^${c} + 1 distinct inputs and expected after about 2^${half} when messages spread; ` +
      (canHelp
        ? `raise --budget toward ${2 ** half > base.search.budget ? `2^${half}` : `2^${c} + 1`}`
        : `no budget that can be run reaches 2^${half}`);
    return { ...base, kind: "inconclusive", reason, budgetCanHelp: canHelp };
  }
  const samples = distributionSamples(plan, base.search.feeds);
  const repeat = base.search.period?.walks[0]?.repeat;
  const idle = repeat && plan.stateRepeat && !periodRefutes(plan.stateRepeat.modulus, repeat.length);
  if (samples < MIN_SAMPLES && idle && !plan.feeds.some((f) => f.name === "probe")) {
    // The period feed alone (--feeds period), on a model whose period refutes nothing: no budget changes that.
    const reason = `the state-repeat argument refutes nothing here: the full state on 1^t repeats from t = ${repeat.start} with period ${repeat.length}, and counting mod ${plan.stateRepeat!.modulus} answers t and t + ${repeat.length} ones alike; no input of the task's distribution ran (the probe feed was left out)`;
    return { ...base, kind: "inconclusive", reason, budgetCanHelp: false };
  }
  if (samples < MIN_SAMPLES) {
    const reason = `only ${samples} input${samples === 1 ? "" : "s"} of the task's distribution ran (the rule of three needs more than 3 to bound the error rate below 1); raise --budget`;
    return { ...base, kind: "inconclusive", reason, budgetCanHelp: true };
  }
  return { ...base, kind: "survived", mode: "sampled", samples, errorBound: 3 / samples };
}

/**
 * Independent inputs of the task's own distribution the search ran: the probes, and for index lookup the sampled
 * strings (drawn exactly as the task's generator draws its symbols, each with every query checked, so each is at
 * least one distribution draw). Fooling-set elements, crossed inputs and walks are searched, not sampled.
 */
function distributionSamples(plan: SearchPlan, feeds: readonly FeedTally[]): number {
  const items = (name: FeedName) => feeds.find((f) => f.name === name)?.items ?? 0;
  const r = plan.applies.kind === "reduction" ? plan.applies.reduction : undefined;
  const seededStrings =
    r?.kind === "one-way" && r.family.coversTask && !(plan.collision?.feed === "sample" && plan.collision.exhaustive);
  return items("probe") + (seededStrings ? items("sample") : 0);
}
