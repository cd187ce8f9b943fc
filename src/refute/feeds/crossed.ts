import type { TwoWayReduction } from "../../reductions/applies.js";
import { drawRng, randomBelow, STREAM } from "../draws.js";
import { answerOf, wrongAnswer } from "../finding.js";
import type { Feed, WorkResult, WorkUnit } from "../portfolio/feed.js";
import type { SearchPlan } from "../plan.js";
import { answersFeed, wrongOffsets } from "./answers.js";

/**
 * The theorem's hard negatives: draw k is a pair of distinct fooling-set elements, uniform, and its crossed input
 * (Alice's part of one, Bob's of the other), which the task answers differently from every element. A model that
 * answers "1" to everything is right on all of EQ's pairs (x, x) and wrong on every crossed input.
 */
export function crossedInput(plan: SearchPlan, r: TwoWayReduction, k: number): string[] {
  const rng = drawRng(plan.seed, STREAM.crossed, k);
  const size = r.family.size;
  const i = randomBelow(rng, size);
  // The second element uniform among the others.
  const j = (i + 1n + randomBelow(rng, size - 1n)) % size;
  return r.family.crossed(i, j);
}

export function crossedFeed(plan: SearchPlan, r: TwoWayReduction): Feed {
  return answersFeed("crossed", (k) =>
    wrongAnswer(plan.model, plan.binding, plan.task, crossedInput(plan, r, k), "crossed"),
  );
}

export function computeCrossed(plan: SearchPlan, r: TwoWayReduction): (unit: WorkUnit) => WorkResult {
  return (unit) =>
    wrongOffsets(unit, (k) => {
      const input = crossedInput(plan, r, k);
      return answerOf(plan.model, plan.binding, input) !== plan.task.answer(input);
    });
}
