import type { Finding } from "../finding.js";
import type { Accepted, Feed, FeedName, WorkResult, WorkUnit } from "../portfolio/feed.js";

/**
 * A feed of independent draws, each one forward pass judged against the task (probe, crossed): an infinite
 * sequence, one run a draw; the first draw answered wrongly is a finding, re-derived from its index.
 */
export function answersFeed(name: FeedName, finding: (k: number) => Finding): Feed {
  let nextDraw = 0;
  let items = 0;
  return {
    name,
    local: false,
    get items() {
      return items;
    },
    next(runs) {
      const unit = { feed: name, first: nextDraw, count: runs, runs };
      nextDraw += runs;
      return unit;
    },
    accept(unit, result, left): Accepted {
      if (result.kind !== "answers") throw new Error(`a ${result.kind} result for the ${name} feed`);
      const counted = Math.min(unit.count, left);
      const wrong = result.wrong.find((offset) => offset < counted);
      if (wrong !== undefined) {
        items += wrong + 1;
        return { runs: wrong + 1, event: { kind: "finding", finding: () => finding(unit.first + wrong) } };
      }
      items += counted;
      return { runs: counted };
    },
  };
}

/** The offset of the first of a unit's draws for which `isWrong` holds (the later ones cannot matter). */
export function wrongOffsets(unit: WorkUnit, isWrong: (k: number) => boolean): WorkResult {
  for (let i = 0; i < unit.count; i++) if (isWrong(unit.first + i)) return { kind: "answers", wrong: [i] };
  return { kind: "answers", wrong: [] };
}
