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
  /**
   * Optional position embeddings (maxLength x d), added to the token's embedding at each step; the model then takes
   * at most maxLength tokens. The paper's lower bounds hold even with arbitrary ones (Sec. 2).
   */
  positionEmbedding?: Matrix;
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

/** One softmax attention head (paper Sec. 2): Q(x) = W_Q x, K(x) = W_K x, V(x) = W_V x, each m x d. */
export interface AttentionHead {
  query: Matrix; // m x d
  key: Matrix; // m x d
  value: Matrix; // m x d
}

/** Layer norm over the d features: (x - mean) / sqrt(variance + eps) * weight + bias. */
export interface LayerNorm {
  weight: Vector; // d
  bias: Vector; // d
  eps: number;
}

/**
 * One Transformer layer, post-norm: a = x + W_O [head_1; ...; head_H] (then norm1), y = a + FFN(a) (then norm2),
 * with FFN(a) = W_2 relu(W_1 a + b_1) + b_2. Attention has no 1/sqrt(m) scaling, as in the paper.
 */
export interface TransformerLayer {
  heads: AttentionHead[];
  /** W_O as a d x (m H) matrix (PyTorch's Linear layout; the paper writes its transpose). */
  output: Matrix;
  ffn: { weight1: Matrix; bias1: Vector; weight2: Matrix; bias2: Vector } | null; // f x d, f, d x f, d
  norm1?: LayerNorm;
  norm2?: LayerNorm;
}

/**
 * A Transformer as in the paper: token plus absolute position embeddings, L layers of H heads, a linear head read at
 * the last position. `causal` masks attention to earlier positions (it makes no difference to the last position).
 */
export interface TransformerModelSpec extends ModelHeader {
  arch: "transformer";
  format: string;
  tokenEmbedding: Matrix; // vocab x d
  positionEmbedding: Matrix; // maxLength x d: inputs are at most this long
  causal: boolean;
  layers: TransformerLayer[];
  head: { weight: Matrix; bias: Vector }; // labels x d, labels
}

export type ModelSpec = RecurrentModelSpec | DfaModelSpec | TransformerModelSpec;
export type Arch = ModelSpec["arch"];
