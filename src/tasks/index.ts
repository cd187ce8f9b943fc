import { fail } from "../errors.js";
import { assocRecall } from "./assoc-recall.js";
import { indexLookup } from "./index-lookup.js";
import { equality } from "./equality.js";
import { disjointness } from "./disjointness.js";
import { dyck, MAX_DYCK_PAIRS } from "./dyck.js";
import { nearestNeighbor } from "./nearest-neighbor.js";
import { MAX_DIM } from "../limits.js";
import { TASK_NAMES, type Task, type TaskName } from "./task.js";

export * from "./task.js";
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

/** Largest n a task is built for: its vocabulary grows with n and must fit a model (MAX_DIM tokens). */
export const MAX_N = MAX_DIM;

/** Task parameters beyond n, each with the command-line flag that sets it. A task refuses options it does not take. */
export interface TaskOptions {
  /** `--alphabet K`: index-lookup and assoc-recall, the alphabet size (2..256; default 2). */
  alphabet?: number;
  /** `--variant eq|ineq`: equality answers EQ ("1" when the halves are equal; default) or INEQ = 1 - EQ (App. F). */
  variant?: string;
  /** `--separator`: equality with the token "|" between the halves (n + 1 tokens), as in the paper's experiments. */
  separator?: boolean;
  /** `--pairs K`: dyck, the number of bracket types (1..4; default 2). */
  pairs?: number;
  /** `--depth M`: dyck, the largest number of unclosed brackets (>= 1; default 2). */
  depth?: number;
  /** `--dim D`: nearest-neighbor, the key dimension: keys are the 2^D hypercube points (default the least D >= 1 with 2^D >= n). */
  dim?: number;
  /** `--mqar`: nearest-neighbor restricted to queries that repeat one of the keys (multi-query associative recall). */
  mqar?: boolean;
}

/** The options each task takes; any other given option is refused. */
const TAKES: Record<TaskName, readonly (keyof TaskOptions)[]> = {
  "index-lookup": ["alphabet"],
  "assoc-recall": ["alphabet"],
  equality: ["variant", "separator"],
  disjointness: [],
  dyck: ["pairs", "depth"],
  "nearest-neighbor": ["dim", "mqar"],
};

/** Build a task from user input, with one clear error for each bad value. */
export function makeTask(name: string, n: number, options: TaskOptions = {}): Task {
  if (!(TASK_NAMES as readonly string[]).includes(name)) {
    fail("invalid-flag", `unknown task "${name}"`, "--task", `one of ${TASK_NAMES.join(", ")}`);
  }
  const task = name as TaskName;
  if (!Number.isInteger(n) || n < 1) fail("invalid-flag", `n must be a whole number >= 1, got ${n}`, "--n");
  if (n > MAX_N) fail("too-large", `n = ${n} is over the largest supported n (${MAX_N})`, "--n");
  for (const key of Object.keys(options) as (keyof TaskOptions)[]) {
    if (options[key] !== undefined && !TAKES[task].includes(key))
      fail("invalid-flag", `${task} takes no --${key}`, `--${key}`);
  }
  const built = build(task, n, options);
  if (built.vocab.length > MAX_DIM) {
    fail(
      "too-large",
      `${name} at n = ${n} needs ${built.vocab.length} tokens, more than a model can have (${MAX_DIM})`,
      "--n",
    );
  }
  return built;
}

function build(name: TaskName, n: number, options: TaskOptions): Task {
  switch (name) {
    case "index-lookup":
      return indexLookup(n, alphabetOf(options));
    case "assoc-recall":
      return assocRecall(n, alphabetOf(options));
    case "equality":
      evenN(name, n);
      return equality(n, { ineq: variantOf(options) === "ineq", separator: options.separator ?? false });
    case "disjointness":
      evenN(name, n);
      return disjointness(n);
    case "dyck":
      evenN(name, n);
      return dyck(n, dyckOptions(options));
    case "nearest-neighbor":
      return nearestNeighbor(n, { dim: dimOf(options), mqar: options.mqar ?? false });
    default:
      return name satisfies never;
  }
}

