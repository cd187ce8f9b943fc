import { fail } from "../errors.js";
import type { RandomOptions } from "./archs/arch.js";
import { RANDOM_KINDS } from "./archs/index.js";
import type { CellType, DfaModelSpec, RecurrentModelSpec } from "./spec.js";

/** A cell's name or "dfa", and the options of src/models/archs/arch.ts a recurrent model or a DFA reads. */
export type RandomModelOptions = { arch: CellType | "dfa" } & Pick<
  RandomOptions,
  | "hidden"
  | "format"
  | "vocab"
  | "labels"
  | "seed"
  | "layers"
  | "embed"
  | "nonlinearity"
  | "positions"
  | "dState"
  | "dConv"
  | "expand"
  | "dtRank"
  | "heads"
  | "ffn"
>;

/**
 * A random recurrent model file of one cell (src/models/archs/recurrent.ts: weights uniform in [-k, k] with
 * PyTorch's k = 1/sqrt(hidden), rounded to the format), or a random DFA with `hidden` states: what
 * `random-model --arch` makes of these names. Same options and seed, same file.
 */
export function randomModel(o: RandomModelOptions): RecurrentModelSpec | DfaModelSpec {
  const { arch, ...rest } = o;
  const kind = RANDOM_KINDS.find((k) => k.name === arch) ?? fail("invalid-flag", `no recurrent model "${arch}"`);
  return kind.arch.random({ ...rest, kind: arch }) as RecurrentModelSpec | DfaModelSpec;
}
