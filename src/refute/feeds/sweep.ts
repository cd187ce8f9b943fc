import { wrongAnswer, answerOf } from "../finding.js";
import type { Feed } from "../portfolio/feed.js";
import type { SearchPlan } from "../plan.js";

/**
 * Every input of the task, in the task's order, each by one forward pass against the reference answer: for tasks
 * small enough (SWEEP_LIMIT), so that a model right on all of them survives exhaustively. Local: it walks the task's
 * enumeration, which has no random access.
 */
export function sweepFeed(plan: SearchPlan): Feed {
  const inputs = plan.task.enumerate()[Symbol.iterator]();
  const total = plan.task.count();
  let items = 0;
  let ended = false;
  return {
    name: "sweep",
    local: true,
    get items() {
      return items;
    },
    next(runs) {
      return ended ? undefined : { feed: "sweep", first: items, count: runs, runs };
    },
    accept(unit, _result, left) {
      const count = Math.min(unit.count, left);
      for (let i = 0; i < count; i++) {
        const next = inputs.next();
        if (next.done) {
          ended = true;
          return { runs: i, event: { kind: "exhausted", items: total } };
        }
        items++;
        const input = next.value;
        if (answerOf(plan.model, plan.binding, input) !== plan.task.answer(input)) {
          ended = true;
          return {
            runs: i + 1,
            event: { kind: "finding", finding: () => wrongAnswer(plan.model, plan.binding, plan.task, input, "sweep") },
          };
        }
      }
      if (BigInt(items) >= total) {
        ended = true;
        return { runs: count, event: { kind: "exhausted", items: total } };
      }
      return { runs: count };
    },
  };
}
