import type { BatchStepper } from "../kernels/batch-step.js";
import type { Stepper } from "../kernels/step.js";
import { aliceIds, type SearchSpace } from "./search-space.js";

/**
 * Alice's final states for a block of her strings, each from h_0 to the cut: with a batch stepper
 * (src/refute/kernels/batch-step.ts) the block's strings are stepped together position by position, one
 * matrix-matrix product per layer; else one string at a time by the stepper. Either way each state is the model's
 * own, bit for bit, so what a search computes from them does not depend on the block's width.
 */
export interface AliceBlock {
  /** Most strings of one block: the batch's capacity, or 1. */
  readonly width: number;
  /** Runs strings choices[0 .. count); state(e) is then string e's final state. */
  run(choices: readonly Uint8Array[], count: number): void;
  /** String e's final state, a buffer the block reuses (copy to keep). */
  state(e: number): Float64Array;
}

export function aliceBlock(space: SearchSpace, step: Stepper, batch?: BatchStepper): AliceBlock {
  const { model, cut, choiceIds } = space;
  if (batch === undefined) {
    const h0 = model.newState();
    const state = model.newState();
    return {
      width: 1,
      run(choices, count) {
        if (count === 0) return;
        state.set(h0);
        step(state, aliceIds(space, choices[0]!), 0, cut);
      },
      state: () => state,
    };
  }
  const ids = new Int32Array(batch.capacity);
  return {
    width: batch.capacity,
    run(choices, count) {
      batch.reset(count);
      for (let t = 0; t < cut; t++) {
        const at = choiceIds[t]!;
        for (let e = 0; e < count; e++) ids[e] = at[choices[e]![t]!]!;
        batch.step(ids, count, t);
      }
    },
    state: (e) => batch.state(e),
  };
}
