import { fail } from "../errors.js";
import { makeTask } from "../tasks/index.js";
import { optionsFromParams, paramsOf, type TaskOptions, type TaskParam } from "../tasks/params.js";
import type { Task } from "../tasks/task.js";

/** Token and label ids of a task in a model's vocabulary: the check that the model can express the task at all. */
export interface Binding {
  readonly tokenId: ReadonlyMap<string, number>;
  readonly labelId: ReadonlyMap<string, number>;
  /** Outputs the model decodes greedily for one answer: the task's answerTokens (a sequence), else 1 (one label). */
  readonly answerTokens: number;
  ids(tokens: readonly string[]): Int32Array;
}

/** What binding reads of a model: its tokens and its labels, in id order (any architecture). */
export interface Vocabulary {
  readonly vocab: readonly string[];
  readonly labels: readonly string[];
}

/**
 * Binds a model to a task: every token of the task must be in the model's vocabulary (task-mismatch), every label of
 * the task among its labels (task-mismatch), and the model's head must have exactly as many outputs as the task has
 * labels (head-mismatch). The last catches a head that is not the classifier the task was trained with: a sidecar
 * that names an 8-output hidden layer as the head gets labels 0..7, which hold the 2 labels of a binary task, and
 * the model would be searched as if its outputs 2..7 were answers. A model is bound to a task here and nowhere else.
 */
export function bind(model: Vocabulary, task: Task): Binding {
  const tokenId = new Map(model.vocab.map((t, i) => [t, i] as const));
  const labelId = new Map(model.labels.map((t, i) => [t, i] as const));
  const missingToken = task.vocab.find((t) => !tokenId.has(t));
  if (missingToken !== undefined) {
    fail(
      "task-mismatch",
      `the model's vocabulary has no token "${missingToken}", which ${task.name} at n=${task.n} uses`,
      "/vocab",
      `${task.name} needs ${describe(task.vocab)}`,
    );
  }
  const missingLabel = task.labels.find((t) => !labelId.has(t));
  if (missingLabel !== undefined) {
    fail(
      "task-mismatch",
      `the model has no output label "${missingLabel}", which ${task.name} answers`,
      "/labels",
      `${task.name} needs labels ${describe(task.labels)}`,
    );
  }
  checkHead(model, task);
  const answerTokens = task.answerTokens ?? 1;
  if (answerTokens > 1) {
    // Every output but the last is fed back (greedy decoding), so each label must be a token of the model too.
    const notToken = task.labels.find((t) => !tokenId.has(t));
    if (notToken !== undefined) {
      fail(
        "task-mismatch",
        `the model's vocabulary has no token "${notToken}", which ${task.name} feeds back when it decodes that label`,
        "/vocab",
        `${task.name} needs its labels ${describe(task.labels)} as tokens`,
      );
    }
  }
  return { tokenId, labelId, answerTokens, ids: (tokens) => idsIn(tokenId, tokens) };
}

/**
 * The model's head must have one output per label of the task: a head with more outputs than the task has answers is
 * not the task's classifier (a hidden layer named as the head, or a model trained for another task), and its extra
 * outputs would be read as answers. Throws head-mismatch, which no command reads as a verdict (exit 2).
 */
export function checkHead(model: Vocabulary, task: Task): void {
  if (model.labels.length === task.labels.length) return;
  fail(
    "head-mismatch",
    `the model's head has ${model.labels.length} outputs (labels ${describe(model.labels)}) and ${task.name} has ${task.labels.length} labels (${describe(task.labels)}): the head does not fit the task`,
    "/labels",
    "a head must have one output per label of the task; check which layer is the head, and --labels",
  );
}

/**
 * Notes on the model's vocabulary against the task's flags: each token of the model's vocabulary that this task
 * does not use but the same task with another value of one of its flags does (the separator "|" of equality without
 * --separator, the symbol "2" of index lookup with --alphabet 2). One line each, for the commands to print on stderr:
 * the run is what the flags ask, and they may not be what the model was trained for. Work is paid only when the
 * vocabulary has tokens the task does not use, and is bounded (at most MAX_VARIANT_TOKENS tokens built in all).
 */
export function unusedTokenNotes(model: Vocabulary, task: Task): string[] {
  const used = new Set(task.vocab);
  const extra = new Set(model.vocab.filter((t) => !used.has(t)));
  if (extra.size === 0) return [];
  const current = optionsFromParams(task.name, task.params);
  const notes: string[] = [];
  let built = 0;
  for (const param of paramsOf(task.name)) {
    for (const value of variantValues(param, current[param.option])) {
      if (extra.size === 0) return notes;
      if ((built += task.vocab.length + 256) > MAX_VARIANT_TOKENS) return notes;
      let variant: Task;
      try {
        variant = makeTask(task.name, task.n, { ...current, [param.option]: value } as TaskOptions);
      } catch {
        continue; // a value this n does not take (a dimension too large, ...)
      }
      const found = variant.vocab.filter((t) => extra.has(t));
      if (found.length === 0) continue;
      for (const t of found) extra.delete(t);
      const flag = param.kind.type === "switch" ? `--${param.option}` : `--${param.option} ${String(value)}`;
      const now =
        param.kind.type === "switch"
          ? `without --${param.option}`
          : `with --${param.option} ${String(current[param.option] ?? defaultText(param))}`;
      notes.push(
        `the model's vocabulary has ${found.length === 1 ? "the token" : `${found.length} tokens`} ${describe(found.map((t) => JSON.stringify(t)))}, which ${task.name} uses with ${flag}; this run is ${task.name} ${now}, which does not`,
      );
    }
  }
  return notes;
}

/** Tokens the variants of unusedTokenNotes may build in all: a few hundred tasks at n = 4096. */
const MAX_VARIANT_TOKENS = 1 << 22;

function defaultText(param: TaskParam): string {
  return param.defaultValue === undefined ? "its default" : String(param.defaultValue);
}

/** Other values of a flag, in order: the other setting of a switch, the other choices, every other whole number. */
function variantValues(param: TaskParam, current: unknown): (boolean | string | number)[] {
  const { kind } = param;
  switch (kind.type) {
    case "switch":
      return [current !== true];
    case "choice":
      return kind.choices.filter((c) => c !== (current ?? kind.choices[param.defaultValue ?? 0]));
    case "int": {
      const now = typeof current === "number" ? current : param.defaultValue;
      const values: number[] = [];
      for (let v = kind.min; v <= kind.max && values.length < 512; v++) if (v !== now) values.push(v);
      return values;
    }
  }
}

/** Ids of tokens a user typed (eval, simulate): an unknown token is bad input. */
export function inputIds(model: Vocabulary, tokens: readonly string[]): Int32Array {
  return idsIn(new Map(model.vocab.map((t, i) => [t, i] as const)), tokens, "--input");
}

function idsIn(tokenId: ReadonlyMap<string, number>, tokens: readonly string[], where?: string): Int32Array {
  return Int32Array.from(
    tokens,
    (token) => tokenId.get(token) ?? fail("invalid-input", `token "${token}" is not in the model's vocabulary`, where),
  );
}

function describe(items: readonly string[]): string {
  return items.length <= 6
    ? items.join(" ")
    : `${items.slice(0, 3).join(" ")} ... ${items.slice(-2).join(" ")} (${items.length} tokens)`;
}
