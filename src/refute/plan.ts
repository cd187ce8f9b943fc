import { fail } from "../errors.js";
import type { Model } from "../models/compile.js";
import type { ModelSpec } from "../models/spec.js";
import {
  reductionFor,
  stateRepeatFor,
  type Applicability,
  type CcReduction,
  type Reduction,
} from "../reductions/applies.js";
import type { StateRepeat } from "../reductions/dynamics.js";
import { bind, type Binding } from "../reductions/bind.js";
import { familySize } from "../reductions/one-way-family.js";
import type { Task } from "../tasks/task.js";
import { checkedBudget, defaultBudget, fittingRuns, tooMuchMemory } from "./budget.js";
import { searchSpace, type SearchSpace } from "./one-way/search-space.js";
import type { FeedName } from "./portfolio/feed.js";
import { pointBits } from "./rho/points.js";
import { rhoParams, type RhoParams } from "./rho/walker.js";

/** `--strategy`: which collision search the reduction runs ("auto" picks one); the other feeds always run. */
export type Strategy = "auto" | "exhaustive" | "dedup" | "sample" | "rho";
export const STRATEGIES: readonly Strategy[] = ["auto", "exhaustive", "dedup", "sample", "rho"];

export interface SearchOptions {
  strategy?: Strategy;
  /** Most protocol runs of all feeds together; it also bounds the memory the search keeps. */
  budget?: number;
  seed?: number;
  /** rho: the most distinguished points to keep (the memory bound). */
  maxPoints?: number;
  /** The split the user asked for: it must be the reduction's own. */
  split?: string;
  /** The model file the model was compiled from: the fast fixed-point step, and workers rebuild the model from it. */
  spec?: ModelSpec;
  /**
   * Run just these of the plan's feeds (`--feeds`): one method alone, to run a theorem's own argument (the collision
   * search) or to measure it. The verdict still says only what they established: a sampled survival needs probes of
   * the task's distribution, and a collision search alone never gives one.
   */
  only?: readonly FeedName[];
}

/** rho's default memory bound: 2^16 distinguished points (about 1 MiB of table for 64-bit points). */
export const DEFAULT_MAX_POINTS = 1 << 16;
/** Largest family plain enumeration takes on. */
export const EXHAUSTIVE_LIMIT = 1n << 24n;
/** Tasks with at most this many inputs are also swept, input by input: a survival can then be exhaustive. */
export const SWEEP_LIMIT = 1n << 20n;

/** The reduction's collision search. */
export type CollisionSearch =
  /** Two-way: fooling-set elements, all in order (exhaustive) or seeded draws, transcripts hashed. */
  | { readonly feed: "fooling-set"; readonly exhaustive: boolean }
  /** One-way: Alice's strings, all in order (exhaustive) or seeded draws, messages hashed, every query checked. */
  | { readonly feed: "sample"; readonly exhaustive: boolean }
  /** One-way: Alice's prefixes, one kept per distinct state. */
  | { readonly feed: "dedup" }
  | { readonly feed: "rho"; readonly params: RhoParams };

export interface FeedPlan {
  readonly name: FeedName;
  readonly weight: number;
}

/**
 * Everything a check decides before it runs anything: what applies (the one table, src/reductions/applies.ts), the
 * feeds and their shares, the collision search, the budget and the seed. A pure function of the model, the task and
 * the options, so a worker or a shard job that rebuilds it from the same inputs gets the same plan.
 */
export interface SearchPlan {
  readonly model: Model;
  readonly spec?: ModelSpec;
  readonly task: Task;
  readonly binding: Binding;
  readonly applies: Applicability;
  readonly budget: number;
  readonly seed: number;
  readonly strategy: Strategy;
  readonly maxPoints: number;
  readonly collision?: CollisionSearch;
  readonly feeds: readonly FeedPlan[];
  /** A one-way reduction's family compiled against the model. */
  readonly space?: SearchSpace;
  /** Whether the task is small enough to be swept (every input). */
  readonly sweeps: boolean;
  /** The feeds the run was restricted to (--feeds), when it was. */
  readonly only?: readonly FeedName[];
  /**
   * The state-repeat argument, on a counting task and a time-invariant recurrent model: what the period feed walks
   * and what its certificate cites (the theorem when the model is in its scope, else the periodicity lemma).
   */
  readonly stateRepeat?: StateRepeat;
}

