import { comap, type Protocol } from "../cc/protocol.js";
import { fail } from "../errors.js";
import type { Model } from "../models/compile.js";
import { theorem2Cost, theorem2Protocol } from "./theorem2.js";
import { theorem4Cost, theorem4Protocol } from "./theorem4.js";
import type { Split } from "./split.js";

/** A protocol over the token ids each party holds (in position order), answering the model's label id. */
export type SplitProtocol = Protocol<Int32Array, Int32Array, number>;

/**
 * The model's own protocol at a split, and its closed-form cost: Theorem 2 (Alice sends her state) for a recurrent
 * model, whose split must be a cut; Theorem 4 for a one-layer Transformer, at any split. `check`, `verify` and
 * `simulate` all run a model's protocol through this.
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
    fail(
      "invalid-flag",
      `a recurrent model's protocol (Theorem 2) needs a cut K, not the split "${split.name}"`,
      "--split",
    );
  }
  const protocol = comap(
    theorem2Protocol(model, cut, split.n),
    (x: Int32Array) => x,
    (y: Int32Array) => y,
  );
  return { protocol, bits: theorem2Cost(model, cut, split.n), theorem: "thm2" };
}
