import { fail } from "../errors.js";
import { RANDOM_KINDS } from "./archs/index.js";
import type { CellType, DfaModelSpec, RecurrentModelSpec } from "./spec.js";

export interface RandomModelOptions {
  arch: CellType | "dfa";
  /** Hidden units per layer; for a DFA, the number of states. */
  hidden: number;
  /** Number format name (ignored for a DFA). */
  format: string;
  vocab: readonly string[];
  labels: readonly string[];
  seed: number;
  layers?: number;
  /** Embedding width; defaults to the hidden size. */
  embed?: number;
  nonlinearity?: "tanh" | "relu";
  /** Random position embeddings for this many positions (drawn after everything else, so other weights keep the seed's values). */
  positions?: number;
}

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
