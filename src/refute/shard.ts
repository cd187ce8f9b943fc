import { fail } from "../errors.js";
import { trailsPerUnit, feedFor, type Feed } from "./feed.js";
import { Draws, DrawSequencer, examineElement, type Examined, type FoolingOutcome } from "./fooling-search.js";
import { drive } from "./parallel.js";
import type { Trail } from "./rho.js";
import { RhoSequencer } from "./rho-sequencer.js";
import type { SearchJob } from "./search-job.js";
import type { TwoWayPlan } from "./two-way-plan.js";
import type { TwoWayResult } from "./two-way-verdict.js";
import { Evaluator, type UnitRunner, type WorkResult, type WorkUnit } from "./work-unit.js";

/*
 * A search split over n independent jobs (a cluster's job array). Its canonical units, grouped in blocks, are dealt
 * round-robin: shard i (1-based) computes blocks i-1, i-1+n, i-1+2n, ... So every shard works on the early units,
 * where the answer usually is, and stops at its own first finding (the search's answer is then no later) or at its
 * share of the budget. `mergeShards` puts the blocks back in canonical order and computes any unit no shard did.
 */

export interface ShardIndex {
  /** 1..count. */
  readonly index: number;
  readonly count: number;
}

/** Draws in a block of a sharded table search. */
export const DRAWS_PER_BLOCK = 256;

/** "i/n" with 1 <= i <= n, as typed after --shard. */
export function parseShard(text: string): ShardIndex {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || !(count >= 1 && count <= 100000 && index >= 1 && index <= count)) {
    fail("invalid-flag", `--shard takes i/n with 1 <= i <= n (e.g. 3/8), got "${text}"`, "--shard");
  }
  return { index, count };
}

/** What a shard job computed: the results of its blocks' units, and how it ended. */
export interface ShardWork {
  readonly kind: "rho" | "table";
  /** rho: its trails, each with its index j. */
  readonly trails?: readonly Trail[];
  /** table: per block it started, the digests of its draws from the block's start and which draws it answered wrongly. */
  readonly blocks?: readonly {
    readonly block: number;
    readonly digests: readonly string[];
    readonly wrong: readonly number[];
  }[];
  /** Protocol runs the shard did (its own count, not the search's canonical one). */
  readonly runs: number;
  readonly ended: "finding" | "budget" | "end";
}

/** Runs one shard of a plan, on `workers` threads. */
export async function runShard(
  plan: TwoWayPlan,
  job: SearchJob,
  shard: ShardIndex,
  workers: number,
  inlineMs?: number,
): Promise<ShardWork> {
  const evaluator = new Evaluator(plan);
  const feed = plan.search.kind === "rho" ? rhoShardFeed(plan, evaluator, shard) : tableShardFeed(plan, shard);
  await drive(feed, evaluator, workers, job, inlineMs);
  return feed.work();
}

interface ShardFeed extends Feed {
  work(): ShardWork;
}

/** The shard's trail blocks in order, checked by a sequencer of its own (its own table, its share of the budget). */
function rhoShardFeed(plan: TwoWayPlan, evaluator: Evaluator, shard: ShardIndex): ShardFeed {
  if (plan.search.kind !== "rho") throw new Error("not a rho plan");
  const share = Math.ceil((1.1 * plan.budget) / shard.count);
  const sequencer = new RhoSequencer(evaluator.rho(), share, plan.search.maxPoints);
  const perBlock = trailsPerUnit(plan);
  const trails: Trail[] = [];
  let block = shard.index - 1;
  let ended: ShardWork["ended"] = "budget";
  return {
    next() {
      const unit = { kind: "trails" as const, from: block * perBlock, count: perBlock };
      block += shard.count;
      return unit;
    },
    accept(_unit, result) {
      for (const trail of (result as Extract<WorkResult, { kind: "trails" }>).trails) {
        if (sequencer.exhausted) return true;
        trails.push(trail);
        const found = sequencer.accept(trail);
        if (found) return ((ended = found.kind === "gave-up" ? "budget" : "finding"), true);
      }
      return sequencer.exhausted;
    },
    work: () => ({ kind: "rho", trails, runs: sequencer.runs, ended }),
  };
}

