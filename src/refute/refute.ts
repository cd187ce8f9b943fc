import { fail } from "../errors.js";
import type { Model } from "../models/compile.js";
import { cutOf } from "../reductions/one-way-family.js";
import { recurrentBound } from "../reductions/theorems.js";
import type { Task } from "../tasks/task.js";
import { refuteOneWay } from "./one-way.js";
import { noTransformerBound, TWO_WAY_TASKS } from "./bound-for.js";
import { refuteTwoWay } from "./refute-two-way.js";
import type { RefuteOptions, Verdict } from "./verdict.js";

export * from "./verdict.js";
export { PROBE_SAMPLES } from "./one-way.js";

/**
 * size -> bound -> search -> finding: check any model against the lower bound for a task. Tasks whose bound comes
 * from INDEX (index lookup, associative recall, nearest neighbour) go through Theorem 2's one-way protocol and the
 * state-deduplicating search; tasks whose bound is a two-way fooling set (equality, disjointness, Dyck) through the
 * model's protocol at the reduction's split (Theorem 4 for one-layer Transformers) and the fooling-set search.
 */
export function refute(model: Model, task: Task, options: RefuteOptions & { split?: string } = {}): Verdict {
  if (TWO_WAY_TASKS.includes(task.name)) return refuteTwoWay(model, task, options);
  if (model.kind === "transformer") return noTransformerBound(task);
  const cut = cutOf(recurrentBound(task).family);
  if (options.split !== undefined && options.split !== String(cut)) {
    fail(
      "invalid-flag",
      `the INDEX reduction for ${task.name} cuts after Alice's ${cut} tokens, not at "${options.split}"`,
      "--split",
      `use --split ${cut} or leave it out`,
    );
  }
  return refuteOneWay(model, task, options);
}
