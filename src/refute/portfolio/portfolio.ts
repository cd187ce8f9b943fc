import type { PeriodReport } from "../feeds/period.js";
import type { DedupReport } from "../feeds/dedup.js";
import type { RhoReport } from "../rho/sequencer.js";
import type { Feed, FeedEvent, FeedName, WorkResult, WorkUnit } from "./feed.js";

/** A feed of a portfolio and its share: a feed of weight w gets w / (sum of weights) of the runs. */
export interface WeightedFeed {
  readonly feed: Feed;
  readonly weight: number;
}

/** What one feed did, for the verdict. */
export interface FeedTally {
  readonly name: FeedName;
  readonly runs: number;
  readonly items: number;
  /** How it ended: exhausted (with what it covered), gave up (why), or still going when the search ended. */
  readonly ended?: Exclude<FeedEvent, { kind: "finding" }>;
}

/** How a search ended: the first finding in canonical order, an event that decides it, or the budget. */
export type Ending =
  | { readonly kind: "finding"; readonly feed: FeedName; readonly event: Extract<FeedEvent, { kind: "finding" }> }
  /** A feed that covered what it ranges over; `decides` says whether that alone ends the search (see `decisive`). */
  | { readonly kind: "exhausted"; readonly feed: FeedName; readonly items: bigint }
  /** A pure feed that cannot go on: the canonical order would depend on when that is known, so the search ends. */
  | { readonly kind: "gave-up"; readonly feed: FeedName; readonly reason: string }
  | { readonly kind: "budget" }
  /** Every feed ended (only when no feed is infinite). */
  | { readonly kind: "feeds-ended" };

/** Largest unit per feed, in planned runs: big enough to pay for a message to a worker, small enough to stop soon. */
const MAX_UNIT_RUNS: Readonly<Record<FeedName, number>> = {
  probe: 64,
  crossed: 64,
  "fooling-set": 64,
  sample: 256,
  dedup: 4096,
  rho: 4096,
  sweep: 256,
  period: 4096,
};

/** Runs between two progress reports. */
export const PROGRESS_EVERY = 1 << 16;

/** A unit is at most 1/UNIT_FRACTION of the runs its feed has had: the first units are one run each. */
const UNIT_FRACTION = 16;

/**
 * Feeds interleaved under one budget, in a canonical order that depends on the plan alone: the next unit goes to
 * the feed with the fewest planned runs for its weight (ties to the earlier feed), sized at 1/16 of the runs that
 * feed has had (at least 1, at most its cap), so a model that is wrong on many inputs falls in a few runs and a
 * feed with half the weight never waits long. The results are taken in the same order; the first finding, an event
 * that decides the search, or the budget ends it.
 */
export class Portfolio {
  /** Protocol runs counted so far (at most the budget). */
  runs = 0;
  private planned = 0;
  private readonly plannedBy: number[];
  private readonly runsBy: number[];
  private readonly ended: (Exclude<FeedEvent, { kind: "finding" }> | "no-more")[];
  private ending: Ending | undefined;

  /** Told the runs so far and the feed, every PROGRESS_EVERY runs: for a progress line, nothing else. */
  onProgress?: (feed: FeedName, runs: number) => void;
  private told = 0;

  constructor(
    readonly feeds: readonly WeightedFeed[],
    readonly budget: number,
    /** Whether an exhausted feed ends the search (decided by the plan: e.g. a sweep of the whole task). */
    private readonly decisive: (name: FeedName) => boolean,
  ) {
    this.plannedBy = feeds.map(() => 0);
    this.runsBy = feeds.map(() => 0);
    this.ended = feeds.map(() => undefined as never);
  }

