import { oneWay, type Protocol } from "../cc/protocol.js";
import { decodeState, encodeState, feed, stateBits, type RecurrentModel } from "../models/model.js";

/**
 * Theorem 2: a recurrent model with an mp-bit state gives a one-way, one-round protocol for any cut K (Alice holds
 * the first K tokens).
 * Alice runs the model on s_1..s_K and sends the exact bits of h_K; Bob decodes them, runs s_{K+1}..s_N and reads
 * the output. Inputs are token ids; the answer is the model's label index, equal to the forward pass bit for bit.
 */
export function theorem2Protocol(
  model: RecurrentModel,
  cut: number,
): Protocol<ArrayLike<number>, ArrayLike<number>, number> {
  return oneWay(
    `h_K: ${model.stateUnits} values x ${model.unitBits} bits (${model.formatName})`,
    (alice) => {
      if (alice.length !== cut)
        throw new RangeError(`Alice holds the ${cut} tokens before the cut, got ${alice.length}`);
      return encodeState(model, feed(model, model.newState(), alice));
    },
    // Positions are public: Bob continues at the cut.
    (message, bob) => model.readout(feed(model, decodeState(model, message), bob, cut)),
  );
}

/** The closed-form cost of Theorem 2's protocol: the state's bits, whatever the cut and the input. */
export function theorem2Cost(model: RecurrentModel): number {
  return stateBits(model);
}
