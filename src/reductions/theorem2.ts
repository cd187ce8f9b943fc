import type { BitString } from "../cc/bits.js";
import { oneWay, type Protocol } from "../cc/protocol.js";
import { decodeFrom } from "../models/decode.js";
import { decodeState, encodeState, feed, readoutBits, stateBits, type RecurrentModel } from "../models/model.js";

/**
 * Theorem 2: a recurrent model with an mp-bit state gives a one-way, one-round protocol for any cut K of an input of
 * n tokens (Alice holds the first K).
 * Alice runs the model on s_1..s_K and sends the exact bits of h_K; Bob decodes them, runs s_{K+1}..s_N and reads
 * the output. Inputs are token ids; the answer is the model's label index, equal to the forward pass bit for bit.
 *
 * At K = n Bob has no token to run, and for a model whose last layer's output is not state (Mamba, linear attention)
 * the answer is not a function of h_n: it reads that output, which the last step computed from h_{n-1} and the last
 * token. There Alice's message is h_n followed by the values the readout reads, counted (theorem2Cost): the message
 * stays "exactly what Bob's computation reads", so Bob's answer is the forward pass's by the same code path. For
 * every other model, and at every K < n, the message is h_K alone.
 */
export function theorem2Protocol(
  model: RecurrentModel,
  cut: number,
  n: number,
): Protocol<ArrayLike<number>, ArrayLike<number>, number> {
  const final = cut === n && model.readoutUnits > 0;
  const readout = final ? ` and the readout's ${model.readoutUnits} values` : "";
  return oneWay(
    `h_K${readout}: ${model.stateUnits + (final ? model.readoutUnits : 0)} values x ${model.unitBits} bits (${model.formatName})`,
    (alice) => {
      if (alice.length !== cut)
        throw new RangeError(`Alice holds the ${cut} tokens before the cut, got ${alice.length}`);
      return encodeState(model, feed(model, model.newState(), alice), final);
    },
    // Positions are public: Bob continues at the cut.
    (message, bob) => {
      if (bob.length !== n - cut)
        throw new RangeError(`Bob holds the ${n - cut} tokens after the cut, got ${bob.length}`);
      return model.readout(feed(model, decodeState(model, message, final), bob, cut));
    },
  );
}

/**
 * Bob's greedy continuation in Theorem 2's protocol, for a task whose answer is a sequence (copy): from Alice's
 * message at the cut he runs his tokens and decodes `steps` outputs (src/models/decode.ts). The protocol's output is
 * the first of them; the rest depend on Alice only through the message, so two strings with one message get one
 * continuation. Label indices, equal to the forward pass's greedy decoding.
 */
export function theorem2Continuation(
  model: RecurrentModel,
  message: BitString,
  bob: ArrayLike<number>,
  cut: number,
  n: number,
  steps: number,
): number[] {
  const final = cut === n && model.readoutUnits > 0;
  const state = feed(model, decodeState(model, message, final), bob, cut);
  return decodeFrom(model, state, n, steps);
}

/** The closed-form cost of Theorem 2's protocol: the state's bits, and at K = n the readout's values past it. */
export function theorem2Cost(model: RecurrentModel, cut: number, n: number): number {
  return stateBits(model) + (cut === n ? readoutBits(model) : 0);
}
