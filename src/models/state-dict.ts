/**
 * What a descriptor says about PyTorch state_dicts without knowing files: the tensors it writes (by name, shape and
 * row-major values) and the reader it reads its tensors through (src/io implements it over a safetensors file, with
 * the module prefix, the settings and one-line errors naming the tensor).
 */
import type { Matrix, Vector } from "./spec.js";

export interface StateTensor {
  readonly name: string;
  readonly shape: number[];
  readonly values: number[];
}

export function stateMatrix(name: string, rows: readonly (readonly number[])[]): StateTensor {
  return { name, shape: [rows.length, rows[0]?.length ?? 0], values: rows.flat() };
}

/** 1-D, as PyTorch keeps a bias or a layer norm's weight. */
export function stateVector(name: string, values: readonly number[]): StateTensor {
  return { name, shape: [values.length], values: [...values] };
}

/**
 * What a block's weights cannot say, from the import's settings ("ccbound.heads", "ccbound.norm_first",
 * "ccbound.activation"): GPT-2's n_head, nn.TransformerEncoderLayer's nhead, norm_first and activation.
 */
export interface BlockSettings {
  readonly heads?: number;
  readonly normFirst?: boolean;
  readonly activation?: "relu" | "gelu";
}

/** Tensors by their names in the module (the file's prefix left out); each read is checked against the sizes given. */
export interface TensorSource {
  /** The name as the file spells it, for messages. */
  name(n: string): string;
  has(n: string): boolean;
  /** The columns of a 2-D tensor. */
  cols(n: string): number;
  /** A 2-D tensor; rows and columns are checked when given, `why` says where the expected sizes come from. */
  matrix(n: string, rows: number | undefined, cols: number | undefined, why: string): Matrix;
  vector(n: string, length: number, why: string): Vector;
  /** A bias that PyTorch leaves out with bias=False: zeros then. */
  optionalVector(n: string, length: number, why: string): Vector;
  /** The eps of a layer norm module ("layers.0.norm1"): from "ccbound.layer_norm_eps", else nn.LayerNorm's. */
  normEps(module: string): number;
  /** A block setting, or undefined when no source gives it; a block reads only the settings its layout lists. */
  setting<K extends keyof BlockSettings>(key: K): BlockSettings[K];
  /** Refuses the file, with one line. */
  fail(message: string): never;
}