function alphabetOf(options: TaskOptions): number {
  const k = options.alphabet ?? 2;
  if (!Number.isInteger(k) || k < 2 || k > 256)
    fail("invalid-flag", `alphabet size must be 2..256, got ${k}`, "--alphabet");
  return k;
}

function evenN(name: TaskName, n: number): void {
  const why = name === "dyck" ? "no string of odd length is balanced" : "the input is two halves of n/2 bits";
  if (n % 2 !== 0) fail("invalid-flag", `${name} needs an even n (${why}), got ${n}`, "--n");
}

function variantOf(options: TaskOptions): "eq" | "ineq" {
  const v = options.variant ?? "eq";
  if (v !== "eq" && v !== "ineq") fail("invalid-flag", `equality variant must be eq or ineq, got "${v}"`, "--variant");
  return v;
}

function dyckOptions(options: TaskOptions): { pairs: number; depth: number } {
  const pairs = options.pairs ?? 2;
  const depth = options.depth ?? 2;
  if (!Number.isInteger(pairs) || pairs < 1 || pairs > MAX_DYCK_PAIRS) {
    fail("invalid-flag", `the number of bracket pairs must be 1..${MAX_DYCK_PAIRS}, got ${pairs}`, "--pairs");
  }
  if (!Number.isInteger(depth) || depth < 1)
    fail("invalid-flag", `the Dyck depth must be a whole number >= 1, got ${depth}`, "--depth");
  return { pairs, depth };
}

/** The largest dimension whose 2^d keys and 2 labels fit a model's vocabulary. */
const MAX_KEY_DIM = Math.floor(Math.log2(MAX_DIM - 2));

function dimOf(options: TaskOptions): number | undefined {
  const d = options.dim;
  if (d === undefined) return undefined;
  if (!Number.isInteger(d) || d < 1)
    fail("invalid-flag", `the key dimension must be a whole number >= 1, got ${d}`, "--dim");
  if (d > MAX_KEY_DIM)
    fail(
      "too-large",
      `dimension ${d} gives 2^${d} keys, more than a model's vocabulary can hold (largest dimension ${MAX_KEY_DIM})`,
      "--dim",
    );
  return d;
}

/**
 * The options that rebuild a task from the numeric params it stores (certificates keep `task.params`):
 * makeTask(name, n, taskOptionsFromParams(name, task.params)) is the same task. Unknown or ill-typed params are refused.
 */
export function taskOptionsFromParams(name: string, params: Readonly<Record<string, unknown>>): TaskOptions {
  const takes = (TASK_NAMES as readonly string[]).includes(name) ? PARAMS[name as TaskName] : [];
  const options: TaskOptions = {};
  for (const [key, value] of Object.entries(params)) {
    if (!takes.includes(key))
      fail("invalid-input", `task parameter "${key}" is not a parameter of ${name}`, `/task/params/${key}`);
    if (typeof value !== "number")
      fail("invalid-input", `task parameter "${key}" is ${JSON.stringify(value)}, not a number`, `/task/params/${key}`);
    const flag = (v: number) => {
      if (v !== 0 && v !== 1)
        fail("invalid-input", `task parameter "${key}" must be 0 or 1, got ${v}`, `/task/params/${key}`);
      return v === 1;
    };
    if (key === "ineq") options.variant = flag(value) ? "ineq" : "eq";
    else if (key === "separator") options.separator = flag(value);
    else if (key === "mqar") options.mqar = flag(value);
    else options[key as "alphabet" | "pairs" | "depth" | "dim"] = value;
  }
  return options;
}

/** The numeric params each task stores. */
const PARAMS: Record<TaskName, readonly string[]> = {
  "index-lookup": ["alphabet"],
  "assoc-recall": ["alphabet"],
  equality: ["ineq", "separator"],
  disjointness: [],
  dyck: ["pairs", "depth"],
  "nearest-neighbor": ["dim", "mqar"],
};
