/**
 * How many worker threads a search starts, and starting them so that a thread that cannot start costs a thread, not
 * the search. Two holes this closes: `--workers 256` on 2 cores was accepted (a 22 s check took 90 s and 3.2 GB), and
 * under `ulimit -v` a worker's start aborted the whole process with exit 133 (V8 reserves about 600 MB of address space
 * for each thread's heap and code, and dies when it cannot: nothing in-process can catch that, so the count must leave
 * room for it beforehand).
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";

type Event = "online" | "message" | "error" | "exit";
// the listener type of node's EventEmitter
type Listener = (...args: any[]) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Address space one worker thread reserves at start, measured on Node 20 (x64, Linux): VmSize grows ~600 MB. */
export const WORKER_ADDRESS_SPACE = 640 * 1024 * 1024;

export interface Machine {
  /** Threads that run at once (os.availableParallelism()). */
  readonly parallelism: number;
  /** The soft RLIMIT_AS in bytes, or undefined when unlimited or unknown. */
  readonly addressSpaceLimit: number | undefined;
  /** Address space this process uses now, in bytes (0 when unknown). */
  readonly addressSpaceUsed: number;
}

/** This machine and process, as /proc tells them (Linux); elsewhere only the parallelism is known. */
export function thisMachine(): Machine {
  let limit: number | undefined;
  let used = 0;
  try {
    const soft = /^Max address space\s+(\S+)/m.exec(readFileSync("/proc/self/limits", "utf8"))?.[1];
    if (soft !== undefined && soft !== "unlimited") limit = Number(soft);
    const kb = /^VmSize:\s+(\d+)\s+kB/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    if (kb !== undefined) used = Number(kb) * 1024;
  } catch {
    // not Linux: no limit we can see
  }
  return { parallelism: availableParallelism(), addressSpaceLimit: limit, addressSpaceUsed: used };
}

export interface WorkerCount {
  readonly count: number;
  /** One line for stderr when the count is not what was asked. */
  readonly note?: string;
}

/**
 * The worker threads to start for `asked` (undefined: as many as run at once): at most the machine's parallelism
 * (more only share the same cores, each with its own heap), and at most what the address-space limit leaves room for
 * (`perWorker` bytes each, with a quarter of the room kept for the search itself). At least 1: one means the calling
 * thread alone.
 */
export function workerCount(
  asked: number | undefined,
  machine: Machine = thisMachine(),
  perWorker: number = WORKER_ADDRESS_SPACE,
): WorkerCount {
  const wanted = asked ?? machine.parallelism;
  let count = Math.max(1, Math.min(wanted, machine.parallelism));
  const notes: string[] = [];
  if (asked !== undefined && asked > machine.parallelism)
    notes.push(`this machine runs ${machine.parallelism} thread${machine.parallelism === 1 ? "" : "s"} at once`);
  if (machine.addressSpaceLimit !== undefined) {
    const room = Math.floor(((machine.addressSpaceLimit - machine.addressSpaceUsed) * 0.75) / perWorker);
    if (room < count) {
      count = Math.max(1, room);
      notes.push(`the address-space limit (ulimit -v) leaves room for ${room} worker thread${room === 1 ? "" : "s"}`);
    }
  }
  if (notes.length === 0) return { count };
  const using = count === 1 ? "searching in this thread alone" : `using ${count} worker threads`;
  return { count, note: `--workers ${wanted}: ${notes.join(", and ")}; ${using}` };
}

export interface Started {
  readonly workers: Worker[];
  /** One line for stderr when some could not start: how many, why (the first reason), and what the search uses. */
  readonly note?: string;
}

/**
 * Starts `size` workers with `spawn` and keeps those that become ready: by default when they are online, or, with
 * `ready`, at their first message that satisfies it (a worker that builds its state at start should say when it has).
 * One that throws on creation, or reports an error or exits before it is ready, is dropped and terminated. Never
 * rejects: with no worker started, `workers` is empty and the caller searches in its own thread.
 */
export async function startWorkers(
  size: number,
  spawn: (index: number) => Worker,
  ready?: (message: unknown) => boolean,
): Promise<Started> {
  const reasons: string[] = [];
  // A worker ready before the others keeps a listener until all have settled: one that fails meanwhile is dropped too.
  const late = new Map<Worker, (e: Error) => void>();
  const failedLate = new Set<Worker>();
  const outcomes = await Promise.all(
    Array.from(
      { length: size },
      (_, i) =>
        new Promise<Worker | undefined>((settle) => {
          let worker: Worker;
          try {
            worker = spawn(i);
          } catch (e) {
            reasons.push(e instanceof Error ? e.message : String(e));
            return settle(undefined);
          }
          const listeners: [Event, Listener][] = [];
          const listen = (event: Event, listener: Listener) => {
            listeners.push([event, listener]);
            worker.on(event, listener);
          };
          const finish = (ok: boolean, reason?: string) => {
            for (const [event, listener] of listeners) worker.off(event, listener);
            if (ok) {
              const onError = (e: Error) => {
                failedLate.add(worker);
                reasons.push(e.message);
              };
              late.set(worker, onError);
              worker.on("error", onError);
              return settle(worker);
            }
            if (reason !== undefined) reasons.push(reason);
            void worker.terminate().catch(() => undefined);
            settle(undefined);
          };
          listen("error", (e: Error) => finish(false, e.message));
          listen("exit", (code: number) => finish(false, `it exited with code ${code} as it started`));
          if (ready === undefined) listen("online", () => finish(true));
          else listen("message", (m: unknown) => ready(m) && finish(true));
        }),
    ),
  );
  for (const [worker, onError] of late) worker.off("error", onError);
  for (const worker of failedLate) void worker.terminate().catch(() => undefined);
  const workers = outcomes.filter((w): w is Worker => w !== undefined && !failedLate.has(w));
  if (workers.length === size) return { workers };
  const failed = size - workers.length;
  const rest = workers.length === 0 ? "searching in this thread alone" : `the search uses the other ${workers.length}`;
  return {
    workers,
    note: `${failed} of ${size} worker thread${size === 1 ? "" : "s"} could not start (${reasons[0] ?? "no reason given"}); ${rest}`,
  };
}
