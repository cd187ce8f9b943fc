import type { ModelSpec } from "../models/spec.js";
import type { TaskOptions } from "../tasks/index.js";
import type { Task } from "../tasks/task.js";
import type { CodeKind } from "./positional.js";

/** The paper's upper bounds (notes §5) and the recurrent baselines, by the name `ccbound construct NAME` takes. */
export type ConstructionName =
  | "index-lookup"
  | "equality"
  | "threshold"
  | "disjointness"
  | "nearest-neighbor"
  | "assoc-recall"
  | "dyck-rnn"
  | "index-lookup-rnn"
  | "induction-heads";

/**
 * A construction's size, read off the weights it built. For Transformers width = max(m, d) (paper Sec. 2); for
 * recurrent models width = hidden units m and stateBits = m p.
 */
export interface ConstructionSize {
  readonly width: number;
  readonly layers: number;
  /** Most heads in a layer; 0 for recurrent models. */
  readonly heads: number;
  /** p, bits per value of the number format. */
  readonly precision: number;
  /** Bits of every parameter and embedding, the paper's "total size" (App. A(2)). */
  readonly parameterBits: number;
  readonly stateBits?: number;
}

/** A built construction: ordinary model weights, the task they solve, and what was chosen and why. */
export interface BuiltConstruction {
  readonly name: ConstructionName;
  /** Registry id of the result it realises ("thm1", "thm6", ...). */
  readonly theorem: string;
  readonly task: Task;
  readonly spec: ModelSpec;
  readonly size: ConstructionSize;
  /** The free parameters as chosen (k, eta, format, ...), for the report. */
  readonly parameters: Readonly<Record<string, number | string>>;
  /** The paper's values of the same quantities, where it states them, beside ours. */
  readonly paper: Readonly<Record<string, number | string>>;
}

/** Options every construction understands; a construction may ignore what does not apply and say so in `parameters`. */
export interface ConstructionOptions {
  /** Number format name, overriding the smallest one the construction chooses. */
  readonly format?: string;
  /** Positional-vector width k, overriding the chosen one. */
  readonly k?: number;
  /** Seed for random positional vectors. */
  readonly seed?: number;
  /** The positional sign code (positional.ts); each construction has a default. */
  readonly code?: CodeKind;
  /** γ for the random and Reed–Solomon codes (Lemma 2): <T(i), T(j)> <= γ k for i != j. */
  readonly gamma?: number;
  /** The attention scale η, overriding the chosen one. */
  readonly eta?: number;
  /** Fraction bits F of the fixed-point format, overriding the chosen ones (the integer bits follow the ranges). */
  readonly fracBits?: number;
  /** Options of the task the construction solves (alphabet, variant, separator, dim, mqar). */
  readonly task?: TaskOptions;
}

export interface Construction {
  readonly name: ConstructionName;
  readonly theorem: string;
  /** One line for `ccbound construct --help`. */
  readonly description: string;
  /** The largest N `construct` builds and verifies (two layers attend from every position: N^2 steps an input). */
  readonly maxN?: number;
  /** The task parameters it understands (construct refuses the others). */
  readonly takes?: readonly (keyof TaskOptions)[];
  build(n: number, options?: ConstructionOptions): BuiltConstruction;
  /** The size as a function of n, from formulas and without building (tests check it against the built weights). */
  size?(n: number, options?: ConstructionOptions): ConstructionSize;
}
