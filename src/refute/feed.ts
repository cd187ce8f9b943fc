import { Draws, DrawSequencer, type FoolingOutcome } from "./fooling-search.js";
import type { ProgressListener } from "./outcome.js";
import { RhoSequencer } from "./rho-sequencer.js";
import type { TwoWayPlan } from "./two-way-plan.js";
import type { TwoWayResult } from "./two-way-verdict.js";
import type { Evaluator, WorkResult, WorkUnit } from "./work-unit.js";

/**
 * A two-way search cut into work units in canonical order, and put back together in that order: `next` hands out
 * the units, `accept` takes their results (in the order handed out) and says when the search is over. The units
 * can be computed anywhere; the answer is decided here, so it is the same however they were computed.
 */
export interface Feed {
  next(): WorkUnit | undefined;
  /** True when the search is over (a finding, or the budget or the family is used up). */
  accept(unit: WorkUnit, result: WorkResult): boolean;
}

export interface SearchFeed extends Feed {
  result(): TwoWayResult;
}

/**
 * Runs in a rho trail unit, about: small enough to spread over workers and to let a shard stop soon after its first
 * finding, large enough to pay for a message. A recurrent model's run takes microseconds (the fixed-point kernel),
 * a one-layer Transformer's a fraction of a millisecond, so its units are smaller.
 */
export const RUNS_PER_UNIT = { recurrent: 4096, transformer: 256 } as const;
/** Draws in a table unit (each is a full protocol run with a SHA-256 digest). */
export const DRAWS_PER_UNIT = 64;

export function feedFor(plan: TwoWayPlan, evaluator: Evaluator, onProgress?: ProgressListener): SearchFeed {
  return plan.search.kind === "rho" ? rhoFeed(plan, evaluator, onProgress) : tableFeed(plan, onProgress);
}

/** Trails per unit for a plan: about RUNS_PER_UNIT runs at 2^k runs a trail (a function of the plan: shards' blocks). */
export function trailsPerUnit(plan: TwoWayPlan): number {
  if (plan.search.kind !== "rho") return 0;
  return Math.max(1, Math.floor(RUNS_PER_UNIT[plan.ctx.model.kind] / 2 ** plan.search.params.distinguishedBits));
}

function rhoFeed(plan: TwoWayPlan, evaluator: Evaluator, onProgress?: ProgressListener): SearchFeed {
  if (plan.search.kind !== "rho") throw new Error("not a rho plan");
  const sequencer = new RhoSequencer(evaluator.rho(), plan.budget, plan.search.maxPoints, onProgress);
  const count = trailsPerUnit(plan);
  let from = 0;
  let outcome: FoolingOutcome | undefined;
  return {
    next: () => {
      const unit = { kind: "trails" as const, from, count };
      from += count;
      return unit;
    },
    accept(_unit, result) {
      if (result.kind !== "trails") throw new Error("a draws result for a rho search");
      for (const trail of result.trails) {
        if (sequencer.exhausted) break;
        outcome = sequencer.accept(trail);
        if (outcome) return true;
      }
      return sequencer.exhausted;
    },
    result: () => ({
      outcome: outcome ?? { kind: "clean", mode: "sampled", elements: sequencer.runs },
      runs: sequencer.runs,
      rho: sequencer.report(),
    }),
  };
}

function tableFeed(plan: TwoWayPlan, onProgress?: ProgressListener): SearchFeed {
  if (plan.search.kind !== "table") throw new Error("not a table plan");
  const draws = new Draws(plan.ctx.family.size, plan.budget, plan.seed, plan.search.mode);
  const sequencer = new DrawSequencer(plan.ctx.family, onProgress);
  let outcome: FoolingOutcome | undefined;
  let accepted = 0;
  return {
    next: () => {
      const first = draws.position;
      const count = Math.min(DRAWS_PER_UNIT, draws.total - first);
      return count > 0
        ? { kind: "draws" as const, first, indices: Array.from({ length: count }, () => draws.next()) }
        : undefined;
    },
    accept(unit, result) {
      if (unit.kind !== "draws" || result.kind !== "draws") throw new Error("a trails result for a table search");
      for (let i = 0; i < unit.indices.length; i++) {
        outcome = sequencer.accept(unit.indices[i]!, result.examined[i]!);
        if (outcome) return true;
      }
      accepted += unit.indices.length;
      return accepted >= draws.total;
    },
    result: () => ({ outcome: outcome ?? draws.clean(), runs: sequencer.runs }),
  };
}
