import type { BitString } from "../cc/bits.js";
import type { Protocol } from "../cc/protocol.js";
import { decodeState, encodeState, feed, stateBits, type RecurrentModel } from "../models/model.js";
import { blocksOf, type Split } from "./split.js";

/**
 * Theorem 2 at any split: the parties relay the state. The input's positions fall into maximal runs held by one
 * party; the holder of the first run feeds it from h_0 and sends the state's exact bits, the holder of the next run
 * decodes them, feeds its run and sends the state on, and so on; the holder of the last run reads the output. A cut
 * is two runs (one message: Theorem 2 itself); k copies of a two-half input cut at every copy's half are 2k runs
 * (2k - 1 messages: the multi-pass protocol of JRT-Prompt); odd/even is N runs. The answer equals the forward pass
 * bit for bit, because every party continues on exactly the values the previous one had.
 */
export function stateRelayProtocol(model: RecurrentModel, split: Split): Protocol<Int32Array, Int32Array, number> {
  const blocks = blocksOf(split);
  // Where each run starts within its holder's input (a party's tokens are its positions in increasing order).
  const seen = { alice: 0, bob: 0 };
  const runs = blocks.map((b) => {
    const from = seen[b.owner];
    seen[b.owner] += b.end - b.start;
    return { ...b, from };
  });
  const stepped = (r: (typeof runs)[number], input: Int32Array, message: BitString | undefined) =>
    feed(
      model,
      message ? decodeState(model, message) : model.newState(),
      input.subarray(r.from, r.from + r.end - r.start),
      r.start,
    );
  const node = (i: number, message: BitString | undefined): Protocol<Int32Array, Int32Array, number> => {
    const r = runs[i]!;
    if (i === runs.length - 1) {
      const output = (input: Int32Array) => model.readout(stepped(r, input, message));
      return r.owner === "alice" ? { kind: "alice-outputs", output } : { kind: "bob-outputs", output };
    }
    return {
      kind: r.owner,
      label: `h after positions ${r.start + 1}..${r.end}: ${model.stateUnits} values x ${model.unitBits} bits (${model.formatName})`,
      send: (input: Int32Array) => encodeState(model, stepped(r, input, message)),
      next: (m) => node(i + 1, m),
    };
  };
  return node(0, undefined);
}

/** The relay's cost in closed form: one state per change of holder, whatever the input. */
export function stateRelayCost(model: RecurrentModel, split: Split): number {
  return (blocksOf(split).length - 1) * stateBits(model);
}

/** Messages the relay sends at a split: one fewer than the runs. */
export function relayMessages(split: Split): number {
  return blocksOf(split).length - 1;
}
