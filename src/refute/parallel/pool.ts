import { Worker } from "node:worker_threads";
import { CcboundError, type ErrorCode } from "../../errors.js";
import { startWorkers, workerCount } from "../../threads.js";
import type { SearchJob } from "./job.js";
import type { WorkResult, WorkUnit } from "../portfolio/feed.js";

/** The default number of workers: as many threads as run at once, within the address-space limit. */
export function defaultWorkers(): number {
  return workerCount(undefined).count;
}

/**
 * Per worker, the V8 heap limits that keep its address-space reservation near 100 MB instead of about 600 MB, and its
 * young generation at 4 MB: measured on the dedup walk, 8 to 12 MB less resident memory a worker than at 16 MB, at
 * the same CPU time (a search keeps little that is young: its tables are typed arrays).
 */
const RESOURCE_LIMITS = { codeRangeSizeMb: 16, maxYoungGenerationSizeMb: 4 };

/**
 * A fixed set of worker threads that compute the work units of one search job. Each worker compiles the model once
 * (from the job's model file) and keeps it; a unit goes to the worker named for it or with the fewest outstanding. Plain
 * node:worker_threads: the search needs a per-worker compiled model, in-order results and a stop at the first
 * finding, which a task-queue pool library would not do for us.
 */
export class WorkerPool {
  private readonly workers: Worker[];
  private readonly outstanding: number[];
  private readonly waiting = new Map<
    number,
    { resolve: (r: WorkResult) => void; reject: (e: Error) => void; worker: number }
  >();
  private nextId = 0;
  private failure: Error | undefined;

  private constructor(workers: Worker[]) {
    this.workers = workers;
    this.outstanding = workers.map(() => 0);
    workers.forEach((w, i) => this.listen(w, i));
  }

  /**
   * Starts `size` workers for a job and keeps those that become ready (each says so once it has built the plan); a
   * worker that cannot start is dropped, with one line for `onNote`. With none, the caller searches in its own thread.
   */
  static async start(job: SearchJob, size: number, onNote?: (line: string) => void): Promise<WorkerPool> {
    const started = await startWorkers(
      size,
      () => workerFor(job),
      (m) => (m as { ready?: boolean }).ready === true,
    );
    if (started.note) onNote?.(started.note);
    return new WorkerPool(started.workers);
  }

  get size(): number {
    return this.workers.length;
  }

  /** A unit to `worker` (a part of a partitioned feed goes to the worker that keeps its state), else to the least busy. */
  submit(unit: WorkUnit, worker?: number): Promise<WorkResult> {
    if (this.failure) return Promise.reject(this.failure);
    const w = worker ?? this.outstanding.indexOf(Math.min(...this.outstanding));
    const id = this.nextId++;
    this.outstanding[w]!++;
    this.workers[w]!.postMessage({ id, unit });
    return new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject, worker: w }));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private listen(worker: Worker, index: number): void {
    worker.on(
      "message",
      (m: {
        id: number;
        result?: WorkResult;
        error?: string;
        bad?: { code: ErrorCode; where?: string; hint?: string };
      }) => {
        const waiter = this.waiting.get(m.id);
        if (!waiter) return;
        this.waiting.delete(m.id);
        this.outstanding[index]!--;
        if (m.bad) waiter.reject(new CcboundError(m.bad.code, m.error!, m.bad.where, m.bad.hint));
        else if (m.error !== undefined) waiter.reject(new Error(`worker ${index}: ${m.error}`));
        else waiter.resolve(m.result!);
      },
    );
    worker.on("error", (e) => this.fail(e));
  }

  /** A worker that died fails everything still waiting: the search cannot finish in order without its units. */
  private fail(e: Error): void {
    this.failure = e;
    for (const waiter of this.waiting.values()) waiter.reject(e);
    this.waiting.clear();
  }
}

/**
 * The worker script next to this module: compiled JavaScript when running from dist/, or the TypeScript source
 * under a test runner, loaded through tsx (a development dependency, used only there).
 */
function workerFor(job: SearchJob): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) {
    return new Worker(new URL("./worker.js", here), { workerData: job, resourceLimits: RESOURCE_LIMITS });
  }
  const source = new URL("./worker.ts", here).href;
  const boot = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(boot, { eval: true, workerData: job, resourceLimits: RESOURCE_LIMITS });
}
