import { compileModel } from "../models/compile.js";
import { stateBits } from "../models/model.js";
import type { ModelSpec } from "../models/spec.js";
import type { ConstructionSize } from "./construction.js";

/** The size of built weights, read off the compiled model the way `check` reads it. */
export function measuredSize(spec: ModelSpec): ConstructionSize {
  const model = compileModel(spec);
  if (model.kind === "transformer") {
    return {
      width: Math.max(model.d, model.headWidth),
      layers: model.layers.length,
      heads: model.heads,
      precision: model.unitBits,
      parameterBits: model.parameterBits,
    };
  }
  if (spec.arch !== "recurrent") throw new RangeError("constructions build Transformers and RNNs, not DFAs");
  const width = spec.layers.reduce((s, l) => s + l.hidden, 0);
  return {
    width,
    layers: spec.layers.length,
    heads: 0,
    precision: model.unitBits,
    parameterBits: model.parameterBits,
    stateBits: stateBits(model),
  };
}
