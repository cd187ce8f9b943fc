import { feed } from "../../models/model.js";
import type { OneWayReduction } from "../../reductions/applies.js";
import { Rng } from "../../random.js";
import { oneWayCollision, wrongAnswer } from "../finding.js";
import { batchStepper } from "../kernels/batch-step.js";
import { canonicalNaN, steppers } from "../kernels/step.js";
import { aliceBlock } from "../one-way/alice-block.js";
import { aliceIds, aliceTokens, firstWrongQuery, messageKey, type SearchSpace } from "../one-way/search-space.js";
import type { Feed, WorkResult, WorkUnit } from "../portfolio/feed.js";
import type { SearchPlan } from "../plan.js";
import { digestsFeed, itemAt, putDigest } from "./digests.js";

/**
 * Alice's strings of a one-way (INDEX) reduction, each run from h_0 with every one of Bob's queries checked on its
 * final state (a wrong query is a plain finding; an inaccurate model falls at the first string), its message hashed
 * into a table (two strings with one message are a collision: birthday, or pigeonhole when every string is taken in
 * order). Draw k is string k in lexicographic order (exhaustive), or the k-th string of the seed's generator, each
 * position uniform over its choices (as the task's generator draws index lookup's symbols).
 */
function seededString(rng: Rng, space: SearchSpace): Uint8Array {
  return Uint8Array.from(space.choiceIds, (ids) => (ids.length === 1 ? 0 : rng.int(ids.length)));
}

/** A string as one number (mixed radix): equal strings drawn twice are one item, not a collision. */
function itemOf(space: SearchSpace, choices: Uint8Array): bigint {
  let v = 0n;
  for (let t = 0; t < space.cut; t++) v = v * BigInt(space.choiceIds[t]!.length) + BigInt(choices[t]!);
  return v;
}

function choicesOf(space: SearchSpace, item: bigint): Uint8Array {
  const out = new Uint8Array(space.cut);
  for (let t = space.cut - 1; t >= 0; t--) {
    const c = BigInt(space.choiceIds[t]!.length);
    out[t] = Number(item % c);
    item /= c;
  }
  return out;
}

/** Alice's state after her string, by the model's own step (the sequencer's re-derivations). */
function aliceState(space: SearchSpace, choices: Uint8Array): Float64Array {
  return feed(space.model, space.model.newState(), aliceIds(space, choices));
}

export function sampleFeed(plan: SearchPlan, r: OneWayReduction, space: SearchSpace, exhaustive: boolean): Feed {
  const size = space.family.choices.reduce((s, c) => s * BigInt(c.length), 1n);
  const message = (item: bigint) => messageKey(space, aliceState(space, choicesOf(space, item)));
  const rng = new Rng(plan.seed);
  return digestsFeed("sample", {
    draw: () => itemOf(space, seededString(rng, space)),
    ...(exhaustive && { exhaustive: size }),
    sameTranscript: (a, b) => message(a) === message(b),
    wrong: (item) => {
      const choices = choicesOf(space, item);
      const t = firstWrongQuery(space, aliceState(space, choices), choices, space.model.newState());
      return wrongAnswer(
        plan.model,
        plan.binding,
        plan.task,
        [...aliceTokens(space, choices), ...space.family.query(t)],
        "sample",
      );
    },
    collision: (a, b) =>
      oneWayCollision(r, aliceTokens(space, choicesOf(space, a)), aliceTokens(space, choicesOf(space, b)), "sample"),
  });
}

/** Alice's strings stepped together by the sampled search (src/refute/kernels/batch-step.ts), when the model allows. */
export const SAMPLE_BATCH = 16;

/**
 * A unit's result: each string's message digest, and the strings some query of which the model answers wrongly.
 * `width` strings are stepped at once (1: one at a time); the result does not depend on it.
 */
export function computeSample(
  plan: SearchPlan,
  space: SearchSpace,
  width = SAMPLE_BATCH,
): (unit: WorkUnit) => WorkResult {
  const model = space.model;
  // The fixed-point kernel is checked against the model's own step on a few seeded strings before it is trusted.
  const samples = new Rng(0x6f6e6577);
  const drawn = Array.from({ length: 8 }, () => aliceIds(space, seededString(samples, space)));
  // Bob's queries from one final state share its hidden products (the shared stepper, when the model has one).
  const { step, shared } = steppers(plan.spec, model, () => drawn);
  // The shared stepper exists when the fixed-point kernel (faster still) does not and the cells are gated ones.
  const spec = plan.spec?.arch === "recurrent" ? plan.spec : undefined;
  const batch = shared && width > 1 ? batchStepper(spec, model, drawn, width) : undefined;
  const block = aliceBlock(space, step, batch);
  const chosen: Uint8Array[] = [];
  const scratch = model.newState();
  return (unit) => {
    const digests = new Uint32Array(2 * unit.count);
    const wrong: number[] = [];
    for (let first = 0; first < unit.count; first += block.width) {
      const count = Math.min(block.width, unit.count - first);
      for (let e = 0; e < count; e++) chosen[e] = choicesOf(space, itemAt(unit, first + e));
      block.run(chosen, count);
      for (let e = 0; e < count; e++) {
        const i = first + e;
        const choices = chosen[e]!;
        const state = block.state(e);
        canonicalNaN(state);
        putDigest(messageKey(space, state), plan.seed, digests, i);
        if (firstWrongQuery(space, state, choices, scratch, shared) >= 0) wrong.push(i);
      }
    }
    return { kind: "digests", digests, wrong };
  };
}
