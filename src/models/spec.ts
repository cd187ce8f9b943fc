/**
 * The model file, version 1: plain data. The same object runs the forward pass, runs as a protocol and reports its size.
 * Tensor names and gate orders follow PyTorch (`weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`;
 * LSTM rows i|f|g|o, GRU rows r|z|n), so a state_dict maps onto it one to one.
 * Matrices are row-major arrays of rows: `weight_ih[r][c]` multiplies input c into row r.
 */
export type Matrix = number[][];
export type Vector = number[];

/** The tensors of a gated cell, as in PyTorch: G*hidden rows, G = 1 (Elman), 4 (LSTM) or 3 (GRU). */
export interface GateTensors {
  hidden: number;
  weight_ih: Matrix; // G*hidden x input
  weight_hh: Matrix; // G*hidden x hidden
  bias_ih: Vector; // G*hidden
  bias_hh: Vector; // G*hidden
}

export interface ElmanLayer extends GateTensors {
  cell: "elman";
  nonlinearity: "tanh" | "relu";
}

/** Gate rows i|f|g|o. */
export interface LstmLayer extends GateTensors {
  cell: "lstm";
}

/** Gate rows r|z|n. */
export interface GruLayer extends GateTensors {
  cell: "gru";
}

/** Diagonal linear recurrence, the state-space family: h' = a ⊙ h + B x + bias. */
export interface LinearLayer {
  cell: "linear";
  hidden: number;
  a: Vector; // hidden
  b: Matrix; // hidden x input
  bias: Vector; // hidden
}

export type RecurrentLayer = ElmanLayer | LstmLayer | GruLayer | LinearLayer;
export type CellType = RecurrentLayer["cell"];
export const CELL_TYPES: readonly CellType[] = ["elman", "lstm", "gru", "linear"];

interface ModelHeader {
  ccbound: "model";
  version: 1;
  name?: string;
  description?: string;
  /** Input tokens, in id order. */
  vocab: string[];
  /** Output labels, in logit order. */
  labels: string[];
}

export interface RecurrentModelSpec extends ModelHeader {
  arch: "recurrent";
  /** Number format name, see parseFormat. */
  format: string;
  embedding: Matrix; // vocab x d
  layers: RecurrentLayer[];
  head: { weight: Matrix; bias: Vector }; // labels x hidden(last layer), labels
}

/** A deterministic finite automaton; its state is ceil(log2 states) bits. Output label per state. */
export interface DfaModelSpec extends ModelHeader {
  arch: "dfa";
  states: number;
  start: number;
  transitions: number[][]; // states x vocab -> next state
  output: number[]; // states -> label index
}

export type ModelSpec = RecurrentModelSpec | DfaModelSpec;
export type Arch = ModelSpec["arch"];
