import { CcboundError, fail } from "../../errors.js";
import { Rng } from "../../random.js";
import { drive, driveInline, type Helpers, type UnitStream } from "../portfolio/driver.js";
import { Evaluator, type UnitRunner } from "../portfolio/evaluator.js";
import { sameResult, type WorkResult, type WorkUnit } from "../portfolio/feed.js";
import { portfolioOf } from "../portfolio/feeds.js";
import type { Portfolio } from "../portfolio/portfolio.js";
import { dedupLayout, type DedupLayout } from "../one-way/dedup.js";
import { digestHex } from "../feeds/digests.js";
import type { SearchPlan } from "../plan.js";
import { verdictOf, type Verdict } from "../verdict.js";

/*
 * A search split over n independent jobs (a cluster's job array). The portfolio's canonical units, in blocks of
 * BLOCK_UNITS, are dealt round-robin: shard i (1-based) computes blocks i-1, i-1+n, i-1+2n, ... So every shard works
 * on the early units, where the answer usually is, and stops at its own first sign of a finding or at its share of
 * the budget. The dedup walk is partitioned instead (by Alice's first symbols, src/refute/one-way/dedup.ts): shard i
 * computes part i-1 of n of every one of its units, so it keeps its own partitions' states from level to level.
 * `mergeShards` runs the canonical sequence again, taking each unit's result (or each part's) from the shard that
 * computed it (an audit first recomputes a random sample of each shard's results) and computing what no shard did;
 * the dedup walk's digests of a level from all shards go into one table, where collisions between shards appear.
 * A local feed (the period walk) is walked by every shard itself and again by merge; its units are in no shard file.
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

/** Runs one shard of a plan, on the helpers' workers. */
export async function runShard(plan: SearchPlan, shard: ShardIndex, helpers?: Helpers): Promise<ShardWork> {
  const evaluator = new Evaluator(plan);
  const stream = new ShardStream(portfolioOf(plan), evaluator, shard, (SHARE_SLACK * plan.budget) / shard.count);
  await drive(stream, evaluator, helpers);
  return stream.work();
}

/**
 * The shard's blocks of the canonical sequence and its part of every dedup unit, stopping at its own first sign of
 * a finding or at its share.
 */
class ShardStream implements UnitStream {
  private at = -1;
  private planned = 0;
  private readonly units: ShardUnit[] = [];
  private readonly positions = new Map<WorkUnit, number>();
  private readonly digests = new Set<string>();
  private readonly items = new Map<string, string>();
  private readonly layout: DedupLayout | undefined;
  private ended: ShardWork["ended"] = "end";

  constructor(
    private readonly portfolio: Portfolio,
    private readonly evaluator: Evaluator,
    private readonly shard: ShardIndex,
    private readonly share: number,
  ) {
    const plan = evaluator.plan;
    this.layout = plan.feeds.some((f) => f.name === "dedup") ? dedupLayout(plan.space!) : undefined;
  }

  next(): WorkUnit | undefined {
    if (this.planned >= this.share) {
      this.ended = "share";
      return undefined;
    }
    for (;;) {
      const whole = this.portfolio.next();
      if (!whole || this.portfolio.decisiveDealt) return undefined;
      // A local unit (the period walk) is every shard's: computed here by its feed, in order, never written.
      if (this.portfolio.isLocal(whole)) return whole;
      this.at++;
      const unit = this.mine(whole);
      if (!unit) continue;
      this.positions.set(unit, this.at);
      this.planned += this.evaluator.runsOf(unit);
      return unit;
    }
  }

  /** What this shard computes of a unit: its part of a dedup unit, or the whole of a unit in one of its blocks. */
  private mine(unit: WorkUnit): WorkUnit | undefined {
    if (unit.feed === "dedup") {
      const part = { ...unit, part: { index: this.shard.index - 1, of: this.shard.count } };
      return this.evaluator.runsOf(part) > 0 ? part : undefined;
    }
    return Math.floor(this.at / BLOCK_UNITS) % this.shard.count === this.shard.index - 1 ? unit : undefined;
  }

  isLocal(unit: WorkUnit): boolean {
    return this.portfolio.isLocal(unit);
  }

