import { transcriptBits } from "../../cc/transcript.js";
import type { TwoWayReduction } from "../../reductions/applies.js";
import { Rng } from "../../random.js";
import { randomBelow } from "../draws.js";
import { runAt, twoWayCollision, wrongAnswer } from "../finding.js";
import type { Feed, WorkResult, WorkUnit } from "../portfolio/feed.js";
import type { SearchPlan } from "../plan.js";
import { cutRuns } from "../two-way/cut-runs.js";
import { digestsFeed, itemAt, putDigest } from "./digests.js";

/**
 * The two-way reduction's collision search over its fooling set: draw k is element k (every element in order, when
 * the set fits the budget: two with one transcript must then appear by pigeonhole if the protocol is shorter than
 * the bound), or the k-th uniform element of the seed's generator (birthday: about 2^(c/2) runs for c bits of
 * spread-out transcript).
 */
export function foolingSetFeed(plan: SearchPlan, r: TwoWayReduction, exhaustive: boolean): Feed {
  const size = r.family.size;
  const key = (i: bigint) => transcriptBits(runAt(r, r.family.element(i)).transcript).key();
  const rng = new Rng(plan.seed);
  return digestsFeed("fooling-set", {
    draw: () => randomBelow(rng, size),
    ...(exhaustive && { exhaustive: size }),
    // A one-way family's repeat is a collision only when the queried pair sends one transcript too.
    sameTranscript: (a, b) => key(a) === key(b) && (r.family.queried === undefined || queriedAgree(r, a, b)),
    wrong: (i) => wrongAnswer(plan.model, plan.binding, plan.task, r.family.element(i), "fooling-set"),
    collision: (a, b) => twoWayCollision(r, a, b, "fooling-set"),
  });
}

/** Whether the inputs of elements a and b with Bob's query where their strings differ send one transcript. */
function queriedAgree(r: TwoWayReduction, a: bigint, b: bigint): boolean {
  const [u, v] = r.family.queried!(a, b);
  return transcriptBits(runAt(r, u).transcript).equals(transcriptBits(runAt(r, v).transcript));
}

/** Fooling-set elements run together (src/refute/two-way/cut-runs.ts), where the protocol allows. */
export const FOOLING_BATCH = 16;

/**
 * A unit's result: each element's transcript digest, and which elements the protocol answers wrongly. `width`
 * elements are run at once when the protocol is Theorem 2's at a cut (1: one at a time); the result is the same.
 */
export function computeFoolingSet(
  plan: SearchPlan,
  r: TwoWayReduction,
  width = FOOLING_BATCH,
): (unit: WorkUnit) => WorkResult {
  const value = plan.binding.labelId.get(r.family.value)!;
  const runs = width > 1 ? cutRuns(plan.spec, r, width) : undefined;
  const elements: string[][] = [];
  return (unit) => {
    const digests = new Uint32Array(2 * unit.count);
    const wrong: number[] = [];
    if (runs) {
      for (let first = 0; first < unit.count; first += runs.width) {
        const count = Math.min(runs.width, unit.count - first);
        for (let e = 0; e < count; e++) elements[e] = r.family.element(itemAt(unit, first + e));
        runs.run(elements, count);
        for (let e = 0; e < count; e++) {
          putDigest(runs.key(e), plan.seed, digests, first + e);
          if (runs.output(e) !== value) wrong.push(first + e);
        }
      }
      return { kind: "digests", digests, wrong };
    }
    for (let i = 0; i < unit.count; i++) {
      const run = runAt(r, r.family.element(itemAt(unit, i)));
      putDigest(transcriptBits(run.transcript).key(), plan.seed, digests, i);
      if (run.output !== value) wrong.push(i);
    }
    return { kind: "digests", digests, wrong };
  };
}
