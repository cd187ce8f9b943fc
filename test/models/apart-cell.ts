/**
 * A cell whose output is not its state, the way Mamba's and linear attention's are, for the tests of that contract
 * (test/models/apart-output.test.ts registers it with one line): a diagonal linear recurrence that outputs the old
 * state times the input's projection,
 *
 *   u = B x + bias,  y = h ⊙ u,  h' = a ⊙ h + u
 *
 * so y is a function of the old state and the token, not of h' (the next step never reads it): it lives apart.
 */
import { size } from "../../src/models/file-schema.js";
import { flatten, roundedVector } from "../../src/models/tensors.js";
import { defineCell, HIDDEN, INPUT, type LayerOf } from "../../src/models/cells/cell.js";

export const apart = defineCell({
  name: "apart",
  about: "a diagonal linear recurrence whose output h ⊙ (B x + bias) is not state",
  fields: { hidden: size.describe("hidden units; the state is h, the output is apart") },
  tensors: [
    { key: "a", describe: "hidden", rows: HIDDEN },
    { key: "b", describe: "hidden x input", rows: HIDDEN, cols: INPUT },
    { key: "bias", describe: "hidden", rows: HIDDEN },
  ],
  randomFields: (hidden) => ({ hidden }),
  compile(w, inputSize, arith) {
    const hidden = w.hidden;
    const a = roundedVector(w.a, arith.round);
    const b = flatten(w.b, hidden, inputSize, arith.round);
    const bias = roundedVector(w.bias, arith.round);
    const u = new Float64Array(hidden);
    return {
      hidden,
      units: hidden,
      output: "apart",
      step(state, offset, input, inputOffset, outputOffset) {
        arith.matVec(b, hidden, inputSize, input, bias, u, 0, inputOffset);
        for (let j = 0; j < hidden; j++) {
          const h = state[offset + j]!;
          state[outputOffset + j] = arith.mul(h, u[j]!);
          state[offset + j] = arith.add(arith.mul(a[j]!, h), u[j]!);
        }
      },
    };
  },
});

export type ApartLayer = LayerOf<typeof apart>;
