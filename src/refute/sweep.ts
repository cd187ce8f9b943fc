import { forward } from "../models/model.js";
import type { Finding } from "./finding.js";
import type { SearchSpace } from "./search-space.js";

/** Largest task a plain sweep takes on. */
export const SWEEP_LIMIT = 1n << 20n;

/**
 * Every input of the task, each by one forward pass against the task's reference answer: the check for a task that
 * a reduction's family does not cover (associative recall with its keys in any order). The caller bounds the size.
 */
export function sweepTask(space: SearchSpace): { finding?: Finding; steps: number } {
  const { model, binding: b } = space;
  const task = space.family.task;
  let steps = 0;
  for (const input of task.enumerate()) {
    const answer = model.labels[forward(model, b.ids(input))]!;
    steps += input.length;
    const expected = task.answer(input);
    if (answer !== expected) return { finding: { input, expected, answer }, steps };
  }
  return { steps };
}
