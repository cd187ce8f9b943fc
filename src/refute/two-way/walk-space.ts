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
import { canonicalNaN, stepper } from "../kernels/step.js";
import { hashString, hashWords, subkey } from "../rho/keyed-hash.js";
import { pointBits, pointOf, wordsFor } from "../rho/points.js";
import type { WalkSpace } from "../rho/walk-space.js";
import { tokenFiller, type FillTokens } from "./token-filler.js";

export interface WalkContext {
  readonly model: Model;
  /** The model file, for the fast fixed-point step (optional: without it the model's own step runs). */
  readonly spec?: ModelSpec;
  readonly family: TwoWayFamily;
  readonly binding: Binding;
  readonly protocol: SplitProtocol;
}

export function walkSpace(ctx: WalkContext, seed: number): WalkSpace | undefined {
  const bits = pointBits(ctx.family.size);
  if (bits === undefined) return undefined;
  const fill = tokenFiller(ctx.family, ctx.binding, bits);
  const keys = [subkey(seed, 1), subkey(seed, 2)] as const;
  const value = ctx.binding.labelId.get(ctx.family.value)!;
  const exact = (x: Uint32Array) => protocolRun(ctx, fill, x);
  const visit = cutVisitor(ctx, fill, keys, value) ?? genericVisitor(exact, keys, value);
  return { bits, words: wordsFor(bits), visit, transcriptKey: (x) => exact(x).key };
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
 * it to the answer. Steps by the fixed-point kernel when the model has one. Allocates nothing per visit.
 */
function cutVisitor(
  ctx: WalkContext,
  fill: FillTokens,
  keys: readonly [number, number],
  value: number,
): Visit | undefined {
  const { model, family } = ctx;
  const cut = family.split.alice.length;
  if (model.kind !== "recurrent" || family.split.alice.some((p, i) => p !== i)) return undefined;
  const n = family.split.n;
  const feed = stepper(ctx.spec, model, () => samples(ctx, fill));
  const ids = new Int32Array(n);
  const h0 = model.newState();
  const alice = model.newState();
  const bob = model.newState();
  // The message is the state alone: a layer output past it (Mamba's) is not hashed, as the protocol does not send it.
  const words = new Uint32Array(alice.buffer, 0, 2 * model.stateUnits);
  return (x, hash) => {
    fill(x, ids);
    alice.set(h0);
    feed(alice, ids, 0, cut);
    canonicalNaN(alice);
    hash[0] = hashWords(keys[0], words, words.length);
    hash[1] = hashWords(keys[1], words, words.length);
    bob.set(alice);
    feed(bob, ids, cut, n);
    return model.readout(bob) === value;
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
