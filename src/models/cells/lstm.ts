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
        lstmGates(arith, hidden, g.gi, g.gh, state, offset, g.pre);
      },
    };
  },
  torch: plainModule("lstm", { module: "nn.LSTM", arch: "lstm", gates: 4, gateOrder: "i|f|g|o" }),
});

export type LstmLayer = LayerOf<typeof lstm>;

/**
 * The LSTM's gates from its input part gi (W_ih x + b_ih) and hidden part gh (W_hh h + b_hh), into the state (h at
 * offset, c after it): the cell's step, and the dedup walk's shared stepper, which computes gh once per parent.
 * `pre` (4 hidden values of scratch) holds the gates i|f|g|o, then tanh(c') in g's place: each activation is applied
 * to a stretch of it in one call (Arith.sigmoidRange), and each value is the same operations as unit by unit.
 */
export function lstmGates(
  arith: Arith,
  hidden: number,
  gi: Float64Array,
  gh: Float64Array,
  state: Float64Array,
  offset: number,
  pre: Float64Array,
): void {
  const h2 = 2 * hidden;
  const h3 = 3 * hidden;
  for (let k = 0; k < 4 * hidden; k++) pre[k] = arith.add(gi[k]!, gh[k]!);
  arith.sigmoidRange(pre, 0, h2);
  arith.tanhRange(pre, h2, h3);
  arith.sigmoidRange(pre, h3, 4 * hidden);
  const c0 = offset + hidden;
  for (let j = 0; j < hidden; j++) {
    // c' = f c + i g; g's slot then holds c', for tanh.
    const c = arith.add(arith.mul(pre[hidden + j]!, state[c0 + j]!), arith.mul(pre[j]!, pre[h2 + j]!));
    state[c0 + j] = c;
    pre[h2 + j] = c;
  }
  arith.tanhRange(pre, h2, h3);
  // h is written after every gate has read the old h through gh, so in-place is safe.
  for (let j = 0; j < hidden; j++) state[offset + j] = arith.mul(pre[h3 + j]!, pre[h2 + j]!);
}
