import { findResult, RESULTS, type RegistryResult } from "../registry/index.js";

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
