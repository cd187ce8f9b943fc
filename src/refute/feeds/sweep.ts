import { answerOf, wrongAnswer } from "../finding.js";
import type { Feed, WorkResult, WorkUnit } from "../portfolio/feed.js";
import type { SearchPlan } from "../plan.js";
import type { Task } from "../../tasks/task.js";
import { answersFeed, wrongOffsets } from "./answers.js";

/**
 * Every input of the task, in the task's order, each by one forward pass against the reference answer: for tasks
 * small enough (SWEEP_LIMIT), so that a model right on all of them survives exhaustively. Draw k is the task's
 * input k, so a unit is computed anywhere.
 */
export function sweepFeed(plan: SearchPlan): Feed {
  const at = inputsOf(plan.task);
  return answersFeed(
    "sweep",
    (k) => wrongAnswer(plan.model, plan.binding, plan.task, at(k), "sweep"),
    plan.task.count(),
  );
}

/** A sweep unit's result: the first of its inputs the model answers wrongly. */
export function computeSweep(plan: SearchPlan): (unit: WorkUnit) => WorkResult {
  const at = inputsOf(plan.task);
  const end = Number(plan.task.count());
  return (unit) =>
    wrongOffsets(
      unit,
      (k) => {
        const input = at(k);
        return answerOf(plan.model, plan.binding, input) !== plan.task.answer(input);
      },
      end,
    );
}

/**
 * Input k of the task's enumeration: by the task's own random access when it has one (strings over a vocabulary),
 * else by walking the enumeration, from where the last call left it (so a run of consecutive inputs costs one walk).
 */
export function inputsOf(task: Task): (k: number) => string[] {
  if (task.inputAt) return (k) => task.inputAt!(k);
  let inputs = task.enumerate()[Symbol.iterator]();
  let position = 0;
  return (k) => {
    if (k < position) {
      inputs = task.enumerate()[Symbol.iterator]();
      position = 0;
    }
    for (; position < k; position++) inputs.next();
    const next = inputs.next();
    position++;
    if (next.done) throw new RangeError(`the task has no input ${k}`);
    return next.value;
  };
}
