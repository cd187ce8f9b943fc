import type { Finding } from "../finding.js";
import type { RhoReport } from "../rho/sequencer.js";
import type { Trail } from "../rho/walker.js";
import type { PeriodReport } from "../feeds/period.js";
import type { DedupReport } from "../feeds/dedup.js";

/*
 * A search is a portfolio of feeds, each a canonical sequence of work units: the task's own generator (probe), the
 * crossed inputs of fooling-set elements (crossed), and the reduction's collision search (fooling-set, sample,
 * dedup, rho), plus a sweep of every input when the task is small. A unit is plain data and its result a function of
 * the plan alone, so it can be computed in this thread, on a worker, or by a shard job. A feed's sequencer takes the
 * results in canonical order and decides what they show.
 */

export const FEED_NAMES = ["probe", "crossed", "fooling-set", "sample", "dedup", "rho", "sweep", "period"] as const;
export type FeedName = (typeof FEED_NAMES)[number];

/** What a feed's runs are, for reports. */
export const FEED_ROLE: Readonly<Record<FeedName, string>> = {
  probe: "inputs of the task's own generator",
  crossed: "crossed inputs of fooling-set elements (the theorem's hard negatives)",
  "fooling-set": "fooling-set elements, transcripts hashed (collision search)",
  sample: "Alice's strings, each with every query checked, messages hashed",
  dedup: "Alice's prefixes, one per distinct state (collision search)",
  rho: "rho walk over the fooling set, distinguished points kept (collision search)",
  sweep: "every input of the task in order",
  period: "the full state on 1 1 1 ..., until it repeats (Brent's method; one step a run)",
};

/**
 * Units: `first`..`first + count - 1` of the feed's sequence (draws, trails, inputs, the dedup walk's runs). A local
 * feed (period: one walk, each step depending on the last) computes its units itself, in order, from its own state.
 */
export interface WorkUnit {
  readonly feed: FeedName;
  readonly first: number;
  readonly count: number;
  /** The runs the unit is planned to take (a rho trail: about 2^k), what the portfolio interleaves by. */
  readonly runs: number;
  /**
   * Seeded draws' items (fooling-set elements, Alice's strings), as decimal strings: drawn one after another from the
   * seed's generator by the feed (cheap), so that draw k is the k-th of one sequence, and carried in the unit so that
   * whoever computes it needs no generator.
   */
  readonly items?: readonly string[];
  /** Just the unit's runs in one part of a partitioned feed (the dedup walk's, src/refute/one-way/dedup.ts). */
  readonly part?: UnitPart;
}

/** The partitions p with p mod `of` = `index`: what one of `of` workers or shard jobs computes of a unit. */
export interface UnitPart {
  readonly index: number;
  readonly of: number;
}

/** A pure unit's result, as it crosses threads and goes into shard files. */
export type WorkResult =
  /** probe, crossed: the offsets (within the unit) of the inputs the model answers wrongly. */
  | { readonly kind: "answers"; readonly wrong: readonly number[] }
  /**
   * fooling-set, sample: a digest of each run's transcript, and the offsets answered wrongly; dedup: a digest of each
   * prefix step's state and the offset of the first final check answered wrongly. Digest i is the 64-bit pair
   * digests[2 i], digests[2 i + 1] (typed, so that a unit's digests are one allocation, not a string a run; a shard
   * file writes them as 16 hex digits each, src/io/shard-file.ts).
   */
  | { readonly kind: "digests"; readonly digests: Uint32Array; readonly wrong: readonly number[] }
  | { readonly kind: "trails"; readonly trails: readonly Trail[] }
  /** A local unit: computed by its feed when accepted. */
  | { readonly kind: "local" };

/** Whether two results are one (a shard's, and the same unit recomputed): digests word for word, the rest as JSON. */
export function sameResult(a: WorkResult, b: WorkResult): boolean {
  if (a.kind === "digests" || b.kind === "digests") {
    if (a.kind !== "digests" || b.kind !== "digests" || a.digests.length !== b.digests.length) return false;
    for (let i = 0; i < a.digests.length; i++) if (a.digests[i] !== b.digests[i]) return false;
    return JSON.stringify(a.wrong) === JSON.stringify(b.wrong);
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What a feed saw in a unit, with the runs it counted there (at most the budget left). */
export interface Accepted {
  readonly runs: number;
  readonly event?: FeedEvent;
}

export type FeedEvent =
  /** An input the model answers wrongly; built (and re-derived by running the model) only for the first one. */
  | { readonly kind: "finding"; readonly finding: () => Finding }
  /** The feed covered all it ranges over, without a finding: `items` of them. */
  | { readonly kind: "exhausted"; readonly items: bigint }
  /** The feed cannot go on (its memory is full); the others can. */
  | { readonly kind: "gave-up"; readonly reason: string };

/** One feed of a search, as its sequencer (in the thread that decides the answer). */
export interface Feed {
  readonly name: FeedName;
  /**
   * Computed by the feed itself when accepted (its units depend on its state, and its end on its results): never
   * sent to a worker or a shard, and accepted before the next unit is dealt. Only the period walk is local.
   */
  readonly local?: boolean;
  /**
   * The next unit, of about `runs` runs (at least one), or undefined when the feed has ended. Its end must be known
   * from the plan alone (a fooling set of known size), so that the canonical order of units never depends on
   * results: the driver asks for units ahead of the results it has taken.
   */
  next(runs: number): WorkUnit | undefined;
  /** The unit's result, in canonical order; counts at most `left` runs (what remains of the budget). */
  accept(unit: WorkUnit, result: WorkResult, left: number): Accepted;
  /** Items examined so far (draws, trails' elements, inputs), for reports. */
  readonly items: number;
  /** A rho feed's trails, false alarms and memory. */
  rho?(): RhoReport;
  /** The dedup walk's memory per kept state. */
  dedup?(): DedupReport;
  /** A period feed's orbits: where each repeated, and the steps it took. */
  period?(): PeriodReport;
}
