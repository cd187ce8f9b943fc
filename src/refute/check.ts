import { compileModel, type Model } from "../models/compile.js";
import type { ModelSpec } from "../models/spec.js";
import type { Task } from "../tasks/task.js";
import { workerCount } from "../threads.js";
import { WorkerPool } from "./parallel/pool.js";
import { searchJob } from "./parallel/job.js";
import { drive, driveInline } from "./portfolio/driver.js";
import { Evaluator } from "./portfolio/evaluator.js";
import type { FeedName } from "./portfolio/feed.js";
import { portfolioOf } from "./portfolio/feeds.js";
import { planSearch, type SearchOptions } from "./plan.js";
import { verdictOf, type Verdict } from "./verdict.js";

export interface RefuteOptions extends SearchOptions {
  /** Told the feed and the runs so far, every 2^16 runs: for a progress line. */
  onProgress?: (feed: FeedName, runs: number) => void;
}

/**
 * Check a model against the lower bound for a task, in four stages a reader can follow:
 * 1. size and bound: what applies (src/reductions/applies.ts) and how many bits the model sends across its split;
 * 2. plan: the portfolio of feeds (the task's generator, the crossed inputs, the collision search) under one budget;
 * 3. search: the feeds' units in canonical order, in this thread;
 * 4. verdict: what the search established, with the finding re-derived by running the model.
 */
export function refute(model: Model, task: Task, options: RefuteOptions = {}): Verdict {
  const plan = planSearch(model, task, options);
  const portfolio = portfolioOf(plan);
  if (options.onProgress) portfolio.onProgress = options.onProgress;
  driveInline(portfolio, new Evaluator(plan));
  return verdictOf(plan, portfolio);
}

export interface ParallelOptions extends RefuteOptions {
  /**
   * Worker threads (default: as many as run at once); 1 runs in this thread. Capped at the machine's parallelism and
   * at what the address-space limit leaves room for (src/threads.ts), with a note saying so.
   */
  workers?: number;
  /** Told one line when fewer workers run than were asked for (capped, or some could not start). */
  onNote?: (line: string) => void;
  /** How long to run in this thread before starting workers (default INLINE_MS; tests set 0 to start them at once). */
  inlineMs?: number;
}

/**
 * refute() with the pure units on worker threads: the same plan, the same canonical order, so the verdict
 * (certificate, runs, seed) is the one refute() gives in one thread.
 */
export async function refuteParallel(spec: ModelSpec, task: Task, options: ParallelOptions = {}): Promise<Verdict> {
  const model = compileModel(spec);
  const plan = planSearch(model, task, { ...options, spec });
  const portfolio = portfolioOf(plan);
  if (options.onProgress) portfolio.onProgress = options.onProgress;
  const { count: workers, note } = workerCount(options.workers);
  if (note) options.onNote?.(note);
  const job = searchJob(spec, plan, options.split);
  await drive(portfolio, new Evaluator(plan), {
    workers,
    start: () => WorkerPool.start(job, workers, options.onNote),
    ...(options.inlineMs !== undefined && { inlineMs: options.inlineMs }),
  });
  return verdictOf(plan, portfolio);
}
