import type { Finding } from "../finding.js";
import type { Accepted, Feed, FeedName, WorkResult, WorkUnit } from "../portfolio/feed.js";

/**
 * A feed of draws, each one forward pass judged against the task (probe, crossed, sweep): one run a draw; the first
 * draw answered wrongly is a finding, re-derived from its index. Infinite, or `total` draws (the sweep: exhausted
 * after the last).
 */
export function answersFeed(name: FeedName, finding: (k: number) => Finding, total?: bigint): Feed {
  let nextDraw = 0;
  let items = 0;
  const end = total === undefined ? Infinity : Number(total);
  return {
    name,
    get items() {
      return items;
    },
    next(runs) {
      if (nextDraw >= end) return undefined;
      const unit = { feed: name, first: nextDraw, count: runs, runs };
      nextDraw += runs;
      return unit;
    },
    accept(unit, result, left): Accepted {
      if (result.kind !== "answers") throw new Error(`a ${result.kind} result for the ${name} feed`);
      const counted = Math.min(unit.count, left, end - unit.first);
      const wrong = result.wrong.find((offset) => offset < counted);
      if (wrong !== undefined) {
        items += wrong + 1;
        return { runs: wrong + 1, event: { kind: "finding", finding: () => finding(unit.first + wrong) } };
      }
      items += counted;
      if (unit.first + counted >= end) return { runs: counted, event: { kind: "exhausted", items: total! } };
      return { runs: counted };
    },
  };
}

/** The offset of the first of a unit's draws (below `end`) for which `isWrong` holds (the later ones cannot matter). */
export function wrongOffsets(unit: WorkUnit, isWrong: (k: number) => boolean, end = Infinity): WorkResult {
  const count = Math.min(unit.count, end - unit.first);
  for (let i = 0; i < count; i++) if (isWrong(unit.first + i)) return { kind: "answers", wrong: [i] };
  return { kind: "answers", wrong: [] };
}
