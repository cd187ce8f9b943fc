/**
 * The GRU cell, PyTorch's nn.GRU, gate rows r|z|n: n = tanh(W_in x + b_in + r (W_hn h + b_hn)),
 * h' = n + z (h - n), PyTorch's CPU order of operations. Its state is h.
 */
import type { Arith } from "../../numeric/arith.js";
import { size } from "../file-schema.js";
import { defineCell, type LayerOf } from "./cell.js";
import { compiledGates, gateTensors, plainModule } from "./gated.js";

export const gru = defineCell({
  name: "gru",
  about: "a GRU (nn.GRU), gate rows r|z|n",
  fields: {
    hidden: size.describe(
      "hidden units; the state is h: n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h' = n + z (h - n)",
    ),
  },
  tensors: gateTensors(3, "r|z|n"),
  randomFields: (hidden) => ({ hidden }),
  compile(w, inputSize, arith) {
    const hidden = w.hidden;
    const g = compiledGates(w, 3 * hidden, inputSize, arith);
    return {
      hidden,
      units: hidden,
      step(state, offset, input, inputOffset) {
        g.ih.apply(input, inputOffset);
        g.hh.apply(state, offset);
        gruGates(arith, hidden, g.gi, g.gh, state, offset, g.pre);
      },
    };
  },
  torch: plainModule("gru", { module: "nn.GRU", arch: "gru", gates: 3, gateOrder: "r|z|n" }),
});

export type GruLayer = LayerOf<typeof gru>;

/** The GRU's gates from gi (W_ih x + b_ih) and gh (W_hh h + b_hh), into h at offset: the step's and the shared stepper's. */
export function gruGates(
  arith: Arith,
  hidden: number,
  gi: Float64Array,
  gh: Float64Array,
  state: Float64Array,
  offset: number,
  pre: Float64Array,
): void {
  // pre: the gates r|z, then n, each activation over its stretch in one call (as lstmGates; the same values).
  const h2 = 2 * hidden;
  for (let k = 0; k < h2; k++) pre[k] = arith.add(gi[k]!, gh[k]!);
  arith.sigmoidRange(pre, 0, h2);
  for (let j = 0; j < hidden; j++) pre[h2 + j] = arith.add(gi[h2 + j]!, arith.mul(pre[j]!, gh[h2 + j]!));
  arith.tanhRange(pre, h2, 3 * hidden);
  for (let j = 0; j < hidden; j++) {
    const n = pre[h2 + j]!;
    state[offset + j] = arith.add(n, arith.mul(pre[hidden + j]!, arith.sub(state[offset + j]!, n)));
  }
}