  /**
   * The next unit in canonical order, or undefined when every feed has ended or the search is over. Units are sized
   * to end the plan at the budget; past it (a rho trail's runs are known only once it is walked) they are one run
   * each, and the search ends when the runs counted reach the budget.
   */
  next(): WorkUnit | undefined {
    for (;;) {
      if (this.ending !== undefined) return undefined;
      const i = this.pick();
      if (i < 0) return undefined;
      const { feed } = this.feeds[i]!;
      const want = Math.max(
        1,
        Math.min(Math.floor(this.plannedBy[i]! / UNIT_FRACTION), MAX_UNIT_RUNS[feed.name], this.budget - this.planned),
      );
      const unit = feed.next(want);
      if (unit === undefined) {
        this.ended[i] ??= "no-more";
        continue;
      }
      this.plannedBy[i]! += unit.runs;
      this.planned += unit.runs;
      return unit;
    }
  }

  /** Runs of the budget not yet dealt in units. */
  runsLeft(): number {
    return Math.max(0, this.budget - this.planned);
  }

  /** True when the feed's units are computed by the feed itself (the driver must accept everything before them). */
  isLocal(unit: WorkUnit): boolean {
    return this.feeds.find((f) => f.feed.name === unit.feed)!.feed.local === true;
  }

  /**
   * True once a feed whose exhaustion decides the search has dealt its last unit: that unit's result ends the search
   * (a finding, its exhaustion, or the budget), so no unit after it in canonical order is ever taken. A shard stops
   * dealing there.
   */
  get decisiveDealt(): boolean {
    return this.feeds.some(({ feed }, i) => this.ended[i] === "no-more" && this.decisive(feed.name));
  }

  /** The rho feed's report, when the portfolio has one. */
  rho(): RhoReport | undefined {
    return this.feeds.find((f) => f.feed.rho)?.feed.rho?.();
  }

  /** The dedup feed's report, when the portfolio has one. */
  dedup(): DedupReport | undefined {
    return this.feeds.find((f) => f.feed.dedup)?.feed.dedup?.();
  }

  /** The period feed's report, when the portfolio has one. */
  period(): PeriodReport | undefined {
    return this.feeds.find((f) => f.feed.period)?.feed.period?.();
  }

  /** The result of the next unit in canonical order; true when the search is over. */
  accept(unit: WorkUnit, result: WorkResult): boolean {
    if (this.ending !== undefined) return true;
    const i = this.feeds.findIndex((f) => f.feed.name === unit.feed);
    const { feed } = this.feeds[i]!;
    const accepted = feed.accept(unit, result, this.budget - this.runs);
    this.runs += accepted.runs;
    this.runsBy[i]! += accepted.runs;
    if (this.onProgress && this.runs - this.told >= PROGRESS_EVERY) {
      this.told = this.runs;
      this.onProgress(feed.name, this.runs);
    }
    const event = accepted.event;
    if (event?.kind === "finding") this.ending = { kind: "finding", feed: feed.name, event };
    else if (event?.kind === "exhausted") {
      this.ended[i] = event;
      if (this.decisive(feed.name)) this.ending = { kind: "exhausted", feed: feed.name, items: event.items };
    } else if (event?.kind === "gave-up") {
      this.ended[i] = event;
      if (!feed.local) this.ending = { kind: "gave-up", feed: feed.name, reason: event.reason };
    }
    if (this.ending === undefined && this.runs >= this.budget) this.ending = { kind: "budget" };
    return this.ending !== undefined;
  }

  /** How the search ended (after the driver has run out of units or been told it is over). */
  result(): Ending {
    return this.ending ?? (this.runs >= this.budget ? { kind: "budget" } : { kind: "feeds-ended" });
  }

  tallies(): FeedTally[] {
    return this.feeds.map(({ feed }, i) => {
      const e = this.ended[i];
      return { name: feed.name, runs: this.runsBy[i]!, items: feed.items, ...(e && e !== "no-more" && { ended: e }) };
    });
  }

  private pick(): number {
    let best = -1;
    let bestShare = Infinity;
    this.feeds.forEach(({ weight }, i) => {
      if (this.ended[i] !== undefined) return;
      const share = this.plannedBy[i]! / weight;
      if (share < bestShare) {
        bestShare = share;
        best = i;
      }
    });
    return best;
  }
}
