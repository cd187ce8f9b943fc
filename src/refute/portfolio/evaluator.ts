import type { TwoWayReduction } from "../../reductions/applies.js";
import { computeCrossed } from "../feeds/crossed.js";
import { computeFoolingSet } from "../feeds/fooling-set.js";
import { computeProbe } from "../feeds/probe.js";
import { computeRho, rhoWalkerOf } from "../feeds/rho.js";
import { computeSample } from "../feeds/sample.js";
import type { SearchPlan } from "../plan.js";
import type { FeedName, WorkResult, WorkUnit } from "./feed.js";

/** Computes a plan's pure units; anyone with the plan gets the same results (this thread, a worker, a shard job). */
export interface UnitRunner {
  run(unit: WorkUnit): WorkResult;
}

/**
 * The pure units of one plan, each feed's computer built on first use (its walker, scratch buffers and compiled
 * step are then reused). Local units (dedup, sweep, period) are not computed here: their feeds do it when they accept them.
 */
export class Evaluator implements UnitRunner {
  private readonly computers = new Map<FeedName, (unit: WorkUnit) => WorkResult>();

  constructor(readonly plan: SearchPlan) {}

  run(unit: WorkUnit): WorkResult {
    let compute = this.computers.get(unit.feed);
    if (compute === undefined) {
      compute = this.computer(unit.feed);
      this.computers.set(unit.feed, compute);
    }
    return compute(unit);
  }

  private computer(name: FeedName): (unit: WorkUnit) => WorkResult {
    const plan = this.plan;
    const reduction = plan.applies.kind === "reduction" ? plan.applies.reduction : undefined;
    const collision = plan.collision;
    switch (name) {
      case "probe":
        return computeProbe(plan);
      case "crossed":
        return computeCrossed(plan, reduction as TwoWayReduction);
      case "fooling-set":
        return computeFoolingSet(plan, reduction as TwoWayReduction);
      case "sample":
        return computeSample(plan, plan.space!);
      case "rho":
        if (collision?.feed !== "rho" || !reduction || reduction.kind === "dynamics")
          throw new Error("no rho search in this plan");
        return computeRho(rhoWalkerOf(plan, reduction, collision.params));
      case "dedup":
      case "sweep":
      case "period":
        return () => ({ kind: "local" });
    }
  }
}
