import { compileDfa } from "./dfa.js";
import type { RecurrentModel } from "./model.js";
import { compileRnn } from "./rnn.js";
import type { DfaModelSpec, ModelSpec, RecurrentModelSpec, TransformerModelSpec } from "./spec.js";
import { compileTransformer, type TransformerModel } from "./transformer.js";

/** Any runnable model: recurrent (RNNs, DFAs) or a Transformer. `kind` tells them apart. */
export type Model = RecurrentModel | TransformerModel;

/** Compile a model file into a runnable model. */
export function compileModel(spec: RecurrentModelSpec | DfaModelSpec): RecurrentModel;
export function compileModel(spec: TransformerModelSpec): TransformerModel;
export function compileModel(spec: ModelSpec): Model;
export function compileModel(spec: ModelSpec): Model {
  switch (spec.arch) {
    case "recurrent":
      return compileRnn(spec);
    case "dfa":
      return compileDfa(spec);
    case "transformer":
      return compileTransformer(spec);
    default: {
      const never: never = spec;
      throw new Error(`unknown arch ${JSON.stringify(never)}`);
    }
  }
}
