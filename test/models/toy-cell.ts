/**
 * A cell defined outside ccbound, the way docs/architectures.md says to add one: a minimal gated unit (Zhou et al.
 * 2016, with GRU's placement of the gate) as one file, registered by test/models/registry.test.ts with one line. Its
 * PyTorch module, "nn.MGU", is made up (torch.nn has no two-gate RNN), so that the import and export run on it too:
 *
 *   f = sigmoid(W_if x + b_if + W_hf h + b_hf),  n = tanh(W_in x + b_in + f (W_hn h + b_hn)),  h' = h + f (n - h)
 */
import { size } from "../../src/models/file-schema.js";
import { defineCell, type LayerOf } from "../../src/models/cells/cell.js";
import { compiledGates, gateTensors, plainModule } from "../../src/models/cells/gated.js";

export const mgu = defineCell({
  name: "mgu",
  about: "a minimal gated unit, gate rows f|n",
  fields: { hidden: size.describe("hidden units; the state is h, hidden values") },
  tensors: gateTensors(2, "f|n"),
  randomFields: (hidden) => ({ hidden }),
  compile(w, inputSize, arith) {
    const hidden = w.hidden;
    const g = compiledGates(w, 2 * hidden, inputSize, arith);
    return {
      hidden,
      units: hidden,
      step(state, offset, input, inputOffset) {
        g.ih.apply(input, inputOffset);
        g.hh.apply(state, offset);
        for (let j = 0; j < hidden; j++) {
          const f = arith.sigmoid(arith.add(g.gi[j]!, g.gh[j]!));
          const n = arith.tanh(arith.add(g.gi[hidden + j]!, arith.mul(f, g.gh[hidden + j]!)));
          const h = state[offset + j]!;
          state[offset + j] = arith.add(h, arith.mul(f, arith.sub(n, h)));
        }
      },
    };
  },
  torch: plainModule("mgu", { module: "nn.MGU", arch: "mgu", gates: 2, gateOrder: "f|n" }),
});

export type MguLayer = LayerOf<typeof mgu>;
