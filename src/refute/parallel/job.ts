import { compileModel } from "../../models/compile.js";
import type { ModelSpec } from "../../models/spec.js";
import { taskFromParams } from "../../tasks/index.js";
import type { Task, TaskName } from "../../tasks/task.js";
import type { FeedName } from "../portfolio/feed.js";
import { planSearch, type SearchOptions, type SearchPlan, type Strategy } from "../plan.js";

/**
 * A search as plain data: the model file, the task and the options. It is what a worker thread is given and what a
 * shard file records; `planOfJob` rebuilds the same plan from it anywhere (compiling the model there). The budget
 * is the plan's own (the default resolved), so every rebuild runs the same search.
 */
export interface SearchJob {
  readonly spec: ModelSpec;
  readonly task: { readonly name: TaskName; readonly n: number; readonly params: Readonly<Record<string, number>> };
  readonly strategy: Strategy;
  readonly budget: number;
  readonly seed: number;
  readonly maxPoints: number;
  readonly split?: string;
  readonly only?: readonly FeedName[];
}

export function searchJob(spec: ModelSpec, plan: SearchPlan, split?: string): SearchJob {
  return {
    spec,
    task: { name: plan.task.name, n: plan.task.n, params: { ...plan.task.params } },
    strategy: plan.strategy,
    budget: plan.budget,
    seed: plan.seed,
    maxPoints: plan.maxPoints,
    ...(split !== undefined && { split }),
    ...(plan.only && { only: [...plan.only] }),
  };
}

export function taskOfJob(job: Pick<SearchJob, "task">): Task {
  return taskFromParams(job.task.name, job.task.n, job.task.params);
}

export function jobOptions(job: Omit<SearchJob, "spec" | "task">): SearchOptions {
  return {
    strategy: job.strategy,
    budget: job.budget,
    seed: job.seed,
    maxPoints: job.maxPoints,
    ...(job.split !== undefined && { split: job.split }),
    ...(job.only && { only: job.only }),
  };
}

export function planOfJob(job: SearchJob): SearchPlan {
  return planSearch(compileModel(job.spec), taskOfJob(job), { ...jobOptions(job), spec: job.spec });
}
