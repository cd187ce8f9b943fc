/**
 * Baseline (a): random testing with fast-check, as a user would write it: fc.check over the task's own seeded
 * generator (arbitraryTaskInput), one model forward pass per run, compared with the task's reference answer.
 * endOnFailure: the first failing input is the certificate (it re-checks by one forward pass), so no shrinking runs.
 */
import fc from "fast-check";
import { bind, forward, type Model, type Task } from "../src/index.js";
import { arbitraryTaskInput } from "../src/testing/arbitraries.js";
import { millis } from "./numbers.js";

export interface RandomTestingRun {
  readonly seed: number;
  readonly found: boolean;
  /** Forward passes until the first wrong answer (inclusive), or the whole budget when none was found. */
  readonly runs: number;
  readonly ms: number;
  readonly counterexample?: string;
}

export function randomTesting(model: Model, task: Task, budget: number, seed: number): RandomTestingRun {
  const binding = bind(model, task);
  const answer = (ids: Int32Array) =>
    model.labels[model.kind === "transformer" ? model.forward(ids) : forward(model, ids)];
  let runs = 0;
  const property = fc.property(arbitraryTaskInput(task), (input) => {
    runs++;
    return answer(binding.ids(input)) === task.answer(input);
  });
  const t0 = performance.now();
  const details = fc.check(property, { numRuns: budget, seed, endOnFailure: true });
  const elapsed = millis(performance.now() - t0);
  if (!details.failed) return { seed, found: false, runs, ms: elapsed };
  return { seed, found: true, runs, ms: elapsed, counterexample: details.counterexample![0].join(" ") };
}
