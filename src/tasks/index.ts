import { fail } from "../errors.js";
import { assocRecall } from "./assoc-recall.js";
import { indexLookup } from "./index-lookup.js";
import { MAX_DIM } from "../limits.js";
import { TASK_NAMES, type Task } from "./task.js";

export * from "./task.js";
export { indexLookup, positionToken } from "./index-lookup.js";
export { assocRecall, keyToken } from "./assoc-recall.js";

/** Largest n a task is built for: its vocabulary grows with n and must fit a model (MAX_DIM tokens). */
export const MAX_N = MAX_DIM;

export interface TaskOptions {
  alphabet?: number;
}

/** Build a task from user input, with one clear error for each bad value. */
export function makeTask(name: string, n: number, options: TaskOptions = {}): Task {
  if (!(TASK_NAMES as readonly string[]).includes(name)) {
    fail("invalid-flag", `unknown task "${name}"`, "--task", `one of ${TASK_NAMES.join(", ")}`);
  }
  if (!Number.isInteger(n) || n < 1) fail("invalid-flag", `n must be a whole number >= 1, got ${n}`, "--n");
  if (n > MAX_N) fail("too-large", `n = ${n} is over the largest supported n (${MAX_N})`, "--n");
  const k = options.alphabet ?? 2;
  if (!Number.isInteger(k) || k < 2 || k > 256) fail("invalid-flag", `alphabet size must be 2..256, got ${k}`, "--alphabet");
  const task = name === "index-lookup" ? indexLookup(n, k) : assocRecall(n, k);
  if (task.vocab.length > MAX_DIM) {
    fail("too-large", `${name} at n = ${n} needs ${task.vocab.length} tokens, more than a model can have (${MAX_DIM})`, "--n");
  }
  return task;
}
