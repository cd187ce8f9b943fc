import { totalmem } from "node:os";
import { getHeapStatistics } from "node:v8";
import { fail } from "../errors.js";
import type { ModelSpec } from "../models/spec.js";
import { dedupBytesPerRun, TABLE_BYTES_PER_RUN, type SearchPlan } from "./plan.js";

/*
 * The memory a check needs, estimated before it starts, so that a run that cannot fit is refused with one line
 * instead of dying an hour in (V8 aborts the whole process when a heap is full). The estimate is an over-estimate
 * from what a run keeps, with the constants measured on Node 20 (the notes below):
 * - each copy of the model (the main thread's, and one per worker, rebuilt from the model file): its numbers as plain
 *   arrays (measured 13 bytes a number: packed doubles and row headers) and compiled (4 to 8 bytes a number in typed
 *   arrays), counted 24 bytes a number; its vocabulary's strings and maps, 100 bytes a token;
 * - each copy of the task: its vocabulary, 60 bytes a token (measured 40 for index lookup at n = 100,000);
 * - each worker thread's own heap and code, 40 MB; the main process, 70 MB (a bare `ccbound --version` is 64 MB);
 * - the search's tables: one entry per run of the feeds that keep one, at the plan's budget and shares (the collision
 *   search's table, Alice's strings' digests, the dedup walk's states), with the bytes per run the plan fits them by
 *   (src/refute/plan.ts), and rho's distinguished points.
 * Two limits: all of it within the machine's memory (its physical memory, or a cgroup's limit when lower), and what
 * the main thread's heap holds (the model's arrays, the task, the tables) within V8's heap limit.
 */

const MB = 1e6;
const PROCESS_BYTES = 70 * MB;
const WORKER_BYTES = 40 * MB;
const MODEL_BYTES_PER_NUMBER = 24;
const MODEL_HEAP_BYTES_PER_NUMBER = 16;
const MODEL_BYTES_PER_TOKEN = 100;
const TASK_BYTES_PER_TOKEN = 60;
/** A distinguished point of rho: a digest, its start and its length in a Map entry. */
const POINT_BYTES = 200;

export interface MemoryPart {
  readonly what: string;
  readonly bytes: number;
}

export interface MemoryEstimate {
  readonly total: number;
  /** What the main thread's V8 heap holds of it. */
  readonly mainHeap: number;
  /** The search's tables, in the main thread's heap. */
  readonly tables: number;
  readonly parts: readonly MemoryPart[];
}

/** Numbers in a model file's object: what its copies cost. Iterative, so any nesting is fine. */
export function numbersIn(spec: ModelSpec): number {
  let numbers = 0;
  const stack: unknown[] = [spec];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "number") numbers++;
    else if (Array.isArray(v)) {
      if (v.length > 0 && typeof v[0] === "number") numbers += v.length;
      else for (const x of v) stack.push(x);
    } else if (v !== null && typeof v === "object") for (const x of Object.values(v)) stack.push(x);
  }
  return numbers;
}

/** The estimate for a plan run on `workers` worker threads (0: in this thread alone). */
export function estimateMemory(
  plan: SearchPlan,
  spec: ModelSpec,
  workers: number,
  /** Compiled copies of the model in the main thread (the command's and the search's). */
  mainCopies = 1,
): MemoryEstimate {
  const numbers = numbersIn(spec);
  const vocab = plan.model.vocab.length;
  const model = numbers * MODEL_BYTES_PER_NUMBER + vocab * MODEL_BYTES_PER_TOKEN;
  const task = plan.task.vocab.length * TASK_BYTES_PER_TOKEN;
  const tables = tableBytes(plan);
  const copies = mainCopies + workers;
  const parts: MemoryPart[] = [
    {
      what: `the process and ${workers} worker thread${workers === 1 ? "" : "s"}`,
      bytes: PROCESS_BYTES + workers * WORKER_BYTES,
    },
    {
      what: `the model (${numbers.toLocaleString("en")} numbers, ${vocab.toLocaleString("en")} tokens) x ${copies}`,
      bytes: copies * model,
    },
    { what: `the task (${plan.task.vocab.length.toLocaleString("en")} tokens) x ${copies}`, bytes: copies * task },
    { what: `the search's tables at a budget of ${plan.budget.toLocaleString("en")} runs`, bytes: tables },
  ];
  const total = parts.reduce((s, p) => s + p.bytes, 0);
  const mainHeap = mainCopies * (numbers * MODEL_HEAP_BYTES_PER_NUMBER + vocab * MODEL_BYTES_PER_TOKEN + task) + tables;
  return { total, mainHeap, tables, parts };
}

/** Bytes of the tables the plan's feeds keep: one entry per run of their share of the budget. */
function tableBytes(plan: SearchPlan): number {
  const weights = plan.feeds.reduce((s, f) => s + f.weight, 0);
  let bytes = 0;
  for (const f of plan.feeds) {
    const runs = Math.floor((plan.budget * f.weight) / Math.max(1, weights));
    switch (f.name) {
      case "dedup":
        bytes += runs * (plan.space ? dedupBytesPerRun(plan.space) : TABLE_BYTES_PER_RUN);
        break;
      case "sample":
      case "fooling-set":
        bytes += runs * TABLE_BYTES_PER_RUN;
        break;
      case "rho":
        bytes += Math.min(runs, plan.maxPoints) * POINT_BYTES;
        break;
      default:
        break; // probes, crossed inputs and the sweep keep nothing per run
    }
  }
  return bytes;
}

/** What this machine has: its physical memory, or a cgroup's limit when that is lower; and V8's heap limit. */
export interface MachineMemory {
  readonly bytes: number;
  readonly heapLimit: number;
}

export function machineMemory(): MachineMemory {
  const constrained = typeof process.constrainedMemory === "function" ? process.constrainedMemory() : 0;
  const total = totalmem();
  return {
    bytes: constrained !== undefined && constrained > 0 && constrained < total ? constrained : total,
    heapLimit: getHeapStatistics().heap_size_limit,
  };
}

const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;

/** Refuses, with one line, a run whose estimate does not fit the machine; returns the estimate otherwise. */
export function checkMemory(estimate: MemoryEstimate, machine: MachineMemory = machineMemory()): MemoryEstimate {
  const largest = (parts: readonly MemoryPart[]) =>
    [...parts]
      .sort((x, y) => y.bytes - x.bytes)
      .slice(0, 2)
      .map((p) => `${p.what}: ${gib(p.bytes)}`)
      .join("; ");
  const why = largest(estimate.parts);
  if (estimate.total > 0.9 * machine.bytes)
    fail(
      "too-large",
      `this run needs about ${gib(estimate.total)} (${why}), more than this machine's ${gib(machine.bytes)} allow`,
      "--budget",
      "use a smaller --budget, --strategy rho, fewer --workers or a smaller model",
    );
  if (estimate.mainHeap > 0.9 * machine.heapLimit)
    fail(
      "too-large",
      `this run keeps about ${gib(estimate.mainHeap)} in the main thread's heap (the search's tables ${gib(estimate.tables)}, the model's arrays and the task the rest), more than its limit of ${gib(machine.heapLimit)}`,
      "--budget",
      "use a smaller --budget or --strategy rho, or raise the limit with NODE_OPTIONS=--max-old-space-size=MB",
    );
  return estimate;
}
