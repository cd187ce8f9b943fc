import { fail } from "../errors.js";
import type { Task } from "../tasks/task.js";

/** Token and label ids of a task in a model's vocabulary: the check that the model can express the task at all. */
export interface Binding {
  readonly tokenId: ReadonlyMap<string, number>;
  readonly labelId: ReadonlyMap<string, number>;
  ids(tokens: readonly string[]): Int32Array;
}

/** What binding reads of a model: its tokens and its labels, in id order (any architecture). */
export interface Vocabulary {
  readonly vocab: readonly string[];
  readonly labels: readonly string[];
}

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
  return { tokenId, labelId, ids: (tokens) => idsIn(tokenId, tokens) };
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
