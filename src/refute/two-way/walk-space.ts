import { run } from "../../cc/protocol.js";
import { transcriptBits } from "../../cc/transcript.js";
import type { Model } from "../../models/compile.js";
import type { ModelSpec } from "../../models/spec.js";
import type { Binding } from "../../reductions/bind.js";
import type { SplitProtocol } from "../../reductions/protocol-at.js";
import { tokensOf } from "../../reductions/split.js";
import type { TwoWayFamily } from "../../reductions/two-way-family.js";
import { Rng } from "../../random.js";
import { randomBelow } from "../draws.js";
import { batchStepper, columnStepper } from "../kernels/batch-step.js";
import { canonicalNaN, fixedStepper, messageWords, modelStepper } from "../kernels/step.js";
import { hashMessage, hashString, messageHashKeys } from "../rho/keyed-hash.js";
import { pointBits, pointOf, wordsFor } from "../rho/points.js";
import type { WalkBlock, WalkSpace } from "../rho/walk-space.js";
import { tokenFiller, type FillTokens } from "./token-filler.js";

export interface WalkContext {
  readonly model: Model;
  /** The model file, for the fast fixed-point step (optional: without it the model's own step runs). */
  readonly spec?: ModelSpec;
  readonly family: TwoWayFamily;
  readonly binding: Binding;
  readonly protocol: SplitProtocol;
}

/**
 * The fooling set's elements as walk points (undefined when its size is not a power of two). Up to `width` points are
 * visited at once where the protocol is Theorem 2's at a cut and the model has a batch stepper.
 */
export function walkSpace(ctx: WalkContext, seed: number, width = 1): WalkSpace | undefined {
  const bits = pointBits(ctx.family.size);
  if (bits === undefined) return undefined;
  const fill = tokenFiller(ctx.family, ctx.binding, bits);
  const keys = messageHashKeys(seed);
  const value = ctx.binding.labelId.get(ctx.family.value)!;
  const exact = (x: Uint32Array) => protocolRun(ctx, fill, x);
  const cut = cutVisitor(ctx, fill, keys, value);
  const visit = cut?.visit ?? genericVisitor(exact, keys, value);
  const block = cut?.batched && width > 1 ? cutBlock(ctx, fill, keys, value, width) : undefined;
  return { bits, words: wordsFor(bits), visit, transcriptKey: (x) => exact(x).key, ...(block && { block }) };
}

/** The protocol's own run on the element at x: its transcript as a key, and its answer. */
function protocolRun(ctx: WalkContext, fill: FillTokens, x: Uint32Array): { key: string; output: number } {
  const ids = new Int32Array(ctx.family.split.n);
  fill(x, ids);
  const r = run(ctx.protocol, tokensOf(ids, ctx.family.split.alice), tokensOf(ids, ctx.family.split.bob));
  return { key: transcriptBits(r.transcript).key(), output: r.output };
}

type Visit = WalkSpace["visit"];

function genericVisitor(
  exact: (x: Uint32Array) => { key: string; output: number },
  keys: readonly [number, number],
  value: number,
): Visit {
  return (x, hash) => {
    const r = exact(x);
    hash[0] = hashString(keys[0], r.key);
    hash[1] = hashString(keys[1], r.key);
    return r.output === value;
  };
}

/**
 * Theorem 2's protocol at a cut without its messages: Alice's state after her tokens is the transcript (its
 * values' exact bits hash as the message's codes do: distinct values have distinct codes), and Bob continues from
 * it to the answer. Steps by the fixed-point kernel when the model has one (`batched`: it has none, so a batch of
 * points may be stepped together). Allocates nothing per visit.
 */
function cutVisitor(
  ctx: WalkContext,
  fill: FillTokens,
  keys: readonly [number, number],
  value: number,
): { visit: Visit; batched: boolean } | undefined {
  const { model, family } = ctx;
  const cut = family.split.alice.length;
  if (model.kind !== "recurrent" || family.split.alice.some((p, i) => p !== i)) return undefined;
  const n = family.split.n;
  const fixed = fixedStepper(ctx.spec, model, () => samples(ctx, fill));
  const feed = fixed ?? modelStepper(model);
  const ids = new Int32Array(n);
  const h0 = model.newState();
  const alice = model.newState();
  const bob = model.newState();
  const words = messageWords(alice, model);
  const visit: Visit = (x, hash) => {
    fill(x, ids);
    alice.set(h0);
    feed(alice, ids, 0, cut);
    canonicalNaN(alice);
    hashMessage(keys, words, hash);
    bob.set(alice);
    feed(bob, ids, cut, n);
    return model.readout(bob) === value;
  };
  return { visit, batched: fixed === undefined };
}

/**
 * cutVisitor's runs for a block of points, stepped together (src/refute/kernels/batch-step.ts): Alice's tokens, each
 * state's canonical bits hashed, then Bob's tokens from that state in place, as `visit` does one at a time. Undefined
 * when the batch stepper does not take the model or differs from its step on the seeded elements.
 */
function cutBlock(
  ctx: WalkContext,
  fill: FillTokens,
  keys: readonly [number, number],
  value: number,
  width: number,
): WalkBlock | undefined {
  const { model, family } = ctx;
  if (model.kind !== "recurrent") return undefined;
  const spec = ctx.spec?.arch === "recurrent" ? ctx.spec : undefined;
  const batch = batchStepper(spec, model, samples(ctx, fill), width);
  if (!batch) return undefined;
  const cut = family.split.alice.length;
  const n = family.split.n;
  const ids = Array.from({ length: batch.capacity }, () => new Int32Array(n));
  const words = ids.map((_, e) => messageWords(batch.state(e), model));
  const stepAt = columnStepper(batch, ids);
  return {
    width: batch.capacity,
    visit(xs, count, hashes, right) {
      for (let e = 0; e < count; e++) fill(xs[e]!, ids[e]!);
      batch.reset(count);
      for (let t = 0; t < cut; t++) stepAt(count, t);
      for (let e = 0; e < count; e++) {
        canonicalNaN(batch.state(e));
        hashMessage(keys, words[e]!, hashes, 2 * e);
      }
      for (let t = cut; t < n; t++) stepAt(count, t);
      for (let e = 0; e < count; e++) right[e] = model.readout(batch.state(e)) === value ? 1 : 0;
    },
  };
}

/** Inputs the kernel is checked on: the first elements and seeded random ones. */
function samples(ctx: WalkContext, fill: FillTokens): Int32Array[] {
  const bits = pointBits(ctx.family.size)!;
  const rng = new Rng(0x6b65726e);
  return Array.from({ length: 12 }, (_, s) => {
    const index = s < 4 ? BigInt(s) : randomBelow(rng, ctx.family.size);
    const ids = new Int32Array(ctx.family.split.n);
    fill(pointOf(index, wordsFor(bits)), ids);
    return ids;
  });
}
