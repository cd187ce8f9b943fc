/**
 * What Elman, LSTM and GRU cells share: PyTorch's four tensors (weight_ih, weight_hh, bias_ih, bias_hh) with G gates
 * stacked in rows, and their compiled form (rounded, flattened weights and the scratch of the two products).
 */
import type { Arith } from "../../numeric/arith.js";
import { matVecKernel } from "../../numeric/matvec-kernel.js";
import { flatten, roundedVector } from "../tensors.js";
import { HIDDEN, INPUT, type GateTensors, type Side, type TorchRnnModule } from "./cell.js";

/** The tensor table of a cell with `g` gates whose row blocks are in `order` ("i|f|g|o"; "" for one gate). */
export function gateTensors(g: number, order: string) {
  const rows: Side = (s) =>
    s.hidden && { n: g * s.hidden.n, why: g === 1 ? s.hidden.why : `${g} gates (${order}) x ${s.hidden.why}` };
  const height = g === 1 ? "hidden" : `${g}*hidden`;
  const blocks = g === 1 ? "" : `, gate rows ${order}`;
  return [
    { key: "weight_ih", describe: `${height} x input${blocks}`, rows, cols: INPUT },
    { key: "weight_hh", describe: `${height} x hidden${blocks}`, rows, cols: HIDDEN },
    { key: "bias_ih", describe: `${height}${blocks}`, rows },
    { key: "bias_hh", describe: `${height}${blocks}`, rows },
  ] as const;
}

/**
 * The two gate products of G*hidden rows, input part (ih: W_ih x + b_ih) and hidden part (hh: W_hh h + b_hh), with
 * their outputs gi and gh (each apply rewrites them): kernels prepared once (src/numeric/matvec-kernel.ts), the same bits as
 * Arith.matVec on the rounded, flattened weights; and `pre`, G*hidden values of scratch for the gates' arguments.
 */
export function compiledGates(w: GateTensors, rows: number, inputSize: number, arith: Arith) {
  const wih = flatten(w.weight_ih, rows, inputSize, arith.round);
  const whh = flatten(w.weight_hh, rows, w.hidden, arith.round);
  const bih = roundedVector(w.bias_ih, arith.round);
  const bhh = roundedVector(w.bias_hh, arith.round);
  const ih = matVecKernel(arith, wih, rows, inputSize, bih);
  const hh = matVecKernel(arith, whh, rows, w.hidden, bhh);
  return { ih, hh, gi: ih.out, gh: hh.out, pre: new Float64Array(rows) };
}

/** The PyTorch module of a gated cell that has no settings: its layers are the module's four tensors, as they are. */
export function plainModule<N extends string>(
  cell: N,
  module: { module: string; arch: string; gates: number; gateOrder: string },
): TorchRnnModule<{ cell: N } & GateTensors> {
  return { ...module, settings: {}, layer: (tensors) => ({ cell, ...tensors }), settingsOf: () => ({}) };
}
