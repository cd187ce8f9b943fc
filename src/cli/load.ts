import { readModelFile } from "../io/model-file.js";
import { compileModel } from "../models/compile.js";
import type { RecurrentModel } from "../models/model.js";
import type { ModelSpec } from "../models/spec.js";

export interface LoadedModel {
  readonly path: string;
  readonly spec: ModelSpec;
  readonly sha256: string;
  readonly model: RecurrentModel;
}

export function loadModel(path: string): LoadedModel {
  const { spec, sha256 } = readModelFile(path);
  return { path, spec, sha256, model: compileModel(spec) };
}

/** "lstm x2, hidden 4" or "dfa, 7 states": what the model is, in a few words. */
export function describeModel(spec: ModelSpec): string {
  if (spec.arch === "dfa") return `dfa, ${spec.states} states`;
  const cells = spec.layers.map((l) => (l.cell === "elman" ? `elman(${l.nonlinearity})` : l.cell));
  const layers = spec.layers.length > 1 ? ` x${spec.layers.length}` : "";
  return `${cells[0]}${layers}, hidden ${spec.layers.map((l) => l.hidden).join("/")}, ${spec.format}`;
}
