import { compileModel } from "../models/compile.js";
import type { ModelSpec } from "../models/spec.js";
import { makeTask, taskOptionsFromParams } from "../tasks/index.js";
import type { Task } from "../tasks/task.js";
import { planTwoWay, type TwoWayOptions, type TwoWayPlan } from "./two-way-plan.js";
import type { Strategy } from "./verdict.js";

/**
 * A two-way search as plain data: the model file, the task and the options. It is what a worker thread is given and
 * what a shard file records; `planOfJob` rebuilds the same plan from it anywhere (compiling the model there).
 */
export interface SearchJob {
  readonly spec: ModelSpec;
  readonly task: { readonly name: string; readonly n: number; readonly params: Readonly<Record<string, number>> };
  readonly strategy: Strategy;
  readonly budget: number;
  readonly seed: number;
  readonly maxPoints?: number;
  readonly split?: string;
}

export function searchJob(spec: ModelSpec, task: Task, options: TwoWayOptions): SearchJob {
  return {
    spec,
    task: { name: task.name, n: task.n, params: { ...task.params } },
    strategy: options.strategy ?? "auto",
    budget: options.budget ?? 0,
    seed: options.seed ?? 0,
    ...(options.maxPoints !== undefined && { maxPoints: options.maxPoints }),
    ...(options.split !== undefined && { split: options.split }),
  };
}

export function taskOfJob(job: SearchJob): Task {
  return makeTask(job.task.name, job.task.n, taskOptionsFromParams(job.task.name, job.task.params));
}

export function planOfJob(job: SearchJob): TwoWayPlan {
  return planTwoWay(compileModel(job.spec), taskOfJob(job), {
    strategy: job.strategy,
    ...(job.budget > 0 && { budget: job.budget }),
    seed: job.seed,
    spec: job.spec,
    ...(job.maxPoints !== undefined && { maxPoints: job.maxPoints }),
    ...(job.split !== undefined && { split: job.split }),
  });
}
