import { decodeFrom } from "../../models/decode.js";
import { encodeState, feed, type RecurrentModel } from "../../models/model.js";
import { bind, type Binding } from "../../reductions/bind.js";
import { queriedPositions, type OneWayFamily } from "../../reductions/one-way-family.js";
import type { SharedStepper } from "../kernels/shared-step.js";

/**
 * A one-way family compiled against one model: token ids for every choice and query, and the label that each
 * query must return. Alice inputs are written as choice indices (one byte per position).
 */
export interface SearchSpace {
  readonly model: RecurrentModel;
  readonly family: OneWayFamily;
  /** The task's tokens and labels in the model's vocabulary. */
  readonly binding: Binding;
  readonly cut: number;
  readonly choiceIds: readonly Int32Array[];
  /** Positions with a choice, and for each the query's token ids. */
  readonly queried: readonly number[];
  readonly queryIds: ReadonlyMap<number, Int32Array>;
  /** answerLabel[t][c]: the label id the model must give when Alice chose c at queried position t. */
  readonly answerLabel: ReadonlyMap<number, Int32Array>;
}

export function searchSpace(model: RecurrentModel, family: OneWayFamily): SearchSpace {
  const b = bind(model, family.task);
  const choiceIds = family.choices.map((cs) => b.ids(cs));
  const queried = queriedPositions(family);
  const queryIds = new Map(queried.map((t) => [t, b.ids(family.query(t))] as const));
  const answerLabel = new Map(
    queried.map((t) => [t, Int32Array.from(family.choices[t]!, (c) => b.labelId.get(c)!)] as const),
  );
  return { model, family, binding: b, cut: family.choices.length, choiceIds, queried, queryIds, answerLabel };
}

/** Alice's tokens for choice indices. */
export function aliceTokens(space: SearchSpace, choices: Uint8Array): string[] {
  return Array.from(choices, (c, t) => space.family.choices[t]![c]!);
}

/** Alice's token ids for choice indices. */
export function aliceIds(space: SearchSpace, choices: Uint8Array): Int32Array {
  return Int32Array.from(choices, (c, t) => space.choiceIds[t]![c]!);
}

/** The state Alice sends, as a hashing key (the exact bits of the message). */
export function messageKey(space: SearchSpace, state: Float64Array): string {
  return encodeState(space.model, state).key();
}

/**
 * Bob's side on Alice's final state: the first queried position whose answer is wrong, or -1.
 * `scratch` is a buffer of the state's length, reused across calls.
 *
 * Every query's first token is stepped from the one state Alice sent, so with a shared stepper
 * (src/refute/kernels/shared-step.ts) the products that read that state alone (W_hh h + b_hh of every layer) are
 * computed once for all the queries, not once a query: the same bits as the model's step (the stepper checked that
 * of itself). The shared stepper's parent is then this state: a caller that keeps one of its own takes it again.
 */
export function firstWrongQuery(
  space: SearchSpace,
  state: Float64Array,
  choices: Uint8Array,
  scratch: Float64Array,
  shared?: SharedStepper,
): number {
  if (space.family.continuation) return firstWrongOutput(space, state, choices, scratch);
  const { model, cut } = space;
  if (shared) shared.parent(state);
  for (const t of space.queried) {
    scratch.set(state);
    const ids = space.queryIds.get(t)!;
    if (shared && ids.length > 0) {
      shared.child(scratch, ids[0]!, cut);
      for (let k = 1; k < ids.length; k++) model.step(scratch, ids[k]!, cut + k);
    } else feed(model, scratch, ids, cut);
    if (model.readout(scratch) !== space.answerLabel.get(t)![choices[t]!]) return t;
  }
  return -1;
}

/**
 * For a family whose answer is a sequence (copy): Bob's one query after Alice's state, then greedy decoding, the
 * output for position t checked against Alice's choice there; the first position answered wrongly, or -1.
 */
function firstWrongOutput(space: SearchSpace, state: Float64Array, choices: Uint8Array, scratch: Float64Array): number {
  const { model, cut } = space;
  const query = space.queryIds.get(space.queried[0]!)!;
  scratch.set(state);
  feed(model, scratch, query, cut);
  let wrong = -1;
  decodeFrom(model, scratch, cut + query.length, cut, (t, label) => {
    if (label !== space.answerLabel.get(t)![choices[t]!]) wrong = t;
    return wrong >= 0;
  });
  return wrong;
}

/** Inputs of the task that one of Alice's strings stands for: one per query, or one for a sequence answer. */
export function inputsPerString(space: SearchSpace): number {
  return space.family.continuation ? 1 : space.queried.length;
}

/** First position where two Alice inputs differ (they are distinct, so one exists, and it has a choice). */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  throw new RangeError("inputs are equal");
}
