import { CcboundError, fail } from "../../errors.js";
import { Rng } from "../../random.js";
import { drive, driveInline, type Helpers, type UnitStream } from "../portfolio/driver.js";
import { Evaluator, type UnitRunner } from "../portfolio/evaluator.js";
import type { WorkResult, WorkUnit } from "../portfolio/feed.js";
import { portfolioOf } from "../portfolio/feeds.js";
import type { Portfolio } from "../portfolio/portfolio.js";
import type { SearchPlan } from "../plan.js";
import { verdictOf, type Verdict } from "../verdict.js";

/*
 * A search split over n independent jobs (a cluster's job array). The portfolio's canonical units, in blocks of
 * BLOCK_UNITS, are dealt round-robin: shard i (1-based) computes blocks i-1, i-1+n, i-1+2n, ... So every shard works
 * on the early units, where the answer usually is, and stops at its own first sign of a finding or at its share of
 * the budget. `mergeShards` runs the canonical sequence again, taking each unit's result from the shard that
 * computed it (an audit first recomputes a random sample of each shard's results) and computing the units no shard did.
 */

export interface ShardIndex {
  /** 1..count. */
  readonly index: number;
  readonly count: number;
}

/** Canonical units in a block: shards interleave at this grain. */
export const BLOCK_UNITS = 8;
/** Unit results of each shard that merge recomputes, by default, before it trusts the rest. */
export const DEFAULT_AUDIT = 8;
/** A shard plans 10% past its even share of the budget, so that merge rarely has units left to compute. */
const SHARE_SLACK = 1.1;

/** "i/n" with 1 <= i <= n, as typed after --shard. */
export function parseShard(text: string): ShardIndex {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || !(count >= 1 && count <= 100000 && index >= 1 && index <= count)) {
    fail(
      "invalid-flag",
      `--shard takes i/n with 1 <= i <= n <= 100000 (e.g. 3/8), got "${text.slice(0, 40)}"`,
      "--shard",
    );
  }
  return { index, count };
}

/** One unit a shard computed, at its place `at` in the canonical sequence. */
export interface ShardUnit {
  readonly at: number;
  readonly unit: WorkUnit;
  readonly result: WorkResult;
}

/** What a shard job computed, and how it ended. */
export interface ShardWork {
  readonly units: readonly ShardUnit[];
  /** Planned runs of its units. */
  readonly runs: number;
  readonly ended: "finding" | "share" | "end";
}

/** A shard needs a canonical order that results cannot change: a plan with a local feed (dedup, sweep) has none. */
export function checkShardable(plan: SearchPlan): void {
  const local = plan.feeds.find((f) => f.name === "dedup" || f.name === "sweep" || f.name === "period");
  if (local) {
    fail(
      "unsupported",
      `this search runs the ${local.name} feed, which depends on its own results and is computed in one place, so it cannot be sharded`,
      "--shard",
      local.name === "sweep"
        ? "a task this small needs no shards: run it whole"
        : local.name === "period"
          ? "a period search is one walk of the model's state: run it whole"
          : "use --strategy sample or rho",
    );
  }
}

/** Runs one shard of a plan, on the helpers' workers. */
export async function runShard(plan: SearchPlan, shard: ShardIndex, helpers?: Helpers): Promise<ShardWork> {
  checkShardable(plan);
  const stream = new ShardStream(portfolioOf(plan), shard, (SHARE_SLACK * plan.budget) / shard.count);
  await drive(stream, new Evaluator(plan), helpers);
  return stream.work();
}

/** The shard's blocks of the canonical sequence, stopping at its own first sign of a finding or at its share. */
class ShardStream implements UnitStream {
  private at = -1;
  private planned = 0;
  private readonly units: ShardUnit[] = [];
  private readonly positions = new Map<WorkUnit, number>();
  private readonly digests = new Set<string>();
  private ended: ShardWork["ended"] = "end";

  constructor(
    private readonly portfolio: Portfolio,
    private readonly shard: ShardIndex,
    private readonly share: number,
  ) {}

  next(): WorkUnit | undefined {
    if (this.planned >= this.share) {
      this.ended = "share";
      return undefined;
    }
    for (;;) {
      const unit = this.portfolio.next();
      if (!unit) return undefined;
      this.at++;
      if (Math.floor(this.at / BLOCK_UNITS) % this.shard.count !== this.shard.index - 1) continue;
      this.positions.set(unit, this.at);
      this.planned += unit.runs;
      return unit;
    }
  }

  isLocal(): boolean {
    return false;
  }

  accept(unit: WorkUnit, result: WorkResult): boolean {
    this.units.push({ at: this.positions.get(unit)!, unit, result });
    if (this.showsFinding(result)) {
      this.ended = "finding";
      return true;
    }
    return false;
  }

