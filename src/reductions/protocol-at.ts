import { comap, type Protocol } from "../cc/protocol.js";
import type { Model } from "../models/compile.js";
import { stateRelayCost, stateRelayProtocol } from "./state-relay.js";
import { theorem2Cost, theorem2Protocol } from "./theorem2.js";
import { theorem4Cost, theorem4Protocol } from "./theorem4.js";
import type { Split } from "./split.js";

/** A protocol over the token ids each party holds (in position order), answering the model's label id. */
export type SplitProtocol = Protocol<Int32Array, Int32Array, number>;

/**
 * The model's own protocol at a split, and its closed-form cost: Theorem 2 (Alice sends her state) for a recurrent
 * model at a cut, the state relayed at every change of holder at any other split (state-relay.ts: the multi-pass
 * protocol); Theorem 4 for a one-layer Transformer, at any split. `check`, `verify` and `simulate` all run a model's
 * protocol through this.
 */
export function protocolAt(
  model: Model,
  split: Split,
): { protocol: SplitProtocol; bits: number; theorem: "thm2" | "thm4" } {
  if (model.kind === "transformer") {
    return { protocol: theorem4Protocol(model, split), bits: theorem4Cost(model, split), theorem: "thm4" };
  }
  const cut = split.alice.length;
  if (split.alice.some((p, i) => p !== i)) {
    return { protocol: stateRelayProtocol(model, split), bits: stateRelayCost(model, split), theorem: "thm2" };
  }
  const protocol = comap(
    theorem2Protocol(model, cut),
    (x: Int32Array) => x,
    (y: Int32Array) => y,
  );
  return { protocol, bits: theorem2Cost(model), theorem: "thm2" };
}
