import { fail } from "../errors.js";
import { assocRecall } from "./assoc-recall.js";
import { indexLookup } from "./index-lookup.js";
import { equality } from "./equality.js";
import { disjointness } from "./disjointness.js";
import { dyck } from "./dyck.js";
import { nearestNeighbor } from "./nearest-neighbor.js";
import { modCount, parity } from "./parity.js";
import { repeated } from "./repeated.js";
import { functionComposition } from "./function-composition.js";
import { copy } from "./copy.js";
import { INDUCTION_MIN_N, inductionHeads } from "./induction-heads.js";
import { MAX_TOKENS } from "../limits.js";
import { optionsFromParams, storedParams, type TaskOptions } from "./params.js";
import { TASK_NAMES, type Task, type TaskName } from "./task.js";

export * from "./task.js";
export {
  TASK_PARAMS,
  paramsOf,
  optionsFromParams,
  taskArgs,
  MAX_KEY_DIM,
  type TaskOptions,
  type TaskOption,
  type TaskParam,
} from "./params.js";
export { indexLookup, positionToken } from "./index-lookup.js";
export { assocRecall, keyToken } from "./assoc-recall.js";
export { equality, SEPARATOR, type EqualityOptions } from "./equality.js";
export { disjointness } from "./disjointness.js";
export { dyck, dyckVocab, dyckCount, isDyck, MAX_DYCK_PAIRS, type DyckOptions } from "./dyck.js";
export {
  nearestNeighbor,
  findNearest,
  nearestKey,
  vectorToken,
  keyVector,
  keyDot,
  defaultDim,
  type NearestNeighborOptions,
  type Nearest,
  type Fraction,
} from "./nearest-neighbor.js";
export { parity, modCount, onesIn, MAX_MODULUS } from "./parity.js";
export { repeated, MAX_PASSES } from "./repeated.js";
export { functionComposition, compositionQuery, QUESTION } from "./function-composition.js";
export { copy, DELIMITER } from "./copy.js";
export { inductionHeads, MARKER, INDUCTION_MIN_N } from "./induction-heads.js";

/** Largest n a task is built for: its vocabulary grows with n and must fit a model (MAX_TOKENS tokens). */
export const MAX_N = MAX_TOKENS;

/**
 * Tasks whose exact instance count (which a search's plan asks for, to decide whether to sweep every input) costs
 * bigint work that grows faster than n: associative recall about n^2 (0.5 s at n = 16384), nearest neighbour faster
 * still (17 s at n = 4096). They keep a smaller largest n, so that no n makeTask accepts stalls a check.
 */
const TASK_MAX_N: Partial<Record<TaskName, number>> = { "assoc-recall": 1 << 15, "nearest-neighbor": 2048 };

/** The longest input of any task: a certificate holds inputs up to this long (src/io/limits.ts). */
export const MAX_INPUT_TOKENS = 2 * MAX_TOKENS + 1;

/** The largest n makeTask builds this task at. */
export function maxNOf(name: TaskName): number {
  return TASK_MAX_N[name] ?? MAX_N;
}

/** Build a task from user input (flags or library options), with one clear error for each bad value. */
export function makeTask(name: string, n: number, options: TaskOptions = {}): Task {
  if (!(TASK_NAMES as readonly string[]).includes(name)) {
    fail("invalid-flag", `unknown task "${name}"`, "--task", `one of ${TASK_NAMES.join(", ")}`);
  }
  const task = name as TaskName;
  if (!Number.isInteger(n) || n < 1) fail("invalid-flag", `n must be a whole number >= 1, got ${n}`, "--n");
  if (n > maxNOf(task))
    fail(
      "too-large",
      `n = ${n} is over the largest supported n (${maxNOf(task)}${maxNOf(task) < MAX_N ? ` for ${task}` : ""})`,
      "--n",
    );
  const stored = storedParams(task, options);
  const built = build(task, n, stored);
  if (built.vocab.length > MAX_TOKENS) {
    fail(
      "too-large",
      `${name} at n = ${n} needs ${built.vocab.length} tokens, more than a model can have (${MAX_TOKENS})`,
      "--n",
    );
  }
  if (built.inputLength > MAX_INPUT_TOKENS) {
    fail(
      "too-large",
      `${name} at n = ${n} takes inputs of ${built.inputLength} tokens, more than ccbound takes (${MAX_INPUT_TOKENS}, what a certificate holds)`,
      "--n",
    );
  }
  return built;
}