  runsLeft(): number {
    return Math.max(0, Math.min(this.share - this.planned, this.portfolio.runsLeft()));
  }

  accept(unit: WorkUnit, result: WorkResult): boolean {
    if (result.kind === "local") {
      // The local feed's walk, as merge will walk it; its finding is this shard's sign of one too.
      if (!this.portfolio.accept(unit, result)) return false;
      if (this.portfolio.result().kind === "finding") this.ended = "finding";
      return true;
    }
    this.units.push({ at: this.positions.get(unit)!, unit, result });
    if (this.showsFinding(unit, result)) {
      this.ended = "finding";
      return true;
    }
    return false;
  }

  /**
   * A wrong answer, a digest met before (the dedup walk's: within its level), or a trail that ended on a wrong answer,
   * a cycle or a known point.
   */
  private showsFinding(unit: WorkUnit, result: WorkResult): boolean {
    switch (result.kind) {
      case "local":
        return false;
      case "answers":
        return result.wrong.length > 0;
      case "digests": {
        if (result.wrong.length > 0) return true;
        // A seeded draw may repeat an item (the same string twice): only a digest met on another item is a sign.
        const digests = result.digests;
        if (unit.feed !== "dedup") {
          for (let i = 0; i < digests.length / 2; i++)
            if (this.seenOn(`${unit.feed}:${digestHex(digests, i)}`, unit.items?.[i] ?? `#${unit.first + i}`))
              return true;
          return false;
        }
        let seen = false;
        let i = 0;
        this.layout!.forEachRun(unit, (level) => {
          if (level <= this.layout!.cut && this.seen(`${level}:${digestHex(digests, i++)}`)) seen = true;
        });
        return seen;
      }
      case "trails":
        return result.trails.some(
          (t) => t.end === "wrong" || t.end === "cycle" || (t.end === "dp" && this.seen(`dp:${t.point}`)),
        );
    }
  }

