/**
 * What Elman, LSTM and GRU cells share: PyTorch's four tensors (weight_ih, weight_hh, bias_ih, bias_hh) with G gates
 * stacked in rows, and their compiled form (rounded, flattened weights and the scratch of the two products).
 */
import type { Arith } from "../../numeric/arith.js";
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

/** Rounded, flattened gate weights and the two scratch vectors (input part, hidden part) of G*hidden rows. */
export function compiledGates(w: GateTensors, rows: number, inputSize: number, arith: Arith) {
  return {
    wih: flatten(w.weight_ih, rows, inputSize, arith.round),
    whh: flatten(w.weight_hh, rows, w.hidden, arith.round),
    bih: roundedVector(w.bias_ih, arith.round),
    bhh: roundedVector(w.bias_hh, arith.round),
    gi: new Float64Array(rows),
    gh: new Float64Array(rows),
  };
}

/** The PyTorch module of a gated cell that has no settings: its layers are the module's four tensors, as they are. */
export function plainModule<N extends string>(
  cell: N,
  module: { module: string; arch: string; gates: number; gateOrder: string },
): TorchRnnModule<{ cell: N } & GateTensors> {
  return { ...module, settings: {}, layer: (tensors) => ({ cell, ...tensors }), settingsOf: () => ({}) };
}