/** The task a certificate or a shard file names by its stored params (see optionsFromParams for what is refused). */
export function taskFromParams(name: string, n: number, params: Readonly<Record<string, unknown>>): Task {
  if (!(TASK_NAMES as readonly string[]).includes(name)) {
    fail("invalid-input", `unknown task "${name}"`, "/task/name", `one of ${TASK_NAMES.join(", ")}`);
  }
  return makeTask(name, n, optionsFromParams(name as TaskName, params));
}

/** The builders, from checked stored params (absent: the task's default). */
function build(name: TaskName, n: number, p: Readonly<Record<string, number>>): Task {
  switch (name) {
    case "index-lookup":
      return indexLookup(n, p["alphabet"] ?? 2);
    case "assoc-recall":
      return assocRecall(n, p["alphabet"] ?? 2);
    case "equality":
      evenN(name, n);
      return passes(equality(n, { ineq: p["ineq"] === 1, separator: p["separator"] === 1 }), p);
    case "disjointness":
      evenN(name, n);
      return passes(disjointness(n), p);
    case "dyck":
      evenN(name, n);
      return dyck(n, { pairs: p["pairs"] ?? 2, depth: p["depth"] ?? 2 });
    case "nearest-neighbor":
      return nearestNeighbor(n, { ...(p["dim"] !== undefined && { dim: p["dim"] }), mqar: p["mqar"] === 1 });
    case "parity":
      return parity(n);
    case "mod-count":
      return modCount(n, p["modulus"] ?? 3);
    case "function-composition":
      return functionComposition(n);
    case "copy":
      return copy(n, p["alphabet"] ?? 2);
    case "induction-heads":
      if (n < INDUCTION_MIN_N)
        fail(
          "invalid-flag",
          `induction-heads needs n >= ${INDUCTION_MIN_N} (an earlier token, its follower, the last), got ${n}`,
          "--n",
        );
      return inductionHeads(n, p["alphabet"] ?? 2);
    default:
      return name satisfies never;
  }
}

/** The least n a task takes: induction heads needs an earlier token, its follower and the last; the others 1 step. */
export function minNOf(name: TaskName): number {
  return name === "induction-heads" ? INDUCTION_MIN_N : nStep(name);
}

/** The step between the n a task takes: 2 for the tasks of two halves (and balanced brackets), 1 otherwise. */
export function nStep(name: TaskName): 1 | 2 {
  return EVEN_N.includes(name) ? 2 : 1;
}
const EVEN_N: readonly TaskName[] = ["equality", "disjointness", "dyck"];

/**
 * Whether the task's labels are the values 0..n-1 (function composition): a model's head fits it at one n only, its
 * number of labels.
 */
export function labelsAreN(name: TaskName): boolean {
  return name === "function-composition";
}

/** The task read `--passes` times; one pass is the task itself (its params keep no `passes` key). */
function passes(task: Task, p: Readonly<Record<string, number>>): Task {
  const k = p["passes"] ?? 1;
  return k === 1 ? task : repeated(task, k);
}

function evenN(name: TaskName, n: number): void {
  const why = name === "dyck" ? "no string of odd length is balanced" : "the input is two halves of n/2 bits";
  if (n % 2 !== 0) fail("invalid-flag", `${name} needs an even n (${why}), got ${n}`, "--n");
}
