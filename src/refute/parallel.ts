import { availableParallelism } from "node:os";
import type { ModelSpec } from "../models/spec.js";
import type { Task } from "../tasks/task.js";
import { feedFor, type Feed } from "./feed.js";
import { WorkerPool } from "./pool.js";
import { refute } from "./refute.js";
import { TWO_WAY_TASKS } from "./bound-for.js";
import { compileModel } from "../models/compile.js";
import { searchJob, type SearchJob } from "./search-job.js";
import { planTwoWay, type TwoWayOptions } from "./two-way-plan.js";
import { twoWayVerdict } from "./two-way-verdict.js";
import type { Verdict } from "./verdict.js";
import { Evaluator, type UnitRunner } from "./work-unit.js";

/** How long a search runs in the calling thread before it starts workers: small checks never pay for them. */
export const INLINE_MS = 200;

export interface ParallelOptions extends TwoWayOptions {
  /** Worker threads (default: the machine's available parallelism); 1 runs in this thread. */
  workers?: number;
  /** How long to run in this thread before starting workers (default INLINE_MS; tests set 0 to start them at once). */
  inlineMs?: number;
}

export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * refute() on all cores: a fooling-set task's search is cut into work units that worker threads compute, and put
 * back in canonical order here, so the verdict (certificate, runs, seed) is the one refute() gives in one thread.
 * Tasks searched through INDEX (one-way) run in this thread.
 */
export async function refuteParallel(spec: ModelSpec, task: Task, options: ParallelOptions = {}): Promise<Verdict> {
  const model = compileModel(spec);
  const workers = options.workers ?? defaultWorkers();
  if (!TWO_WAY_TASKS.includes(task.name) || workers <= 1) return refute(model, task, { ...options, spec });
  const plan = planTwoWay(model, task, { ...options, spec });
  const evaluator = new Evaluator(plan);
  const progress = options.onProgress;
  const feed = feedFor(
    plan,
    evaluator,
    progress && ((runs) => progress(plan.search.kind === "rho" ? "rho" : "fooling-set", runs)),
  );
  await drive(feed, evaluator, workers, searchJob(spec, task, { ...options, budget: plan.budget }), options.inlineMs);
  return twoWayVerdict(plan, feed.result());
}

/**
 * Runs a feed to its end: in this thread for INLINE_MS, then on a pool of `workers` threads with a few units each
 * in flight, taking results strictly in the order the units were handed out.
 */
export async function drive(
  feed: Feed,
  evaluator: UnitRunner,
  workers: number,
  job: SearchJob,
  inlineMs = INLINE_MS,
): Promise<void> {
  const started = Date.now();
  while (workers <= 1 || Date.now() - started < inlineMs) {
    const unit = feed.next();
    if (!unit || feed.accept(unit, evaluator.run(unit))) return;
  }
  const pool = new WorkerPool(job, workers);
  try {
    const queue: { unit: NonNullable<ReturnType<Feed["next"]>>; result: ReturnType<WorkerPool["submit"]> }[] = [];
    for (;;) {
      while (queue.length < 3 * workers) {
        const unit = feed.next();
        if (!unit) break;
        const result = pool.submit(unit);
        // Units still in flight when the search ends are dropped: their failures are nobody's concern.
        result.catch(() => undefined);
        queue.push({ unit, result });
      }
      const head = queue.shift();
      if (!head || feed.accept(head.unit, await head.result)) return;
    }
  } finally {
    await pool.close();
  }
}