/** Weights: the collision search gets as many runs as all other feeds together (two-way) or as the strings (one-way). */
const COLLISION_WEIGHT = { "two-way": 2, "one-way": 1 } as const;

/** Bytes a table keeps per run: a 16-hex-digit digest and an index in a Map entry (measured about 150, Node 20). */
export const TABLE_BYTES_PER_RUN = 160;

export function planSearch(model: Model, task: Task, options: SearchOptions = {}): SearchPlan {
  const applies = reductionFor(model, task, options.split);
  const strategy = options.strategy ?? "auto";
  const budgetChosen = options.budget !== undefined;
  const budget = checkedBudget(options.budget ?? defaultBudget(model, task));
  const seed = options.seed ?? 0;
  const maxPoints = options.maxPoints ?? DEFAULT_MAX_POINTS;
  if (!Number.isSafeInteger(maxPoints) || maxPoints < 1) {
    fail("invalid-flag", `the most distinguished points must be a whole number >= 1, got ${maxPoints}`, "--max-points");
  }
  const sweeps = task.count() <= SWEEP_LIMIT;
  const base = { model, task, seed, strategy, maxPoints, sweeps, ...(options.spec && { spec: options.spec }) };
  const dynamics =
    applies.kind === "reduction" && applies.reduction.kind === "dynamics" ? applies.reduction : undefined;
  if (applies.kind === "none" || dynamics) {
    if (strategy !== "auto") {
      const why = applies.kind === "none" ? applies.reason : `${task.name} is searched through the model's dynamics`;
      fail("invalid-flag", `--strategy ${strategy} picks a reduction's collision search, and ${why}`, "--strategy");
    }
    // Where no bound applies, the periodicity argument may still: every time-invariant recurrent model is finite-state.
    const repeat = dynamics ?? stateRepeatFor(model, task);
    const period = "none" in repeat ? undefined : repeat;
    const feeds: FeedPlan[] = [
      { name: "probe", weight: 1 },
      ...(period ? [{ name: "period" as const, weight: 1 }] : []),
      ...(sweeps ? [{ name: "sweep" as const, weight: 1 }] : []),
    ];
    const plan = {
      ...base,
      binding: bind(model, task),
      applies,
      budget,
      feeds,
      ...(period && { stateRepeat: period }),
    };
    return options.only ? restricted(plan, options.only) : plan;
  }
  const r = applies.reduction as CcReduction;
  const fitted = { budget, chosen: budgetChosen };
  const plan = r.kind === "two-way" ? twoWayPlan(base, applies, r, fitted) : oneWayPlan(base, applies, r, fitted);
  return options.only ? restricted(plan, options.only) : plan;
}

function restricted(plan: SearchPlan, only: readonly FeedName[]): SearchPlan {
  const missing = only.find((name) => !plan.feeds.some((f) => f.name === name));
  if (missing) {
    const has = plan.feeds.map((f) => f.name).join(", ");
    fail("invalid-flag", `this search has no ${missing} feed (it has ${has})`, "--feeds", `use some of ${has}`);
  }
  return { ...plan, feeds: plan.feeds.filter((f) => only.includes(f.name)), only: [...only] };
}

type Base = Pick<SearchPlan, "model" | "task" | "seed" | "strategy" | "maxPoints" | "sweeps" | "spec">;
interface Fitted {
  readonly budget: number;
  readonly chosen: boolean;
}

