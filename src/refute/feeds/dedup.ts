import type { OneWayReduction } from "../../reductions/applies.js";
import { oneWayCollision, wrongAnswer } from "../finding.js";
import { DedupWalk } from "../one-way/dedup.js";
import { aliceTokens, type SearchSpace } from "../one-way/search-space.js";
import type { Feed } from "../portfolio/feed.js";
import type { SearchPlan } from "../plan.js";

/**
 * The dedup walk as a feed: local (each stretch depends on the walk so far), so its units are done in the thread
 * that decides the answer. It ends when the walk does: a collision, a wrong answer, or every string of the family
 * in a state of its own with every query right (exhausted: that covers the task when the family does).
 */
export function dedupFeed(plan: SearchPlan, r: OneWayReduction, space: SearchSpace): Feed {
  const walk = new DedupWalk(space);
  let ended = false;
  return {
    name: "dedup",
    local: true,
    get items() {
      return walk.runs;
    },
    next(runs) {
      return ended ? undefined : { feed: "dedup", first: walk.runs, count: runs, runs };
    },
    accept(unit, _result, left) {
      const { runs, event } = walk.advance(Math.min(unit.count, left));
      if (!event) return { runs };
      ended = true;
      switch (event.kind) {
        case "collision":
          return {
            runs,
            event: {
              kind: "finding",
              finding: () => oneWayCollision(r, aliceTokens(space, event.a), aliceTokens(space, event.b), "dedup"),
            },
          };
        case "wrong-answer": {
          const input = [...aliceTokens(space, event.choices), ...space.family.query(event.position)];
          return {
            runs,
            event: { kind: "finding", finding: () => wrongAnswer(plan.model, plan.binding, plan.task, input, "dedup") },
          };
        }
        case "exhausted":
          return { runs, event: { kind: "exhausted", items: event.strings * BigInt(space.queried.length) } };
      }
    },
  };
}