/** The shard's draw blocks in order (the draws of other blocks skipped), checked against its own digests. */
function tableShardFeed(plan: TwoWayPlan, shard: ShardIndex): ShardFeed {
  if (plan.search.kind !== "table") throw new Error("not a table plan");
  const draws = new Draws(plan.ctx.family.size, plan.budget, plan.seed, plan.search.mode);
  const sequencer = new DrawSequencer(plan.ctx.family);
  const blocks: { block: number; digests: string[]; wrong: number[] }[] = [];
  let block = shard.index - 1;
  let ended: ShardWork["ended"] = "end";
  return {
    next() {
      const first = block * DRAWS_PER_BLOCK;
      if (first >= draws.total) return undefined;
      draws.skip(first);
      const count = Math.min(DRAWS_PER_BLOCK, draws.total - first);
      block += shard.count;
      return { kind: "draws", first, indices: Array.from({ length: count }, () => draws.next()) };
    },
    accept(unit, result) {
      if (unit.kind !== "draws" || result.kind !== "draws") throw new Error("a trails result for a table search");
      const kept = { block: unit.first / DRAWS_PER_BLOCK, digests: [] as string[], wrong: [] as number[] };
      blocks.push(kept);
      for (let i = 0; i < unit.indices.length; i++) {
        const e = result.examined[i]!;
        kept.digests.push(e.digest);
        if (!e.right) kept.wrong.push(i);
        if (sequencer.accept(unit.indices[i]!, e)) return ((ended = "finding"), true);
      }
      return false;
    },
    work: () => ({ kind: "table", blocks, runs: sequencer.runs, ended }),
  };
}

/**
 * The search's result from its shards' work: the canonical feed, with each unit answered from the shards where
 * they computed it and computed here where none did (a shard that stopped early). `filled` counts those units.
 */
export async function mergeShards(
  plan: TwoWayPlan,
  works: readonly ShardWork[],
  onProgress?: (runs: number) => void,
): Promise<TwoWayResult & { filled: number }> {
  const evaluator = new Evaluator(plan);
  const known = new KnownUnits(plan, works, evaluator);
  const feed = feedFor(plan, evaluator, onProgress);
  for (let unit = feed.next(); unit && !feed.accept(unit, known.run(unit)); unit = feed.next());
  const result = feed.result();
  confirm(plan, result.outcome);
  return { ...result, filled: known.filled };
}

/**
 * Shard files are read, not trusted: a finding they lead to is re-run here (rho's collisions already were, on
 * their exact transcripts), so an altered file gives one clear error rather than a wrong verdict.
 */
function confirm(plan: TwoWayPlan, outcome: FoolingOutcome): void {
  const { protocol, family, binding } = plan.ctx;
  const value = binding.labelId.get(family.value)!;
  const examine = (i: bigint) => examineElement(protocol, family, binding, value, i);
  const altered = (what: string) =>
    fail(
      "invalid-input",
      `the shard files report ${what}, which the model does not reproduce: a shard file does not match the search`,
    );
  if (outcome.kind === "wrong-answer" && examine(outcome.element).right)
    altered(`a wrong answer on fooling-set element ${outcome.element}`);
  if (outcome.kind === "collision" && examine(outcome.a).digest !== examine(outcome.b).digest)
    altered(`one transcript for elements ${outcome.a} and ${outcome.b}`);
}

/** Unit results from the shards' files, or computed when missing. */
class KnownUnits implements UnitRunner {
  filled = 0;
  private readonly trails = new Map<number, Trail>();
  private readonly draws = new Map<number, Examined>();

  constructor(
    plan: TwoWayPlan,
    works: readonly ShardWork[],
    private readonly evaluator: Evaluator,
  ) {
    for (const w of works) {
      for (const t of w.trails ?? []) this.trails.set(t.j, t);
      for (const b of w.blocks ?? []) {
        const wrong = new Set(b.wrong);
        b.digests.forEach((digest, i) =>
          this.draws.set(b.block * DRAWS_PER_BLOCK + i, { digest, right: !wrong.has(i) }),
        );
      }
    }
    if (plan.search.kind === "rho" && works.some((w) => w.kind !== "rho"))
      fail("invalid-input", "a table shard in a rho search");
  }

  run(unit: WorkUnit): WorkResult {
    if (unit.kind === "trails") {
      const trails = Array.from({ length: unit.count }, (_, i) => this.trails.get(unit.from + i));
      if (trails.every((t) => t !== undefined)) return { kind: "trails", trails: trails as Trail[] };
      this.filled++;
      return this.evaluator.run(unit);
    }
    const examined = unit.indices.map((_, i) => this.draws.get(unit.first + i));
    if (examined.every((e) => e !== undefined)) return { kind: "draws", examined: examined as Examined[] };
    this.filled++;
    return this.evaluator.run(unit);
  }
}