  /** Whether `key` was met before with another item (it is kept with its first item). */
  private seenOn(key: string, item: string): boolean {
    const first = this.items.get(key);
    if (first === undefined) {
      this.items.set(key, item);
      return false;
    }
    return first !== item;
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
  /**
   * For a survival: the shard results it rests on that the audit had not recomputed, all recomputed here (and
   * matched) before the survival was reported. Zero for any other verdict.
   */
  readonly rederived: number;
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
 * reproduce, or a merged verdict that contradicts the bound, is one error line (exit 2), never a verdict. A survival
 * rests on every negative result, so none of them is taken on a shard's word: before one is reported, every shard
 * result it used that the audit did not recompute is recomputed here and must match (a survival costs the merge
 * the search's work; a refutation costs the audit and the re-derivation of its finding).
 */
export function mergeShards(
  plan: SearchPlan,
  works: readonly ShardWork[],
  audit: Audit,
): { verdict: Verdict } & MergeReport {
  const evaluator = new Evaluator(plan);
  const known = new Map<string, ShardUnit>();
  /** Each unit's shard (0-based), for messages. */
  const owner = new Map<ShardUnit, number>();
  const count = works.length;
  works.forEach((w, s) => {
    for (const u of w.units) {
      const part = u.unit.part;
      if (part && (part.index !== s || part.of !== count || u.unit.feed !== "dedup")) {
        fail("invalid-input", `shard ${s + 1} holds part ${part.index}/${part.of} of unit ${u.at}`, "merge");
      }
      const key = part ? `${u.at}:${part.index}` : `${u.at}`;
      if (known.has(key)) fail("invalid-input", `two shard files hold unit ${key} of the search`, `shard ${s + 1}`);
      known.set(key, u);
      owner.set(u, s);
    }
  });
  const recomputed = new Set<ShardUnit>();
  const audited = auditShards(works, evaluator, audit, recomputed);
  try {
    let runner = new KnownUnits(known, evaluator, count);
    let portfolio = portfolioOf(plan);
    driveInline(portfolio, runner);
    let verdict = verdictOf(plan, portfolio);
    if (verdict.kind === "survived" && runner.fromShards > 0) {
      // Again, every shard result not yet recomputed recomputed as it is taken: the survival on no shard's word.
      runner = new KnownUnits(known, evaluator, count, { recomputed, owner });
      portfolio = portfolioOf(plan);
      driveInline(portfolio, runner);
      verdict = verdictOf(plan, portfolio);
    }
    return {
      verdict,
      fromShards: runner.fromShards,
      audited,
      auditSeed: audit.seed,
      computedHere: runner.computedHere,
      rederived: runner.rederived,
    };
  } catch (e) {
    if (e instanceof CcboundError) throw e;
    // A finding that does not re-derive, or an exhausted search below the bound: the files are not the search's.
    const why = e instanceof Error ? e.message : String(e);
    return fail("invalid-input", `the shard files do not match the search: ${why}`, "merge");
  }
}

/** Recomputes a random sample of each shard's units (or all of them); any difference is an altered file. */
function auditShards(
  works: readonly ShardWork[],
  evaluator: Evaluator,
  audit: Audit,
  recomputed: Set<ShardUnit>,
): number {
  let checked = 0;
  works.forEach((w, s) => {
    const rng = new Rng(audit.seed, s);
    const k = audit.units === "all" ? w.units.length : audit.units;
    const picks = w.units.length <= k ? w.units : rng.sample(w.units.length, k).map((i) => w.units[i]!);
    for (const u of picks) {
      checked++;
      recompute(evaluator, u, s);
      recomputed.add(u);
    }
  });
  return checked;
}

/** A shard's unit recomputed: any difference from its file's result is an altered file. */
function recompute(evaluator: Evaluator, u: ShardUnit, shard: number): void {
  if (!sameResult(evaluator.run(u.unit), u.result)) {
    fail(
      "invalid-input",
      `shard ${shard + 1}'s result for unit ${u.at} (${u.unit.feed}) is not what the model computes: the file was altered or is from another search`,
      "merge",
    );
  }
}

/**
 * Unit results from the shards' files by canonical position, or computed when no shard did; a dedup unit from its
 * parts, one a shard (each taken from its shard's file, or computed here).
 */
class KnownUnits implements UnitRunner {
  fromShards = 0;
  computedHere = 0;
  /** Results taken from the shards and recomputed as they were taken (with `verify`: those not recomputed before). */
  rederived = 0;
  private at = -1;

  constructor(
    private readonly known: ReadonlyMap<string, ShardUnit>,
    private readonly evaluator: Evaluator,
    private readonly shards: number,
    /** When given, every shard result not yet recomputed is recomputed before it is used. */
    private readonly verify?: {
      readonly recomputed: ReadonlySet<ShardUnit>;
      readonly owner: ReadonlyMap<ShardUnit, number>;
    },
  ) {}

  run(unit: WorkUnit): WorkResult {
    this.at++;
    if (unit.feed !== "dedup") return this.take(unit, `${this.at}`);
    const parts = Array.from({ length: this.shards }, (_, s) => ({
      unit: { ...unit, part: { index: s, of: this.shards } },
      worker: s,
    })).filter((p) => this.evaluator.runsOf(p.unit) > 0);
    const results = parts.map((p) => this.take(p.unit, `${this.at}:${p.worker}`));
    return this.evaluator.join(unit, parts, results);
  }

  private take(unit: WorkUnit, key: string): WorkResult {
    const k = this.known.get(key);
    if (!k) {
      this.computedHere++;
      return this.evaluator.run(unit);
    }
    const u = k.unit;
    const same =
      u.feed === unit.feed &&
      u.first === unit.first &&
      u.count === unit.count &&
      u.runs === unit.runs &&
      JSON.stringify(u.items ?? null) === JSON.stringify(unit.items ?? null) &&
      u.part?.index === unit.part?.index &&
      u.part?.of === unit.part?.of;
    if (!same) {
      fail("invalid-input", `the shard files put another unit at position ${key} of the search than it has`, "merge");
    }
    this.fromShards++;
    if (this.verify && !this.verify.recomputed.has(k)) {
      recompute(this.evaluator, k, this.verify.owner.get(k)!);
      this.rederived++;
    }
    return k.result;
  }
}
