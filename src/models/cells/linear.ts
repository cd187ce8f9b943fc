/**
 * The diagonal linear recurrence, the state-space family: h' = a ⊙ h + (B x + bias). Its state is h. It has no
 * PyTorch module, so it is neither imported nor exported.
 */
import { size } from "../file-schema.js";
import { matVecKernel } from "../../numeric/matvec-kernel.js";
import { flatten, roundedVector } from "../tensors.js";
import { defineCell, HIDDEN, INPUT, type LayerOf } from "./cell.js";

export const linear = defineCell({
  name: "linear",
  about: "a diagonal linear recurrence",
  fields: { hidden: size.describe("hidden units; the state is h, hidden values") },
  tensors: [
    { key: "a", describe: "hidden: the diagonal a of h' = a ⊙ h + b x + bias", rows: HIDDEN },
    { key: "b", describe: "hidden x input", rows: HIDDEN, cols: INPUT },
    { key: "bias", describe: "hidden", rows: HIDDEN },
  ],
  randomFields: (hidden) => ({ hidden }),
  compile(w, inputSize, arith) {
    const hidden = w.hidden;
    const a = roundedVector(w.a, arith.round);
    const b = flatten(w.b, hidden, inputSize, arith.round);
    const bias = roundedVector(w.bias, arith.round);
    const bProduct = matVecKernel(arith, b, hidden, inputSize, bias); // B x + bias, into bx
    const bx = bProduct.out;
    return {
      hidden,
      units: hidden,
      diagonal: negativeEntry(a),
      step(state, offset, input, inputOffset) {
        bProduct.apply(input, inputOffset);
        for (let j = 0; j < hidden; j++) state[offset + j] = arith.add(arith.mul(a[j]!, state[offset + j]!), bx[j]!);
      },
    };
  },
});

export type LinearLayer = LayerOf<typeof linear>;

/** The linear cell's transition for the dynamics results: diagonal, and the first entry of a below 0, if any. */
function negativeEntry(a: Float64Array): { negative?: string } {
  const j = a.findIndex((v) => !(v >= 0));
  return j < 0 ? {} : { negative: `a[${j}] = ${a[j]}` };
}
