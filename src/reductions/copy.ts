import { DELIMITER } from "../tasks/copy.js";
import type { Task } from "../tasks/task.js";
import type { OneWayFamily } from "./one-way-family.js";

/**
 * Copying (Jelassi et al. 2024): Alice holds the string x (the first L tokens), Bob the delimiter; Theorem 2's message
 * is the state at the delimiter, and Bob's greedy continuation is a function of it. Two strings x != x' with one
 * message get one continuation, and it differs from one of them at their first difference: one copy is wrong. The
 * family is all |Σ|^L strings, and with the delimiter they are all of the task's inputs.
 */
export function copyFamily(task: Task): OneWayFamily {
  return {
    theorem: "jelassi-copy",
    task,
    choices: Array.from({ length: task.n }, () => task.labels),
    query: () => [DELIMITER],
    continuation: true,
    coversTask: true,
  };
}