  /** A wrong answer, a digest met before, or a trail that ended on a wrong answer, a cycle or a known point. */
  private showsFinding(result: WorkResult): boolean {
    switch (result.kind) {
      case "answers":
        return result.wrong.length > 0;
      case "digests":
        return result.wrong.length > 0 || result.digests.some((d) => this.seen(d));
      case "trails":
        return result.trails.some(
          (t) => t.end === "wrong" || t.end === "cycle" || (t.end === "dp" && this.seen(`dp:${t.point}`)),
        );
      case "local":
        return false;
    }
  }

  private seen(key: string): boolean {
    if (this.digests.has(key)) return true;
    this.digests.add(key);
    return false;
  }

  work(): ShardWork {
    return { units: this.units, runs: this.planned, ended: this.ended };
  }
}

/** What merge took on the shards' word, and what it recomputed. */
export interface MergeReport {
  readonly fromShards: number;
  /** Shard results recomputed here before any was used (all matched, or merge failed). */
  readonly audited: number;
  /** The seed that chose them (fresh for every merge unless given: a forger cannot know which will be checked). */
  readonly auditSeed: number;
  /** Units no shard computed, computed here. */
  readonly computedHere: number;
}

/** How many of each shard's results merge recomputes, and the seed that picks them. */
export interface Audit {
  /** Results per shard, or "all". */
  readonly units: number | "all";
  readonly seed: number;
}

/**
 * The search's verdict from its shards' work: first a random sample of every shard's unit results (the audit) is
 * recomputed and must match exactly; then the canonical sequence is run again, each unit's result taken from the shard that
 * computed it, or computed here. A finding is re-derived by running the model; a result the model does not
 * reproduce, or a merged verdict that contradicts the bound, is one error line (exit 2), never a verdict.
 */
export function mergeShards(
  plan: SearchPlan,
  works: readonly ShardWork[],
  audit: Audit,
): { verdict: Verdict } & MergeReport {
  checkShardable(plan);
  const evaluator = new Evaluator(plan);
  const known = new Map<number, ShardUnit>();
  works.forEach((w, s) => {
    for (const u of w.units) {
      if (known.has(u.at)) fail("invalid-input", `two shard files hold unit ${u.at} of the search`, `shard ${s + 1}`);
      known.set(u.at, u);
    }
  });
  const audited = auditShards(works, evaluator, audit);
  const runner = new KnownUnits(known, evaluator);
  const portfolio = portfolioOf(plan);
  try {
    driveInline(portfolio, runner);
    return {
      verdict: verdictOf(plan, portfolio),
      fromShards: runner.fromShards,
      audited,
      auditSeed: audit.seed,
      computedHere: runner.computedHere,
    };
  } catch (e) {
    if (e instanceof CcboundError) throw e;
    // A finding that does not re-derive, or an exhausted search below the bound: the files are not the search's.
    const why = e instanceof Error ? e.message : String(e);
    return fail("invalid-input", `the shard files do not match the search: ${why}`, "merge");
  }
}

/** Recomputes a random sample of each shard's units (or all of them); any difference is an altered file. */
function auditShards(works: readonly ShardWork[], evaluator: Evaluator, audit: Audit): number {
  let checked = 0;
  works.forEach((w, s) => {
    const rng = new Rng(audit.seed, s);
    const k = audit.units === "all" ? w.units.length : audit.units;
    const picks = w.units.length <= k ? w.units : rng.sample(w.units.length, k).map((i) => w.units[i]!);
    for (const u of picks) {
      checked++;
      if (JSON.stringify(evaluator.run(u.unit)) !== JSON.stringify(u.result)) {
        fail(
          "invalid-input",
          `shard ${s + 1}'s result for unit ${u.at} (${u.unit.feed}) is not what the model computes: the file was altered or is from another search`,
          "merge",
        );
      }
    }
  });
  return checked;
}

/** Unit results from the shards' files by canonical position, or computed when no shard did. */
class KnownUnits implements UnitRunner {
  fromShards = 0;
  computedHere = 0;
  private at = -1;

  constructor(
    private readonly known: ReadonlyMap<number, ShardUnit>,
    private readonly evaluator: Evaluator,
  ) {}

  run(unit: WorkUnit): WorkResult {
    this.at++;
    const k = this.known.get(this.at);
    if (!k) {
      this.computedHere++;
      return this.evaluator.run(unit);
    }
    const sameItems = JSON.stringify(k.unit.items ?? null) === JSON.stringify(unit.items ?? null);
    if (k.unit.feed !== unit.feed || k.unit.first !== unit.first || k.unit.count !== unit.count || !sameItems) {
      fail(
        "invalid-input",
        `the shard files put another unit at position ${this.at} of the search than it has`,
        "merge",
      );
    }
    this.fromShards++;
    return k.result;
  }
}
