import { drawRng, STREAM } from "../draws.js";
import { answerOf, wrongAnswer } from "../finding.js";
import type { Feed, WorkResult, WorkUnit } from "../portfolio/feed.js";
import type { SearchPlan } from "../plan.js";
import { answersFeed, wrongOffsets } from "./answers.js";

/**
 * The task's own generator (the paper's data mix, seeded): draw k is task.generate on the k-th keyed generator. An
 * inaccurate model falls here in a few runs, and these are the only inputs drawn from the task's distribution, so
 * a survival by sampling rests on them (the rule of three: no error in k draws bounds the error rate by 3/k at 95%).
 */
export function probeInput(plan: SearchPlan, k: number): string[] {
  return plan.task.generate(drawRng(plan.seed, STREAM.probe, k));
}

export function probeFeed(plan: SearchPlan): Feed {
  return answersFeed("probe", (k) => wrongAnswer(plan.model, plan.binding, plan.task, probeInput(plan, k), "probe"));
}

/** A probe unit's result: which of its draws the model answers wrongly. */
export function computeProbe(plan: SearchPlan): (unit: WorkUnit) => WorkResult {
  return (unit) =>
    wrongOffsets(unit, (k) => {
      const input = probeInput(plan, k);
      return answerOf(plan.model, plan.binding, input) !== plan.task.answer(input);
    });
}
