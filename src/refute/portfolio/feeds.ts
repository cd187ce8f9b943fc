import { belowBound, type OneWayReduction, type Reduction, type TwoWayReduction } from "../../reductions/applies.js";
import { crossedFeed } from "../feeds/crossed.js";
import { dedupFeed } from "../feeds/dedup.js";
import { periodFeed } from "../feeds/period.js";
import { foolingSetFeed } from "../feeds/fooling-set.js";
import { probeFeed } from "../feeds/probe.js";
import { rhoFeed } from "../feeds/rho.js";
import { sampleFeed } from "../feeds/sample.js";
import { sweepFeed } from "../feeds/sweep.js";
import type { SearchPlan } from "../plan.js";
import type { Feed, FeedName } from "./feed.js";
import { Portfolio } from "./portfolio.js";

/** The feeds of a plan as sequencers (made fresh for every run of the search: they keep its tables). */
export function portfolioOf(plan: SearchPlan): Portfolio {
  const feeds = plan.feeds.map(({ name, weight }) => ({ feed: feedOf(plan, name), weight }));
  return new Portfolio(feeds, plan.budget, (name) => decides(plan, name));
}

/**
 * Whether a feed that covered everything it ranges over ends the search: the sweep (every input of the task), and
 * a walk of Alice's strings that covers the task (index lookup); a fooling set or a family that does not cover the
 * task leaves the verdict to the rest, except below the bound, where it contradicts pigeonhole (see verdict.ts).
 */
function decides(plan: SearchPlan, name: FeedName): boolean {
  if (name === "sweep") return true;
  // A period that refutes nothing, for a model in the theorem's scope, contradicts it (see verdict.ts).
  if (name === "period") return plan.stateRepeat?.guaranteed === true;
  const r = plan.applies.kind === "reduction" ? plan.applies.reduction : undefined;
  if (!r || r.kind === "dynamics") return false;
  const collision = name === plan.collision?.feed;
  if (collision && belowBound(r)) return true;
  return r.kind === "one-way" && r.family.coversTask && (name === "dedup" || (name === "sample" && collision));
}

function feedOf(plan: SearchPlan, name: FeedName): Feed {
  const r = plan.applies.kind === "reduction" ? plan.applies.reduction : undefined;
  const c = plan.collision;
  switch (name) {
    case "probe":
      return probeFeed(plan);
    case "sweep":
      return sweepFeed(plan);
    case "crossed":
      return crossedFeed(plan, two(r));
    case "fooling-set":
      return foolingSetFeed(plan, two(r), c?.feed === "fooling-set" && c.exhaustive);
    case "sample":
      return sampleFeed(plan, one(r), plan.space!, c?.feed === "sample" && c.exhaustive);
    case "dedup":
      return dedupFeed(plan, one(r), plan.space!);
    case "rho":
      if (c?.feed !== "rho" || !r || r.kind === "dynamics") throw new Error("no rho search in this plan");
      return rhoFeed(plan, r, c.params);
    case "period":
      if (!plan.stateRepeat) throw new Error("no state-repeat argument in this plan");
      return periodFeed(plan.stateRepeat);
  }
}

function two(r: Reduction | undefined): TwoWayReduction {
  if (r?.kind !== "two-way") throw new Error("a two-way feed without a two-way reduction");
  return r;
}

function one(r: Reduction | undefined): OneWayReduction {
  if (r?.kind !== "one-way") throw new Error("a one-way feed without a one-way reduction");
  return r;
}