/** Probes first (an inaccurate model falls at once), then the fooling set, then its crossed inputs; a sweep if small. */
function twoWayPlan(
  base: Base,
  applies: Applicability,
  r: Reduction & { kind: "two-way" },
  fitted: Fitted,
): SearchPlan {
  const weight = COLLISION_WEIGHT["two-way"];
  const share = collisionShare(weight, 2 + (base.sweeps ? 1 : 0), fitted.budget);
  const collision = twoWayCollision(base, r, share, fitted);
  const budget =
    collision.feed === "rho"
      ? fitted.budget
      : fitTable(fitted, share, TABLE_BYTES_PER_RUN, weight, 2 + (base.sweeps ? 1 : 0));
  const feeds: FeedPlan[] = [
    { name: "probe", weight: 1 },
    { name: collision.feed, weight },
    { name: "crossed", weight: 1 },
    ...(base.sweeps ? [{ name: "sweep" as const, weight: 1 }] : []),
  ];
  return { ...base, binding: r.binding, applies, budget, collision, feeds };
}

function twoWayCollision(
  base: Base,
  r: Reduction & { kind: "two-way" },
  share: number,
  fitted: Fitted,
): CollisionSearch {
  const size = r.family.size;
  const fits = fittingRuns(TABLE_BYTES_PER_RUN);
  switch (base.strategy) {
    case "exhaustive":
      if (size > EXHAUSTIVE_LIMIT) {
        fail(
          "too-large",
          `the fooling set has ${size} elements, over the limit of 2^24 for --strategy exhaustive`,
          "--strategy",
          "use --strategy sample, rho or auto",
        );
      }
      return { feed: "fooling-set", exhaustive: true };
    case "sample":
      return { feed: "fooling-set", exhaustive: false };
    case "rho":
      if (r.family.queried)
        fail(
          "invalid-flag",
          `--strategy rho walks transcripts of fooling-set elements; ${r.task.name}'s collisions are checked on a second, queried pair, which the walk does not take`,
          "--strategy",
          "use auto, exhaustive or sample",
        );
      return rhoSearch(base, size, fitted.budget);
    case "dedup":
      return fail(
        "invalid-flag",
        `--strategy dedup walks the states of a one-way protocol; ${r.task.name} is searched through its fooling set`,
        "--strategy",
        "use auto, exhaustive, sample or rho",
      );
    case "auto":
      // Every element in order when the set fits the budget: below the bound two must then share a transcript
      // (pigeonhole) within the first 2^c + 1, and for the structured models people build the early elements
      // collide sooner than uniform draws (measured: bench/README.md).
      if (size <= BigInt(fitted.budget)) return { feed: "fooling-set", exhaustive: true };
      if (share > fits && fitted.chosen && pointBits(size) !== undefined && !r.family.queried)
        return rhoSearch(base, size, fitted.budget);
      return { feed: "fooling-set", exhaustive: false };
  }
}

/**
 * Alice's strings first (every query of each is checked: an inaccurate model falls at once, and their messages are
 * hashed), with the collision search beside them; probes of the task's generator when the family does not cover the
 * task (associative recall's keys in any order), and a sweep when the task is small.
 */
function oneWayPlan(
  base: Base,
  applies: Applicability,
  r: Reduction & { kind: "one-way" },
  fitted: Fitted,
): SearchPlan {
  const space = searchSpace(r.model, r.family);
  const covers = r.family.coversTask;
  const extra = covers ? 0 : 1 + (base.sweeps ? 1 : 0);
  const collision = oneWayCollision(base, space, fitted, extra);
  const others: FeedPlan[] = [
    ...(covers ? [] : [{ name: "probe" as const, weight: 1 }]),
    ...(!covers && base.sweeps ? [{ name: "sweep" as const, weight: 1 }] : []),
  ];
  // A sequence answer (copy): one string is one input, and the collision walk's final checks decode every string's
  // continuation; below the bound the walk meets two strings in one state before them (pigeonhole), so the search
  // ends in the theorem's collision rather than in whichever wrong copy a sampled string shows first.
  const strings: FeedPlan[] =
    collision.feed === "sample" || r.family.continuation ? [] : [{ name: "sample", weight: 1 }];
  const feeds: FeedPlan[] = [...strings, { name: collision.feed, weight: COLLISION_WEIGHT["one-way"] }, ...others];
  const total = feeds.reduce((s, f) => s + f.weight, 0);
  const budget = fitOneWay(space, collision, fitted, total);
  return { ...base, binding: r.binding, applies, budget, collision, feeds, space };
}

