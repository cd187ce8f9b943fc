import { transcriptBits } from "../../cc/transcript.js";
import { decodeState, encodeState, type RecurrentModel } from "../../models/model.js";
import type { ModelSpec } from "../../models/spec.js";
import type { TwoWayReduction } from "../../reductions/applies.js";
import type { Split } from "../../reductions/split.js";
import { Rng } from "../../random.js";
import { randomBelow } from "../draws.js";
import { runAt } from "../finding.js";
import { batchStepper, columnStepper, type BatchStepper } from "../kernels/batch-step.js";

/*
 * Theorem 2's protocol at a cut (src/reductions/theorem2.ts) run on a block of fooling-set elements at once: Alice
 * feeds her tokens from h_0 and sends the exact bits of her state (the transcript is that one message), Bob decodes
 * them, feeds his tokens from the cut and reads the label. Both halves are stepped as one batch
 * (src/refute/kernels/batch-step.ts), so every state is the model's own, and the message's bits and the answer are
 * the protocol's: the same encodeState, decodeState and readout it calls. Only a recurrent model at a cut has this
 * protocol (another split relays the state several times), and `cutRuns` checks itself against the protocol's own
 * run (runAt) on seeded elements before it is used.
 */

/** Elements the self-check runs through the protocol both ways. */
const CHECKED = 8;

export interface CutRuns {
  /** Most elements of one block. */
  readonly width: number;
  /** Runs the protocol on elements[0 .. count) (their tokens): then key(e) and output(e) are element e's. */
  run(elements: readonly (readonly string[])[], count: number): void;
  /** Element e's transcript as a hashing key: transcriptBits(run.transcript).key(). */
  key(e: number): string;
  /** Element e's answer: run.output, the model's label index. */
  output(e: number): number;
}

/** Whether Alice holds positions 0 .. K - 1 and Bob K .. n - 1: Theorem 2's one-message protocol. */
function isCut(split: Split): boolean {
  const cut = split.alice.length;
  return cut > 0 && split.alice.every((p, i) => p === i) && split.bob.every((p, j) => p === cut + j) && cut <= split.n;
}

/** The batched runs of a two-way reduction's protocol, or undefined where it is not Theorem 2's at a cut. */
export function cutRuns(spec: ModelSpec | undefined, r: TwoWayReduction, width: number): CutRuns | undefined {
  if (r.model.kind !== "recurrent" || spec?.arch !== "recurrent" || !isCut(r.split) || r.protocol.kind !== "alice")
    return undefined;
  const model = r.model;
  // Every element has n tokens; the self-check's are seeded ones (their first positions are what it checks).
  const rng = new Rng(0x6375_7473);
  const checked = Array.from({ length: CHECKED }, () => r.family.element(randomBelow(rng, r.family.size)));
  const batch = batchStepper(
    spec,
    model,
    checked.map((tokens) => r.binding.ids(tokens)),
    width,
  );
  if (!batch || model.readoutUnits !== 0) return undefined;
  const runs = build(r, model, batch);
  for (let first = 0; first < checked.length; first += runs.width) {
    const block = checked.slice(first, first + runs.width);
    runs.run(block, block.length);
    for (let e = 0; e < block.length; e++) {
      const theirs = runAt(r, block[e]!);
      if (runs.key(e) !== transcriptBits(theirs.transcript).key() || runs.output(e) !== theirs.output) return undefined;
    }
  }
  return runs;
}

function build(r: TwoWayReduction, model: RecurrentModel, batch: BatchStepper): CutRuns {
  const { split, binding } = r;
  const cut = split.alice.length;
  const keys: string[] = [];
  const outputs = new Int32Array(batch.capacity);
  const ids: Int32Array[] = [];
  const stepAt = columnStepper(batch, ids);
  return {
    width: batch.capacity,
    run(elements, count) {
      for (let e = 0; e < count; e++) ids[e] = binding.ids(elements[e]!);
      batch.reset(count);
      for (let t = 0; t < cut; t++) stepAt(count, t);
      for (let e = 0; e < count; e++) {
        // The message, and Bob's start from it: readoutUnits is 0, so at K = n too the message is h_K alone.
        const bits = encodeState(model, batch.state(e));
        keys[e] = bits.key();
        batch.state(e).set(decodeState(model, bits));
      }
      for (let t = cut; t < split.n; t++) stepAt(count, t);
      for (let e = 0; e < count; e++) outputs[e] = model.readout(batch.state(e));
    },
    key: (e) => keys[e]!,
    output: (e) => outputs[e]!,
  };
}
