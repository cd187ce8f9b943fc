import { fail } from "../errors.js";
import { findResult, RESULTS, type RegistryResult } from "../registry/index.js";
import type { Task } from "../tasks/task.js";
import { assocRecallFamily } from "./assoc-recall.js";
import { indexLookupFamily } from "./index-lookup.js";
import { nearestNeighborFamily } from "./nearest-neighbor.js";
import type { OneWayFamily } from "./one-way-family.js";

/**
 * A result of the paper, from the theorem registry (src/registry). A lower bound for recurrent models says how many
 * state bits mp (`requiredStateBits`) a model needs to solve a task at length n.
 */
export type Theorem = RegistryResult;

export { indexBits } from "../registry/index.js";

/** Every result of the registry. */
export const THEOREMS: readonly Theorem[] = RESULTS;

/** The result with this id (or alias: "thm10" is Theorem 5); RangeError for an unknown id. */
export function theorem(id: string): Theorem {
  const t = findResult(id);
  if (!t) throw new RangeError(`no theorem ${id}`);
  return t;
}

/**
 * The recurrent lower bound for a task, the state bits it requires at this n, and the one-way family its reduction
 * searches over.
 */
export function recurrentBound(task: Task): { theorem: Theorem; family: OneWayFamily; requiredBits: number } {
  const k = task.labels.length;
  const of = (id: string, family: OneWayFamily, n: number) => {
    const t = theorem(id);
    return { theorem: t, family, requiredBits: t.requiredStateBits!(n, k) };
  };
  switch (task.name) {
    case "index-lookup":
      return of("thm3", indexLookupFamily(task), task.n);
    case "assoc-recall":
      return of("prop9", assocRecallFamily(task), task.n);
    case "nearest-neighbor":
      // Theorem 8's N is the number of tokens before the query, 2n: mp >= N/2 = n.
      return of("thm8", nearestNeighborFamily(task), 2 * task.n);
    default:
      // equality, disjointness and dyck go through a two-way fooling set (src/reductions/two-way-family.ts).
      return fail("invalid-flag", `${task.name} has no one-way INDEX reduction`, "--task");
  }
}
