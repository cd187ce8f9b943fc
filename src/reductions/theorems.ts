import type { TaskName } from "../tasks/task.js";
import { assocRecallFamily } from "./assoc-recall.js";
import { indexLookupFamily } from "./index-lookup.js";
import type { OneWayFamily } from "./one-way-family.js";
import type { Task } from "../tasks/task.js";

/**
 * The theorem registry (the part the foundation needs; the full registry of the paper's results grows here).
 * A lower bound for recurrent models says how many state bits mp a model needs to solve a task at length n.
 */
export interface Theorem {
  readonly id: string;
  readonly name: string;
  readonly kind: "lower" | "upper" | "tool";
  readonly statement: string;
  readonly task?: TaskName;
  readonly arch: "recurrent" | "transformer-1" | "transformer-2" | "any";
  readonly reducesFrom?: "INDEX" | "EQ" | "DISJ";
  /** The bound as people write it. */
  readonly bound: string;
  /** For recurrent lower bounds: the least mp that can solve the task at length n over an alphabet of k symbols. */
  readonly requiredStateBits?: (n: number, k: number) => number;
}

/**
 * Bits a one-way message needs so that Bob can answer every query: Alice's k^n strings must get distinct messages,
 * so mp >= ceil(log2 k^n), computed exactly. For k = 2 this is the paper's N (Fact 3); for larger alphabets the same
 * counting argument gives N log2 k, which is what the search's pigeonhole guarantee rests on.
 */
export function indexBits(n: number, k: number): number {
  return (BigInt(k) ** BigInt(n) - 1n).toString(2).length;
}

export const THEOREMS: readonly Theorem[] = [
  {
    id: "thm2",
    name: "Theorem 2",
    kind: "tool",
    arch: "recurrent",
    statement: "A recurrent model with an mp-bit state that computes f gives, for every cut K, a one-way protocol of mp bits in which Bob learns f.",
    bound: "cost = mp",
  },
  {
    id: "thm3",
    name: "Theorem 3",
    kind: "lower",
    task: "index-lookup",
    arch: "recurrent",
    reducesFrom: "INDEX",
    statement: "Any recurrent model with width m and p bits of precision that solves index lookup on all sequences of length N has m >= N/p.",
    bound: "mp >= N log2|Σ|",
    requiredStateBits: indexBits,
  },
  {
    id: "prop9",
    name: "Proposition 9",
    kind: "lower",
    task: "assoc-recall",
    arch: "recurrent",
    reducesFrom: "INDEX",
    statement: "Any recurrent model with width m and p bits of precision that solves single-query associative recall on all sequences of length N has m >= N/p.",
    bound: "mp >= N log2|Σ|",
    requiredStateBits: indexBits,
  },
];

export function theorem(id: string): Theorem {
  const t = THEOREMS.find((x) => x.id === id);
  if (!t) throw new RangeError(`no theorem ${id}`);
  return t;
}

/** The recurrent lower bound for a task and the one-way family its reduction searches over. */
export function recurrentBound(task: Task): { theorem: Theorem; family: OneWayFamily } {
  switch (task.name) {
    case "index-lookup":
      return { theorem: theorem("thm3"), family: indexLookupFamily(task) };
    case "assoc-recall":
      return { theorem: theorem("prop9"), family: assocRecallFamily(task) };
  }
}
