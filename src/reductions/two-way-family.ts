import { DYCK_SYMBOLS, dyckProblem, interleave } from "../cc/dyck-problem.js";
import { disjProblem, eqProblem, type Bits, type Problem, type ProblemName } from "../cc/problems.js";
import { fail } from "../errors.js";
import { SEPARATOR } from "../tasks/equality.js";
import type { Task } from "../tasks/task.js";
import { inductionHeadsFamily } from "./induction-heads.js";
import { oddEvenSplit, repeatedCut, type Split } from "./split.js";

/**
 * A two-way fooling set of a communication problem, pulled back to a task's inputs through the reduction's input
 * maps (Alice's part and Bob's part of the task's tokens, at the reduction's split). Every element has the task's
 * answer `value`; for two distinct elements, `crossed` puts Alice's part of one with Bob's part of the other, and the
 * task answers it differently. A deterministic protocol that sends one transcript on two elements sends it on the
 * crossed input too (rectangles), so it answers the crossed input as it answers the elements: wrongly for one.
 */
export interface TwoWayFamily {
  readonly problem: ProblemName;
  readonly task: Task;
  readonly split: Split;
  readonly size: bigint;
  /** The task's answer on every element. */
  readonly value: string;
  /** Any deterministic protocol at this split needs at least this many bits (log2 of the fooling set's size). */
  readonly boundBits: number;
  element(i: bigint): string[];
  crossed(i: bigint, j: bigint): string[];
  /**
   * A one-way family run at a split (INDEX to induction heads, induction-heads.ts): Alice's messages do not depend
   * on Bob's input, so two elements with one transcript keep it under any one of Bob's inputs; this gives the two
   * inputs with Bob's query where their strings differ, which the task answers differently. Absent: two-way.
   */
  queried?(i: bigint, j: bigint): [string[], string[]];
  /**
   * Why the protocol's count gives no pigeonhole guarantee for this family, when it does not (a one-way argument
   * run through an interactive protocol): a collision found is still a proof, but none found contradicts nothing.
   */
  readonly noGuarantee?: string;
}

/** The fooling set for a task, with the split its reduction uses; an error for tasks with no two-way reduction. */
export function twoWayFamily(task: Task): TwoWayFamily {
  switch (task.name) {
    case "equality": {
      // EQ on the halves (Fact 2); with a separator, Bob holds it with his half. INEQ's value is 0, EQ's 1.
      const half = task.n / 2;
      const separator = task.params["separator"] === 1;
      const tokens = (x: Bits, y: Bits) => [...bitTokens(x), ...(separator ? [SEPARATOR] : []), ...bitTokens(y)];
      return readKTimes(eqProblem(half), task, half, tokens, task.params["ineq"] === 1 ? "0" : "1");
    }
    case "disjointness":
      // DISJ on the halves (Fact 1): the elements (x, not x) are disjoint, value "0".
      return readKTimes(disjProblem(task.n / 2), task, task.n / 2, (x, y) => [...bitTokens(x), ...bitTokens(y)], "0");
    case "dyck": {
      if (task.params["pairs"] !== 2 || task.params["depth"] !== 2) {
        fail(
          "unsupported",
          `Lemma 1's fooling set is for Dyck-(2,2); this task is Dyck-(${task.params["pairs"]},${task.params["depth"]})`,
          "--task",
        );
      }
      const symbols = (x: Uint8Array, y: Uint8Array) => Array.from(interleave(x, y), (s) => DYCK_SYMBOLS[s]!);
      return pulledBack(dyckProblem(task.n), task, oddEvenSplit(task.n), symbols, "1");
    }
    case "induction-heads":
      return inductionHeadsFamily(task);
    default:
      return fail(
        "unsupported",
        `${task.name} has no two-way fooling-set reduction here`,
        "--task",
        "use equality, disjointness or dyck",
      );
  }
}

/**
 * A halves problem pulled back to a task read `passes` times (one pass: the task itself): every element and crossed
 * input is one copy repeated, and Alice holds the first `half` tokens of every copy (her half each time it is read).
 */
function readKTimes<X, Y>(
  problem: Problem<X, Y>,
  task: Task,
  half: number,
  tokens: (x: X, y: Y) => string[],
  value: string,
): TwoWayFamily {
  const passes = task.params["passes"] ?? 1;
  const copy = task.inputLength / passes;
  const repeat = (x: X, y: Y) => Array.from({ length: passes }, () => tokens(x, y)).flat();
  return pulledBack(problem, task, repeatedCut(copy, half, passes), repeat, value);
}

function pulledBack<X, Y>(
  problem: Problem<X, Y>,
  task: Task,
  split: Split,
  tokens: (x: X, y: Y) => string[],
  value: string,
): TwoWayFamily {
  const set = problem.foolingSet;
  if (set.kind !== "two-way") throw new Error(`${problem.name} has no two-way fooling set`);
  return {
    problem: problem.name,
    task,
    split,
    size: set.size,
    value,
    boundBits: problem.bound.bits,
    element: (i) => tokens(...set.at(i)),
    crossed: (i, j) => tokens(...set.cross(set.at(i), set.at(j))),
  };
}

function bitTokens(x: Bits): string[] {
  return Array.from(x, (b) => (b ? "1" : "0"));
}