function oneWayCollision(base: Base, space: SearchSpace, fitted: Fitted, extra: number): CollisionSearch {
  const size = familySize(space.family);
  switch (base.strategy) {
    case "exhaustive":
      if (size > EXHAUSTIVE_LIMIT) {
        fail(
          "too-large",
          `exhaustive search over ${size} inputs is over the limit of 2^24`,
          "--strategy",
          "use --strategy dedup or sample",
        );
      }
      return { feed: "sample", exhaustive: true };
    case "sample":
      return { feed: "sample", exhaustive: false };
    case "dedup":
      return { feed: "dedup" };
    case "rho":
      return rhoSearch(base, size, fitted.budget);
    case "auto": {
      // Dedup keeps a state per run: past what fits, a chosen budget walks in bounded memory instead.
      const share = collisionShare(COLLISION_WEIGHT["one-way"], 1 + extra, fitted.budget);
      return fitted.chosen && share > fittingRuns(dedupBytesPerRun(space))
        ? rhoSearch(base, size, fitted.budget)
        : { feed: "dedup" };
    }
  }
}

function rhoSearch(base: Base, size: bigint, budget: number): CollisionSearch {
  if (size <= 1n) fail("unsupported", "rho walks a set of at least two elements", "--strategy");
  return { feed: "rho", params: rhoParams(base.seed, budget, base.maxPoints) };
}

/** Runs the collision feed gets of a budget, with `others` weight units beside its own weight. */
function collisionShare(weight: number, others: number, budget: number): number {
  return Math.floor((budget * weight) / (weight + others));
}

/** The budget, such that a table feed's share fits: a chosen budget that does not is refused, the default lowered. */
function fitTable(fitted: Fitted, share: number, bytesPerRun: number, weight: number, others: number): number {
  const fits = fittingRuns(bytesPerRun);
  if (share <= fits) return fitted.budget;
  if (fitted.chosen)
    return tooMuchMemory(
      share,
      bytesPerRun,
      "the fooling-set table",
      `use --budget ${Math.floor((fits * (weight + others)) / weight)} or less, or --strategy rho`,
    );
  return Math.floor((fits * (weight + others)) / weight);
}

function fitOneWay(space: SearchSpace, collision: CollisionSearch, fitted: Fitted, totalWeight: number): number {
  if (collision.feed === "rho") return fitted.budget;
  // The strings' table and the dedup walk each get a share of the budget; each keeps an entry per run.
  const perRun = collision.feed === "dedup" ? dedupBytesPerRun(space) : tableBytesPerRun(space);
  const share = Math.floor(fitted.budget / totalWeight);
  const fits = fittingRuns(perRun);
  if (share <= fits) return fitted.budget;
  if (fitted.chosen)
    return tooMuchMemory(
      share,
      perRun,
      `the ${collision.feed} search`,
      `use --budget ${fits * totalWeight} or less, or --strategy rho`,
    );
  return fits * totalWeight;
}

/**
 * Bytes the dedup walk keeps per run, an over-estimate from what it stores: at most one packed state a run (a kept
 * state is the parent of a run within the budget; src/refute/one-way/packed-states.ts: its encoded bits) and the
 * run's digest, counted as a Map entry (TABLE_BYTES_PER_RUN: the most any table of the walk costs, shard merge's; the
 * walk's own costs under 14 bytes, src/refute/feeds/digest-table.ts, and its digests in flight about 40).
 */
export function dedupBytesPerRun(space: SearchSpace): number {
  return Math.ceil((space.model.stateUnits * space.model.unitBits) / 8) + TABLE_BYTES_PER_RUN;
}

/** Bytes the strings' table keeps per run: a digest and a draw index in a Map entry. */
function tableBytesPerRun(_space: SearchSpace): number {
  return TABLE_BYTES_PER_RUN;
}
