import { compileDfa } from "./dfa.js";
import type { RecurrentModel } from "./model.js";
import { compileRnn } from "./rnn.js";
import type { ModelSpec } from "./spec.js";

export function compileModel(spec: ModelSpec): RecurrentModel {
  switch (spec.arch) {
    case "recurrent":
      return compileRnn(spec);
    case "dfa":
      return compileDfa(spec);
    default: {
      const never: never = spec;
      throw new Error(`unknown arch ${JSON.stringify(never)}`);
    }
  }
}
