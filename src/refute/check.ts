import { compileModel, type Model } from "../models/compile.js";
import type { ModelSpec } from "../models/spec.js";
import type { Task } from "../tasks/task.js";
import { defaultWorkers, WorkerPool } from "./parallel/pool.js";
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
  /** Worker threads (default: the machine's available parallelism); 1 runs in this thread. */
  workers?: number;
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
  const workers = options.workers ?? defaultWorkers();
  const job = searchJob(spec, plan, options.split);
  await drive(portfolio, new Evaluator(plan), {
    workers,
    start: () => new WorkerPool(job, workers),
    ...(options.inlineMs !== undefined && { inlineMs: options.inlineMs }),
  });
  return verdictOf(plan, portfolio);
}
