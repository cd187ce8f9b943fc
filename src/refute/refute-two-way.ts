import type { Model } from "../models/compile.js";
import type { Task } from "../tasks/task.js";
import { foolingSearch } from "./fooling-search.js";
import { RhoWalker } from "./rho.js";
import { RhoSequencer } from "./rho-sequencer.js";
import { planTwoWay, type TwoWayOptions, type TwoWayPlan } from "./two-way-plan.js";
import { twoWayVerdict, type TwoWayResult } from "./two-way-verdict.js";
import type { Verdict } from "./verdict.js";
import { walkSpace } from "./walk-space.js";

export { answerOf } from "./two-way-verdict.js";

/**
 * size -> bound -> search -> finding, for the tasks whose lower bound is a two-way fooling set (EQ, DISJ, Lemma 1's
 * Dyck set): the model's protocol at the reduction's split (Theorem 4 for a one-layer Transformer, Theorem 2 for a
 * recurrent model, whose split must then be a cut), run on the fooling set, in this thread.
 */
export function refuteTwoWay(model: Model, task: Task, options: TwoWayOptions = {}): Verdict {
  const plan = planTwoWay(model, task, options);
  const progress = options.onProgress;
  return twoWayVerdict(
    plan,
    runTwoWay(plan, progress && ((runs) => progress(plan.search.kind === "rho" ? "rho" : "fooling-set", runs))),
  );
}

/** The plan's search in this thread: the reference every parallel or sharded run must agree with. */
export function runTwoWay(plan: TwoWayPlan, onProgress?: (runs: number) => void): TwoWayResult {
  const { ctx, budget, seed, search } = plan;
  if (search.kind === "table")
    return foolingSearch(ctx.protocol, ctx.family, ctx.binding, budget, seed, onProgress, search.mode);
  const walker = rhoWalker(plan);
  const sequencer = new RhoSequencer(walker, budget, search.maxPoints, onProgress);
  for (let j = 0; !sequencer.exhausted; j++) {
    const found = sequencer.accept(walker.trail(j));
    if (found) return { outcome: found, runs: sequencer.runs, rho: sequencer.report() };
  }
  return {
    outcome: { kind: "clean", mode: "sampled", elements: sequencer.runs },
    runs: sequencer.runs,
    rho: sequencer.report(),
  };
}

export function rhoWalker(plan: TwoWayPlan): RhoWalker {
  if (plan.search.kind !== "rho") throw new Error("not a rho plan");
  return new RhoWalker(walkSpace(plan.ctx, plan.seed)!, plan.search.params);
}
