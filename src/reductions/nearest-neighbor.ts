import { vectorToken } from "../tasks/nearest-neighbor.js";
import type { Task } from "../tasks/task.js";
import { fail } from "../errors.js";
import type { OneWayFamily } from "./one-way-family.js";

/**
 * Theorem 8's reduction (notes §4.5), single-query form: Alice feeds n distinct hypercube keys v0..v(n-1), each with
 * a label bit, and sends the state; Bob feeds one key and reads its label, which is the nearest key's (an exact
 * match has dot product 1, any other at most 1 - 2/d: the margin assumption holds). The paper asks every key in turn
 * and decides DISJ; one query per input is INDEX, which gives the same collision argument and a certificate that is
 * one forward pass. The family fixes the key order, so it does not cover the task.
 */
export function nearestNeighborFamily(task: Task): OneWayFamily {
  const dim = task.params["dim"]!;
  if (2 ** dim < task.n)
    fail(
      "invalid-flag",
      `Theorem 8's reduction needs n distinct keys: 2^${dim} < n = ${task.n}`,
      "--dim",
      "leave --dim out for the smallest d that fits",
    );
  return {
    theorem: "thm8",
    task,
    choices: Array.from({ length: 2 * task.n }, (_, t) => (t % 2 === 0 ? [vectorToken(t / 2)] : task.labels)),
    query: (t) => [vectorToken((t - 1) / 2)],
    coversTask: false,
  };
}
