import type { CcReduction } from "../../reductions/applies.js";
import { oneWayCollision, twoWayCollision, wrongAnswer } from "../finding.js";
import { firstWrongQuery, aliceTokens, aliceIds, type SearchSpace } from "../one-way/search-space.js";
import { oneWayWalkSpace } from "../one-way/walk-space.js";
import type { Accepted, Feed, FeedEvent, WorkResult, WorkUnit } from "../portfolio/feed.js";
import type { SearchPlan } from "../plan.js";
import { pointOf } from "../rho/points.js";
import { RhoSequencer, type RhoEvent } from "../rho/sequencer.js";
import { RhoWalker, type RhoParams } from "../rho/walker.js";
import { walkSpace } from "../two-way/walk-space.js";
import { feed as feedTokens } from "../../models/model.js";

/** Trails a rho unit holds at most: about this many runs a unit (a one-layer Transformer's run is far slower). */
const RUNS_PER_UNIT = { recurrent: 4096, transformer: 256 } as const;

/** Trails walked side by side: points visited as one batch, where the model allows. */
const RHO_BATCH = 16;

/**
 * The walk of a plan's rho search: over the fooling set (two-way) or Alice's strings (one-way), visiting up to
 * `width` points at once (1: one at a time; the trails are the same).
 */
export function rhoWalkerOf(plan: SearchPlan, r: CcReduction, params: RhoParams, width = RHO_BATCH): RhoWalker {
  if (r.kind === "two-way") {
    const space = walkSpace({ ...r, ...(plan.spec && { spec: plan.spec }) }, plan.seed, width);
    if (!space) throw new Error("rho planned on a fooling set whose size is not a power of two");
    return new RhoWalker(space, params);
  }
  return new RhoWalker(oneWayWalkSpace(plan.space!, plan.spec, plan.seed, width), params);
}

/**
 * Pollard's rho with distinguished points as a feed: units are runs of consecutive trails (pure: trail j is a
 * function of the seed and j), the sequencer keeps the distinguished points and re-walks merges. Memory: the table,
 * fixed when it is made (--max-points).
 */
export function rhoFeed(plan: SearchPlan, r: CcReduction, params: RhoParams): Feed {
  const walker = rhoWalkerOf(plan, r, params);
  const sequencer = new RhoSequencer(walker, plan.maxPoints);
  const perTrail = 2 ** params.distinguishedBits;
  const cap = Math.max(1, Math.floor(RUNS_PER_UNIT[plan.model.kind] / perTrail));
  let nextTrail = 0;
  let items = 0;
  const finding = (e: RhoEvent): FeedEvent => {
    switch (e.kind) {
      case "gave-up":
        return e;
      case "wrong":
        return { kind: "finding", finding: () => wrongOf(plan, r, walker, e.element) };
      case "collision":
        return { kind: "finding", finding: () => collisionOf(r, walker, e.a, e.b) };
    }
  };
  return {
    name: "rho",
    get items() {
      return items;
    },
    next(runs) {
      const count = Math.min(cap, Math.max(1, Math.floor(runs / perTrail)));
      const unit = { feed: "rho" as const, first: nextTrail, count, runs: count * perTrail };
      nextTrail += count;
      return unit;
    },
    accept(_unit, result, left): Accepted {
      if (result.kind !== "trails") throw new Error(`a ${result.kind} result for the rho feed`);
      const before = sequencer.runs;
      for (const trail of result.trails) {
        const used = sequencer.runs - before;
        if (used >= left) break;
        items++;
        const event = sequencer.accept(trail, left - used);
        if (event) return { runs: Math.min(left, sequencer.runs - before), event: finding(event) };
      }
      return { runs: Math.min(left, sequencer.runs - before) };
    },
    rho: () => sequencer.report(),
  };
}

/** A unit's trails, walked side by side in the walk space's blocks (the same trails as one at a time). */
export function computeRho(walker: RhoWalker): (unit: WorkUnit) => WorkResult {
  return (unit) => ({ kind: "trails", trails: walker.trails(unit.first, unit.count) });
}

/** A walk point answered wrongly: a fooling-set element, or one of Alice's strings at its first wrong query. */
function wrongOf(plan: SearchPlan, r: CcReduction, walker: RhoWalker, element: bigint) {
  if (r.kind === "two-way") return wrongAnswer(plan.model, plan.binding, plan.task, r.family.element(element), "rho");
  const space = plan.space!;
  const choices = stringAt(walker, space, element);
  const state = feedTokens(space.model, space.model.newState(), aliceIds(space, choices));
  const t = firstWrongQuery(space, state, choices, space.model.newState());
  return wrongAnswer(
    plan.model,
    plan.binding,
    plan.task,
    [...aliceTokens(space, choices), ...space.family.query(t)],
    "rho",
  );
}

function collisionOf(r: CcReduction, walker: RhoWalker, a: bigint, b: bigint) {
  if (r.kind === "two-way") return twoWayCollision(r, a, b, "rho");
  const space = walker.space as ReturnType<typeof oneWayWalkSpace>;
  const strings = [a, b].map((p) =>
    Array.from(space.choices(pointOf(p, walker.words)), (c, t) => r.family.choices[t]![c]!),
  );
  return oneWayCollision(r, strings[0]!, strings[1]!, "rho");
}

function stringAt(walker: RhoWalker, _space: SearchSpace, point: bigint): Uint8Array {
  return (walker.space as ReturnType<typeof oneWayWalkSpace>).choices(pointOf(point, walker.words));
}
