/** What a model is, in a few words: "lstm x2, hidden 4/4, float32", "dfa, 7 states"; each architecture says it. */
import { archOf, type ModelSpec } from "./archs/index.js";

export function describeModel(spec: ModelSpec): string {
  return archOf(spec).describe(spec);
}
