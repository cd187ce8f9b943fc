import { feed } from "../../models/model.js";
import type { OneWayReduction } from "../../reductions/applies.js";
import { oneWayCollision, wrongAnswer } from "../finding.js";
import { dedupLayout } from "../one-way/dedup.js";
import { statePacking } from "../one-way/packed-states.js";
import {
  aliceIds,
  aliceTokens,
  firstWrongQuery,
  inputsPerString,
  messageKey,
  type SearchSpace,
} from "../one-way/search-space.js";
import type { Accepted, Feed } from "../portfolio/feed.js";
import type { SearchPlan } from "../plan.js";
import { DigestTable } from "./digest-table.js";

/**
 * What the walk keeps per state, at its largest level so far (the memory peaks there): the packed state (its encoded
 * bits, src/refute/one-way/packed-states.ts; the walk's index is its parent link and symbol) and its digest's share
 * of that level's table (allocated bytes over states).
 */
export interface DedupReport {
  /** States of the largest level so far. */
  readonly states: number;
  /** Bytes of one packed state: its encoded bits / 8. */
  readonly stateBytes: number;
  /** Bytes that level's digest table holds allocated. */
  readonly tableBytes: number;
  /** stateBytes + tableBytes / states. */
  readonly bytesPerState: number;
}

/**
 * The dedup walk's sequencer (src/refute/one-way/dedup.ts): takes the digests of its runs in canonical order, wherever
 * they were computed, one table a level; the first digest met before in the level, confirmed on the two prefixes'
 * exact messages, is a collision; a final check answered wrongly is a wrong answer. It ends when the walk does: a
 * collision, a wrong answer, or every string of the family in a state of its own with every query right (exhausted:
 * that covers the task when the family does). Its units, the walk's runs in order, are known from the plan alone.
 */
export function dedupFeed(plan: SearchPlan, r: OneWayReduction, space: SearchSpace): Feed {
  const layout = dedupLayout(space);
  const model = space.model;
  let table = new DigestTable(0);
  let level = 0;
  let peak = { states: 0, tableBytes: 0 };
  const stateBytes = statePacking(model).bits / 8;
  let nextRun = 0;
  let items = 0;
  const prefix = (t: number, index: number) => layout.choices(t, index);
  const message = (t: number, index: number) =>
    messageKey(space, feed(model, model.newState(), aliceIds(space, prefix(t, index)).subarray(0, t)));
  return {
    name: "dedup",
    get items() {
      return items;
    },
    dedup(): DedupReport {
      const now = table.size >= peak.states ? { states: table.size, tableBytes: table.byteLength } : peak;
      const per = now.states === 0 ? 0 : stateBytes + now.tableBytes / now.states;
      return { ...now, stateBytes, bytesPerState: Math.round(per * 100) / 100 };
    },
    next(runs) {
      if (nextRun >= layout.total) return undefined;
      const unit = { feed: "dedup" as const, first: nextRun, count: runs, runs };
      nextRun += runs;
      return unit;
    },
    accept(unit, result, left): Accepted {
      if (result.kind !== "digests") throw new Error(`a ${result.kind} result for the dedup feed`);
      const steps = Math.max(0, Math.min(unit.first + unit.count, layout.checks) - unit.first);
      if (result.digests.length !== 2 * steps)
        throw new Error(`a dedup result with ${result.digests.length / 2} digests for ${steps} prefix steps`);
      const digests = result.digests;
      const counted = Math.min(unit.count, left, layout.total - unit.first);
      // The exact messages only on a digest met before (a collision, or a false alarm): one closure a unit, not a run.
      let t = 0;
      let index = 0;
      let mine: string | undefined;
      const same = (j: number) => message(t, j) === (mine ??= message(t, index));
      for (let o = 0; o < counted; o++) {
        const k = unit.first + o;
        items++;
        if (k < layout.checks) {
          t = layout.levelOf(k);
          if (t !== level) {
            if (table.size >= peak.states) peak = { states: table.size, tableBytes: table.byteLength };
            // Sized for the level's states the budget can still take.
            table = new DigestTable(Math.min(layout.size[t]!, left - o));
            level = t;
          }
          index = k - layout.start[t]!;
          mine = undefined;
          const earlier = table.findOrAdd(digests[2 * o]!, digests[2 * o + 1]!, index, same);
          if (earlier !== undefined) {
            const [a, b] = [prefix(t, earlier), prefix(t, index)];
            return {
              runs: o + 1,
              event: {
                kind: "finding",
                finding: () => oneWayCollision(r, aliceTokens(space, a), aliceTokens(space, b), "dedup"),
              },
            };
          }
        } else if (result.wrong[0] === o) {
          const choices = prefix(layout.cut, k - layout.checks);
          const state = feed(model, model.newState(), aliceIds(space, choices));
          const position = firstWrongQuery(space, state, choices, model.newState());
          if (position < 0) throw new Error("a final check reported wrong that the model answers rightly");
          const input = [...aliceTokens(space, choices), ...space.family.query(position)];
          return {
            runs: o + 1,
            event: { kind: "finding", finding: () => wrongAnswer(plan.model, plan.binding, plan.task, input, "dedup") },
          };
        }
      }
      if (unit.first + counted >= layout.total) {
        const strings = BigInt(layout.size[layout.cut]!);
        return { runs: counted, event: { kind: "exhausted", items: strings * BigInt(inputsPerString(space)) } };
      }
      return { runs: counted };
    },
  };
}
