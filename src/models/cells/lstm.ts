/**
 * The LSTM cell, PyTorch's nn.LSTM, gate rows i|f|g|o: c' = f c + i g, h' = o tanh(c'). Its state is h, then c.
 */
import type { Arith } from "../../numeric/arith.js";
import { size } from "../file-schema.js";
import { defineCell, type LayerOf } from "./cell.js";
import { compiledGates, gateTensors, plainModule } from "./gated.js";

export const lstm = defineCell({
  name: "lstm",
  about: "an LSTM (nn.LSTM), gate rows i|f|g|o",
  fields: {
    hidden: size.describe("hidden units; the state is h then c, 2 hidden values: c' = f c + i g, h' = o tanh(c')"),
  },
  tensors: gateTensors(4, "i|f|g|o"),
  randomFields: (hidden) => ({ hidden }),
  compile(w, inputSize, arith) {
    const hidden = w.hidden;
    const g = compiledGates(w, 4 * hidden, inputSize, arith);
    return {
      hidden,
      units: 2 * hidden,
      step(state, offset, input, inputOffset) {
        g.ih.apply(input, inputOffset);
        g.hh.apply(state, offset);
        lstmGates(arith, hidden, g.gi, g.gh, state, offset);
      },
    };
  },
  torch: plainModule("lstm", { module: "nn.LSTM", arch: "lstm", gates: 4, gateOrder: "i|f|g|o" }),
});

export type LstmLayer = LayerOf<typeof lstm>;

/**
 * The LSTM's gates from its input part gi (W_ih x + b_ih) and hidden part gh (W_hh h + b_hh), into the state (h at
 * offset, c after it): the cell's step, and the dedup walk's shared stepper, which computes gh once per parent.
 */
export function lstmGates(
  arith: Arith,
  hidden: number,
  gi: Float64Array,
  gh: Float64Array,
  state: Float64Array,
  offset: number,
): void {
  const c0 = offset + hidden;
  for (let j = 0; j < hidden; j++) {
    const i = arith.sigmoid(arith.add(gi[j]!, gh[j]!));
    const f = arith.sigmoid(arith.add(gi[hidden + j]!, gh[hidden + j]!));
    const cand = arith.tanh(arith.add(gi[2 * hidden + j]!, gh[2 * hidden + j]!));
    const o = arith.sigmoid(arith.add(gi[3 * hidden + j]!, gh[3 * hidden + j]!));
    const c = arith.add(arith.mul(f, state[c0 + j]!), arith.mul(i, cand));
    state[c0 + j] = c;
    // h is written after every gate of this unit has read the old h through gh, so in-place is safe.
    state[offset + j] = arith.mul(o, arith.tanh(c));
  }
}
