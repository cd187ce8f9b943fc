import type { TwoWayReduction } from "../../reductions/applies.js";
import { computeCrossed } from "../feeds/crossed.js";
import { computeFoolingSet } from "../feeds/fooling-set.js";
import { computeProbe } from "../feeds/probe.js";
import { computeRho, rhoWalkerOf } from "../feeds/rho.js";
import { computeSample } from "../feeds/sample.js";
import { computeSweep } from "../feeds/sweep.js";
import { steppers } from "../kernels/step.js";
import { DedupComputer, dedupLayout, type DedupLayout } from "../one-way/dedup.js";
import { kernelSamples } from "../one-way/walk-space.js";
import type { SearchPlan } from "../plan.js";
import type { FeedName, WorkResult, WorkUnit } from "./feed.js";

/** Computes a plan's units; anyone with the plan gets the same results (this thread, a worker, a shard job). */
export interface UnitRunner {
  run(unit: WorkUnit): WorkResult;
  /**
   * A partitioned feed's unit as parts for `ways` workers (each part to its worker, which keeps that part's state
   * from unit to unit), or undefined for a unit computed whole by any worker.
   */
  split?(unit: WorkUnit, ways: number): { unit: WorkUnit; worker: number }[] | undefined;
  /** The unit's result from its parts' results. */
  join?(
    unit: WorkUnit,
    parts: readonly { unit: WorkUnit; worker: number }[],
    results: readonly WorkResult[],
  ): WorkResult;
}

/**
 * The units of one plan, each feed's computer built on first use (its walker, scratch buffers, compiled step and the
 * dedup walk's kept states are then reused).
 */
export class Evaluator implements UnitRunner {
  private readonly computers = new Map<FeedName, (unit: WorkUnit) => WorkResult>();
  private layout: DedupLayout | undefined;

  constructor(readonly plan: SearchPlan) {}

  run(unit: WorkUnit): WorkResult {
    let compute = this.computers.get(unit.feed);
    if (compute === undefined) {
      compute = this.computer(unit.feed);
      this.computers.set(unit.feed, compute);
    }
    return compute(unit);
  }

  /** The dedup walk is partitioned by Alice's first symbols; every other feed's units are computed whole. */
  split(unit: WorkUnit, ways: number): { unit: WorkUnit; worker: number }[] | undefined {
    if (unit.feed !== "dedup" || ways <= 1) return undefined;
    return this.dedupLayout().split(unit, ways);
  }

  join(unit: WorkUnit, parts: readonly { unit: WorkUnit; worker: number }[], results: readonly WorkResult[]) {
    return this.dedupLayout().join(unit, parts, results);
  }

  /** Runs of a unit (its part's, for a part of the dedup walk), as a shard plans them. */
  runsOf(unit: WorkUnit): number {
    return unit.part ? this.dedupLayout().runsOf(unit) : unit.runs;
  }

  private dedupLayout(): DedupLayout {
    return (this.layout ??= dedupLayout(this.plan.space!));
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
      case "dedup": {
        const space = plan.space!;
        const { step, shared } = steppers(plan.spec, space.model, () => kernelSamples(space));
        const computer = new DedupComputer(space, this.dedupLayout(), step, plan.seed, shared, plan.budget);
        return (unit) => computer.run(unit);
      }
      case "sweep":
        return computeSweep(plan);
      case "period":
        return () => ({ kind: "local" });
    }
  }
}
