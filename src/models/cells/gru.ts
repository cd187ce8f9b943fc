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
        gruGates(arith, hidden, g.gi, g.gh, state, offset);
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
): void {
  for (let j = 0; j < hidden; j++) {
    const r = arith.sigmoid(arith.add(gi[j]!, gh[j]!));
    const z = arith.sigmoid(arith.add(gi[hidden + j]!, gh[hidden + j]!));
    const n = arith.tanh(arith.add(gi[2 * hidden + j]!, arith.mul(r, gh[2 * hidden + j]!)));
    const h = state[offset + j]!;
    state[offset + j] = arith.add(n, arith.mul(z, arith.sub(h, n)));
  }
}
