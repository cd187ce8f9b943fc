import { fail } from "../errors.js";
import type { Model } from "../models/compile.js";
import type { Task } from "../tasks/task.js";

/*
 * How much a search may do and keep. `--budget` bounds the protocol runs of all feeds together; each feed that keeps
 * a table keeps at most one entry per run, so the budget also bounds the memory, and a budget whose tables would not
 * fit is refused (or, by default, lowered) before anything runs.
 */

/**
 * The most memory a search may plan to keep in its tables. They live in the main thread's V8 heap, whose default
 * limit is 4 GiB on the machine this is built for (24 GiB): 3 GiB leaves room there for the model and the task. (It
 * was 8 GiB, over that heap: a default budget for a model of 4096 float64 state values planned 8 GiB of dedup table.)
 * src/refute/memory.ts checks a whole run, copies and workers included, before it starts.
 */
export const MEMORY_LIMIT = 3 * 2 ** 30;

/** Runs of a search when --budget is not given, for recurrent models (a run is microseconds). */
export const DEFAULT_BUDGET = 1 << 20;

/**
 * A Transformer's run is a whole forward pass (or Theorem 4's protocol, about the same work): its default budget is
 * what about MAX_DEFAULT_WORK multiply-adds allow, between 2^12 and 2^20 runs, so that a check that finds nothing
 * ends in seconds to a minute rather than hours. A function of the model and the task only (never of the clock),
 * so that the replay command, which names the budget, gives the same verdict.
 */
const MAX_DEFAULT_WORK = 2 ** 32;

export function defaultBudget(model: Model, task: Task): number {
  if (model.kind === "recurrent") return DEFAULT_BUDGET;
  // Every weight is used about once per position (an over-estimate: the embedding tables count in full), and
  // attention adds about n * d per position and layer.
  const n = task.inputLength;
  const weights = model.parameterBits / Math.max(1, model.unitBits);
  const work = Math.max(1, n * (weights + n * model.d * model.layers.length));
  return Math.min(DEFAULT_BUDGET, Math.max(1 << 12, 2 ** Math.floor(Math.log2(MAX_DEFAULT_WORK / work))));
}

/** A budget the user typed or a library caller passed: a whole number >= 1. */
export function checkedBudget(budget: number): number {
  if (!Number.isSafeInteger(budget) || budget < 1) {
    fail("invalid-flag", `the budget must be a whole number >= 1, got ${budget}`, "--budget");
  }
  return budget;
}

/** The most runs whose table of `bytesPerRun` bytes each fits MEMORY_LIMIT. */
export function fittingRuns(bytesPerRun: number): number {
  return Math.max(1, Math.floor(MEMORY_LIMIT / bytesPerRun));
}

/** One clear line for a chosen budget whose table would not fit. */
export function tooMuchMemory(runs: number, bytesPerRun: number, what: string, hint: string): never {
  const gb = ((runs * bytesPerRun) / 2 ** 30).toFixed(1);
  return fail(
    "too-large",
    `${what} would keep about ${gb} GiB for ${runs} runs (${bytesPerRun} bytes a run), over the ${MEMORY_LIMIT / 2 ** 30} GiB limit`,
    "--budget",
    hint,
  );
}
