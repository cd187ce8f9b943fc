/**
 * The model file, version 1: plain data. The same object runs the forward pass, runs as a protocol and reports its size.
 * Tensor names and gate orders follow PyTorch (`weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`;
 * LSTM rows i|f|g|o, GRU rows r|z|n), so a state_dict maps onto it one to one.
 * Matrices are row-major arrays of rows: `weight_ih[r][c]` multiplies input c into row r.
 *
 * Each architecture, cell and block defines its own part of the file, in its own file (src/models/archs/,
 * src/models/cells/, src/models/blocks/); these are their types, gathered in one place.
 */
export type Matrix = number[][];
export type Vector = number[];

export type { ModelHeader } from "./archs/arch.js";
export type { ModelSpec, Arch } from "./archs/index.js";
export type { RecurrentModelSpec } from "./archs/recurrent.js";
export type { DfaModelSpec } from "./archs/dfa.js";
export type { TransformerModelSpec } from "./archs/transformer.js";
export type { RecurrentLayer, CellType } from "./cells/index.js";
export type { GateTensors } from "./cells/cell.js";
export type { ElmanLayer } from "./cells/elman.js";
export type { LstmLayer } from "./cells/lstm.js";
export type { GruLayer } from "./cells/gru.js";
export type { LinearLayer } from "./cells/linear.js";
export type { TransformerLayer } from "./blocks/index.js";
export type { AttentionHead, PaperLayer } from "./blocks/paper.js";
export type { LayerNorm } from "./blocks/layer-norm.js";
