import { fail } from "../errors.js";
import { MAX_DIM } from "../limits.js";
import { MAX_DYCK_PAIRS } from "./dyck.js";
import { MAX_MODULUS } from "./parity.js";
import { MAX_PASSES } from "./repeated.js";
import type { TaskName } from "./task.js";

/**
 * Every task parameter beyond n, declared once: the command-line flag that sets it, the range it takes, the key and
 * number it is stored under in `task.params` (and so in certificates and shard files), and its default. The flags,
 * their validation, the certificate round trip and the replay arguments are all derived from this table.
 */
export interface TaskOptions {
  /** `--alphabet K`: index-lookup, assoc-recall, copy and induction-heads, the alphabet size (2..256; default 2). */
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
  /** `--modulus M`: mod-count, the modulus m: the answer is the number of 1s mod m (2..256; default 3). */
  modulus?: number;
  /** `--passes K`: equality and disjointness read K times in a row (JRT-Prompt; 1..16; default 1). */
  passes?: number;
}

export type TaskOption = keyof TaskOptions;

/** How a flag reads and how its value is stored as a number in `task.params`. */
export type ParamKind =
  | { readonly type: "int"; readonly min: number; readonly max: number; readonly tooLarge?: (v: number) => string }
  /** Stored as the index of the choice. */
  | { readonly type: "choice"; readonly choices: readonly string[] }
  /** Stored as 0 or 1. */
  | { readonly type: "switch" };

export interface TaskParam {
  readonly option: TaskOption;
  /** Its key in `task.params`. */
  readonly key: string;
  readonly tasks: readonly TaskName[];
  readonly kind: ParamKind;
  /** What the value is, for messages: "alphabet size". */
  readonly what: string;
  /** The --help text. */
  readonly help: string;
  /** The stored number when the flag is not given; undefined when the task computes it from n (--dim). */
  readonly defaultValue?: number;
}

/** The largest dimension whose 2^d keys and 2 labels fit a model's vocabulary. */
// nearest-neighbor keeps the limits it had before vocabularies grew to MAX_TOKENS (src/tasks/index.ts: TASK_MAX_N)
export const MAX_KEY_DIM = Math.floor(Math.log2(MAX_DIM - 2));

export const TASK_PARAMS: readonly TaskParam[] = [
  {
    option: "alphabet",
    key: "alphabet",
    tasks: ["index-lookup", "assoc-recall", "copy", "induction-heads"],
    kind: { type: "int", min: 2, max: 256 },
    what: "alphabet size",
    help: "index-lookup, assoc-recall, copy, induction-heads: alphabet size (default 2)",
    defaultValue: 2,
  },
  {
    option: "variant",
    key: "ineq",
    tasks: ["equality"],
    kind: { type: "choice", choices: ["eq", "ineq"] },
    what: "equality variant",
    help: "equality: eq (default) or ineq",
    defaultValue: 0,
  },
  {
    option: "separator",
    key: "separator",
    tasks: ["equality"],
    kind: { type: "switch" },
    what: "separator",
    help: "equality: a | token between the halves",
    defaultValue: 0,
  },
  {
    option: "pairs",
    key: "pairs",
    tasks: ["dyck"],
    kind: { type: "int", min: 1, max: MAX_DYCK_PAIRS },
    what: "number of bracket pairs",
    help: "dyck: bracket types (default 2)",
    defaultValue: 2,
  },
  {
    option: "depth",
    key: "depth",
    tasks: ["dyck"],
    kind: { type: "int", min: 1, max: 4096 },
    what: "Dyck depth",
    help: "dyck: most unclosed brackets (default 2)",
    defaultValue: 2,
  },
  {
    option: "dim",
    key: "dim",
    tasks: ["nearest-neighbor"],
    kind: {
      type: "int",
      min: 1,
      max: MAX_KEY_DIM,
      tooLarge: (d) =>
        `dimension ${d} gives 2^${d} keys, more than a model's vocabulary can hold (largest dimension ${MAX_KEY_DIM})`,
    },
    what: "key dimension",
    help: "nearest-neighbor: key dimension (default: least D with 2^D >= N)",
  },
  {
    option: "mqar",
    key: "mqar",
    tasks: ["nearest-neighbor"],
    kind: { type: "switch" },
    what: "mqar",
    help: "nearest-neighbor: queries repeat a key (MQAR)",
    defaultValue: 0,
  },
  {
    option: "modulus",
    key: "modulus",
    tasks: ["mod-count"],
    kind: { type: "int", min: 2, max: MAX_MODULUS },
    what: "modulus",
    help: "mod-count: count the 1s mod M (default 3)",
    defaultValue: 3,
  },
  {
    option: "passes",
    key: "passes",
    tasks: ["equality", "disjointness"],
    kind: { type: "int", min: 1, max: MAX_PASSES },
    what: "number of passes",
    help: "equality, disjointness: the input repeated K times, answered once (JRT-Prompt; default 1)",
    defaultValue: 1,
  },
];

