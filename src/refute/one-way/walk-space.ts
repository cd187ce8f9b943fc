import type { ModelSpec } from "../../models/spec.js";
import { Rng } from "../../random.js";
import { batchStepper } from "../kernels/batch-step.js";
import type { SharedStepper } from "../kernels/shared-step.js";
import { canonicalNaN, messageWords, steppers, type Stepper } from "../kernels/step.js";
import { hashMessage, messageHashKeys } from "../rho/keyed-hash.js";
import { wordsFor } from "../rho/points.js";
import type { WalkBlock, WalkSpace } from "../rho/walk-space.js";
import { aliceBlock } from "./alice-block.js";
import { firstWrongQuery, messageKey, type SearchSpace } from "./search-space.js";

/**
 * Alice's INDEX strings as walk points, for the rho search on one-way tasks (index lookup, associative recall,
 * nearest neighbour): position t's choice in ceil(log2 |choices|) bits, wrapped into range (so a point is one
 * string). A visit runs Alice's tokens (her message is the transcript) and Bob's query at every position (an error
 * there is a finding by itself, as in the sampled search). Up to `width` points are visited at once where the
 * model has a batch stepper.
 */
export function oneWayWalkSpace(
  space: SearchSpace,
  spec: ModelSpec | undefined,
  seed: number,
  width = 1,
): WalkSpace & { choices(point: Uint32Array): Uint8Array } {
  const { model, cut, choiceIds } = space;
  const widths = choiceIds.map((ids) => Math.ceil(Math.log2(ids.length)));
  const offsets = widths.map((_, t) => widths.slice(0, t).reduce((a, b) => a + b, 0));
  const bits = widths.reduce((a, b) => a + b, 0);
  const words = wordsFor(bits);
  const field = (point: Uint32Array, t: number) => readBits(point, offsets[t]!, widths[t]!);
  const choices = new Uint8Array(cut);
  const ids = new Int32Array(cut);
  const decode = (point: Uint32Array, out = choices) => {
    for (let t = 0; t < cut; t++) out[t] = field(point, t);
    return out;
  };
  // The shared stepper (when the model has one) computes the final state's hidden products once for Bob's queries.
  const { step: feed, shared } = steppers(spec, model, () => kernelSamples(space));
  const h0 = model.newState();
  const state = model.newState();
  const scratch = model.newState();
  const stateWords = messageWords(state, model);
  const keys = messageHashKeys(seed);
  const block = shared && width > 1 ? walkBlock(space, spec, feed, shared, keys, width, decode) : undefined;
  const run = (point: Uint32Array) => {
    decode(point);
    for (let t = 0; t < cut; t++) ids[t] = choiceIds[t]![choices[t]!]!;
    state.set(h0);
    feed(state, ids, 0, cut);
  };
  return {
    bits,
    words,
    canonical(point) {
      for (let t = 0; t < cut; t++) {
        const k = choiceIds[t]!.length;
        const v = field(point, t);
        if (v >= k) writeBits(point, offsets[t]!, widths[t]!, v - k);
      }
    },
    visit(x, hash) {
      run(x);
      canonicalNaN(state);
      hashMessage(keys, stateWords, hash);
      return firstWrongQuery(space, state, choices, scratch, shared) < 0;
    },
    transcriptKey(x) {
      run(x);
      return messageKey(space, state);
    },
    choices: (point) => decode(point, new Uint8Array(cut)),
    ...(block && { block }),
  };
}

/**
 * The block visit: Alice's strings stepped together to the cut (src/refute/one-way/alice-block.ts), then each final
 * state hashed and Bob's queries checked from it as `visit` does. Undefined when the batch stepper does not take the
 * model or differs from its step on the seeded strings.
 */
function walkBlock(
  space: SearchSpace,
  spec: ModelSpec | undefined,
  feed: Stepper,
  shared: SharedStepper,
  keys: readonly [number, number],
  width: number,
  decode: (point: Uint32Array, out: Uint8Array<ArrayBuffer>) => Uint8Array,
): WalkBlock | undefined {
  const { model, cut } = space;
  const batch = batchStepper(spec?.arch === "recurrent" ? spec : undefined, model, kernelSamples(space), width);
  if (!batch) return undefined;
  const alice = aliceBlock(space, feed, batch);
  const chosen = Array.from({ length: alice.width }, () => new Uint8Array(cut));
  // Each entry's state is a fixed view of the batch's buffer: its message words are a fixed view too.
  const words = chosen.map((_, e) => messageWords(alice.state(e), model));
  const scratch = model.newState();
  return {
    width: alice.width,
    visit(xs, count, hashes, right) {
      for (let e = 0; e < count; e++) decode(xs[e]!, chosen[e]!);
      alice.run(chosen, count);
      for (let e = 0; e < count; e++) {
        const state = alice.state(e);
        canonicalNaN(state);
        hashMessage(keys, words[e]!, hashes, 2 * e);
        right[e] = firstWrongQuery(space, state, chosen[e]!, scratch, shared) < 0 ? 1 : 0;
      }
    },
  };
}

/** Alice's tokens of seeded random strings: what the fixed-point kernel is checked on. */
export function kernelSamples(space: SearchSpace): Int32Array[] {
  const rng = new Rng(0x6f6e6577);
  return Array.from({ length: 8 }, () =>
    Int32Array.from(space.choiceIds, (ids) => ids[ids.length === 1 ? 0 : rng.int(ids.length)]!),
  );
}

function readBits(point: Uint32Array, offset: number, width: number): number {
  let v = 0;
  for (let b = 0; b < width; b++) {
    const i = offset + b;
    v |= ((point[i >>> 5]! >>> (i & 31)) & 1) << b;
  }
  return v;
}

function writeBits(point: Uint32Array, offset: number, width: number, value: number): void {
  for (let b = 0; b < width; b++) {
    const i = offset + b;
    point[i >>> 5] = (point[i >>> 5]! & ~(1 << (i & 31))) | (((value >>> b) & 1) << (i & 31));
  }
}
