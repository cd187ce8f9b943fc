import { fail } from "../errors.js";
import type { Model } from "../models/compile.js";
import { recurrentBound, theorem, type Theorem } from "../reductions/theorems.js";
import type { Task } from "../tasks/task.js";

/*
 * Which of the paper's lower bounds ccbound checks a model against on a task: the theorem a verdict and a
 * certificate cite, or one clear line saying why the paper has none.
 */

/** Tasks whose lower bound is a two-way fooling set. */
export const TWO_WAY_TASKS: readonly string[] = ["equality", "disjointness", "dyck"];

/** The lower bound a two-way reduction proves, by task and architecture (registry ids). */
const THEOREM_BY_TASK: Readonly<Record<string, { recurrent?: string; transformer: string }>> = {
  equality: { recurrent: "thm11", transformer: "thm12" },
  disjointness: { recurrent: "disj-rnn", transformer: "disj-tf1" },
  dyck: { transformer: "thm5" },
};

/** The lower bound ccbound checks a model against on a task (the theorem a certificate cites). */
export function theoremFor(model: Model, task: Task): Theorem {
  const ids = THEOREM_BY_TASK[task.name];
  if (model.kind === "transformer") return ids ? theorem(ids.transformer) : noTransformerBound(task);
  if (ids && ids.recurrent === undefined) {
    return fail(
      "unsupported",
      `the paper proves no lower bound for recurrent models on ${task.name}: Lemma 1's odd/even split needs no contiguous cut, and a 7-state DFA recognises Dyck-(2,2)`,
      "--task",
      "check a one-layer Transformer on dyck",
    );
  }
  return ids ? theorem(ids.recurrent!) : recurrentBound(task).theorem;
}

/** Index lookup and the other INDEX tasks have no lower bound for Transformers in the paper: one clear error. */
export function noTransformerBound(task: Task): never {
  const hint =
    task.name === "index-lookup"
      ? "one layer of width O(log N) solves it (Theorem 1)"
      : "Transformer bounds: equality, disjointness, dyck";
  return fail("unsupported", `the paper proves no lower bound for Transformers on ${task.name}`, "--task", hint);
}