/** The parameters a task takes, in table order. */
export function paramsOf(task: TaskName): readonly TaskParam[] {
  return TASK_PARAMS.filter((p) => p.tasks.includes(task));
}

/**
 * Checks options given for a task (as flags or library options) against the table: an option the task does not take,
 * or a value out of range, is one clear error naming the flag. Returns the stored numbers of the options given.
 */
export function storedParams(task: TaskName, options: TaskOptions): Record<string, number> {
  const stored: Record<string, number> = {};
  for (const option of Object.keys(options) as TaskOption[]) {
    const value = options[option];
    if (value === undefined) continue;
    const param = TASK_PARAMS.find((p) => p.option === option);
    if (!param || !param.tasks.includes(task)) fail("invalid-flag", `${task} takes no --${option}`, `--${option}`);
    stored[param.key] = encode(param, value);
  }
  return stored;
}

function encode(param: TaskParam, value: unknown): number {
  const flag = `--${param.option}`;
  const { kind } = param;
  switch (kind.type) {
    case "int": {
      if (typeof value !== "number" || !Number.isInteger(value) || value < kind.min) {
        fail("invalid-flag", `the ${param.what} must be a whole number >= ${kind.min}, got ${String(value)}`, flag);
      }
      if (value > kind.max) {
        if (kind.tooLarge) fail("too-large", kind.tooLarge(value), flag);
        fail("invalid-flag", `the ${param.what} must be ${kind.min}..${kind.max}, got ${value}`, flag);
      }
      return value;
    }
    case "choice": {
      const i = typeof value === "string" ? kind.choices.indexOf(value) : -1;
      if (i < 0)
        fail("invalid-flag", `the ${param.what} must be ${kind.choices.join(" or ")}, got "${String(value)}"`, flag);
      return i;
    }
    case "switch":
      if (typeof value !== "boolean") fail("invalid-flag", `${flag} is a switch, got ${String(value)}`, flag);
      return value ? 1 : 0;
  }
}

/**
 * The options that rebuild a task from the numbers it stores (certificates and shard files keep `task.params`):
 * makeTask(name, n, optionsFromParams(name, task.params)) is the same task. A key the task does not take, an
 * ill-typed value or one out of range is refused with the path into the file. Own keys only, `__proto__` included.
 */
export function optionsFromParams(task: TaskName, params: Readonly<Record<string, unknown>>): TaskOptions {
  const options: Record<string, unknown> = {};
  for (const key of Object.keys(params)) {
    const value = params[key];
    const where = `/task/params/${key}`;
    const param = paramsOf(task).find((p) => p.key === key);
    if (!param) fail("invalid-input", `task parameter "${key}" is not a parameter of ${task}`, where);
    if (typeof value !== "number" || !Number.isInteger(value)) {
      fail("invalid-input", `task parameter "${key}" is ${JSON.stringify(value)}, not a whole number`, where);
    }
    options[param.option] = decode(param, value, where);
  }
  return options as TaskOptions;
}

function decode(param: TaskParam, value: number, where: string): number | string | boolean {
  const { kind } = param;
  switch (kind.type) {
    case "int":
      return value;
    case "choice":
      if (!(value >= 0 && value < kind.choices.length)) {
        const codes = kind.choices.map((_, i) => i).join(" or ");
        fail(
          "invalid-input",
          `task parameter "${param.key}" must be ${codes}, got ${value} (${kind.choices.join(", ")})`,
          where,
        );
      }
      return kind.choices[value]!;
    case "switch":
      if (value !== 0 && value !== 1)
        fail("invalid-input", `task parameter "${param.key}" must be 0 or 1, got ${value}`, where);
      return value === 1;
  }
}

/**
 * The flags that rebuild a task, as a replay command writes them: `--task T --n N` and every parameter whose stored
 * number is not its default (a computed default such as --dim is always written).
 */
export function taskArgs(task: {
  readonly name: TaskName;
  readonly n: number;
  readonly params: Readonly<Record<string, number>>;
}): string {
  const flags = paramsOf(task.name).flatMap((p) => {
    const v = task.params[p.key];
    if (v === undefined || v === p.defaultValue) return [];
    switch (p.kind.type) {
      case "int":
        return [`--${p.option} ${v}`];
      case "choice":
        return [`--${p.option} ${p.kind.choices[v]}`];
      case "switch":
        return v === 1 ? [`--${p.option}`] : [];
    }
  });
  return [`--task ${task.name}`, `--n ${task.n}`, ...flags].join(" ");
}
