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
}

/** How long a search runs in the calling thread before it starts workers: small checks never pay for them. */
export const INLINE_MS = 200;

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
  while (helpers === undefined || helpers.workers <= 1 || Date.now() - started < inlineMs) {
    const unit = portfolio.next();
    if (!unit || portfolio.accept(unit, resultHere(portfolio, runner, unit))) return;
  }
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
