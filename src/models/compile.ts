import { archOf, type ModelSpec } from "./archs/index.js";
import type { RecurrentModel } from "./model.js";
import type { DfaModelSpec, RecurrentModelSpec, TransformerModelSpec } from "./spec.js";
import type { TransformerModel } from "./transformer.js";

/** Any runnable model: recurrent (RNNs, DFAs) or a Transformer. `kind` tells them apart. */
export type Model = RecurrentModel | TransformerModel;

/** Compile a model file into a runnable model, by its architecture's descriptor. */
export function compileModel(spec: RecurrentModelSpec | DfaModelSpec): RecurrentModel;
export function compileModel(spec: TransformerModelSpec): TransformerModel;
export function compileModel(spec: ModelSpec): Model;
export function compileModel(spec: ModelSpec): Model {
  return archOf(spec).compile(spec);
}
