import type { WorkerPool } from "../parallel/pool.js";
import type { WorkResult, WorkUnit } from "./feed.js";
import type { UnitRunner } from "./evaluator.js";

/** A canonical sequence of units and the sequencer that takes their results in order (a Portfolio, or a shard of one). */
export interface UnitStream {
  next(): WorkUnit | undefined;
  /** A local unit is computed by its feed when accepted, after every unit before it (src/refute/portfolio/feed.ts). */
  isLocal(unit: WorkUnit): boolean;
  /** True when the stream is over. */
  accept(unit: WorkUnit, result: WorkResult): boolean;
  /** Runs still to be dealt (the budget, or a shard's share, less the runs of the units dealt so far). */
  runsLeft(): number;
}

/**
 * How long a search runs in the calling thread before it considers workers: small checks never pay for them. The
 * pace that decides is measured over the last four fifths of it, once the step is compiled and warm.
 */
export const INLINE_MS = 1000;

/**
 * Workers are started only when the runs left would take longer than this in the calling thread, at its pace so far:
 * each worker first loads the model and checks its kernels (about half a second of CPU and 25 MB here), and the
 * thread that sequences competes with them for the cores, so a search that ends sooner is faster without them (the
 * dedup walk of 2^19 runs of a hidden-8 LSTM: 2.3 s of CPU in one thread, 4.6 s with two workers; bench/README.md).
 */
export const WORKERS_PAY_MS = 4000;

/** Where a search's units are computed besides this thread. */
export interface Helpers {
  /** Starts the pool (called once, after INLINE_MS of inline work); it may hold fewer workers, or none. */
  start(): Promise<WorkerPool>;
  readonly workers: number;
  readonly inlineMs?: number;
}

/**
 * The one driver of every search: takes units from the portfolio in canonical order and hands their results back in
 * that order, so the answer never depends on where a unit was computed. Without helpers (or for its first INLINE_MS)
 * every unit is computed here; then units go to a pool of workers with a few each in flight: a unit of a partitioned
 * feed (the dedup walk) as one part a worker, each part to the worker that computed it before, whole units to the
 * worker with the fewest outstanding.
 */
export async function drive(portfolio: UnitStream, runner: UnitRunner, helpers?: Helpers): Promise<void> {
  const started = Date.now();
  const inlineMs = helpers?.inlineMs ?? INLINE_MS;
  let paced = 0;
  let pacedFrom: number | undefined;
  while (helpers === undefined || helpers.workers <= 1 || Date.now() - started < inlineMs) {
    const unit = portfolio.next();
    if (!unit || portfolio.accept(unit, resultHere(portfolio, runner, unit))) return;
    if (pacedFrom !== undefined) paced += unit.runs;
    else if (Date.now() - started >= inlineMs / 5) pacedFrom = Date.now();
  }
  // With inlineMs 0 (tests that want the pool) nothing has been paced, and workers start.
  const msLeft = paced === 0 ? Infinity : (portfolio.runsLeft() * (Date.now() - pacedFrom!)) / paced;
  if (msLeft < WORKERS_PAY_MS) return driveInline(portfolio, runner);
  const pool = await helpers.start();
  try {
    if (pool.size === 0) driveInline(portfolio, runner);
    else await withPool(portfolio, runner, pool);
  } finally {
    await pool.close();
  }
}

/** The same loop, every unit in this thread: a search's reference order. */
export function driveInline(portfolio: UnitStream, runner: UnitRunner): void {
  for (let unit = portfolio.next(); unit; unit = portfolio.next()) {
    if (portfolio.accept(unit, resultHere(portfolio, runner, unit))) return;
  }
}

function resultHere(portfolio: UnitStream, runner: UnitRunner, unit: WorkUnit): WorkResult {
  return portfolio.isLocal(unit) ? { kind: "local" } : runner.run(unit);
}

async function withPool(portfolio: UnitStream, runner: UnitRunner, pool: WorkerPool): Promise<void> {
  const queue: { unit: WorkUnit; result: Promise<WorkResult> }[] = [];
  let local: WorkUnit | undefined;
  for (;;) {
    while (local === undefined && queue.length < 3 * pool.size) {
      const unit = portfolio.next();
      if (!unit) break;
      if (portfolio.isLocal(unit)) {
        local = unit;
        break;
      }
      const parts = runner.split?.(unit, pool.size);
      const result = parts
        ? Promise.all(parts.map((p) => pool.submit(p.unit, p.worker))).then((rs) => runner.join!(unit, parts, rs))
        : pool.submit(unit);
      // Units still in flight when the search ends are dropped: their failures are nobody's concern.
      result.catch(() => undefined);
      queue.push({ unit, result });
    }
    const head = queue.shift();
    if (head) {
      if (portfolio.accept(head.unit, await head.result)) return;
      continue;
    }
    if (local === undefined) return;
    // Everything before the local unit is accepted: its feed can compute it now.
    const unit = local;
    local = undefined;
    if (portfolio.accept(unit, resultHere(portfolio, runner, unit))) return;
  }
}
