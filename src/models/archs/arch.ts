/**
 * What an architecture is to ccbound: the value of a model file's `arch`, defined in one file
 * (src/models/archs/<name>.ts) and listed once in the registry (index.ts). The file schema, compiling, `--format`,
 * describing a model and `random-model --arch` read the descriptor; an architecture's parts (a recurrent model's
 * cells, a Transformer's blocks) are registries of their own.
 */
import type * as z from "zod";
import type { NumberFormat } from "../../numeric/format.js";
import type { Model } from "../compile.js";

/** The header every model file has. */
export interface ModelHeader {
  ccbound: "model";
  version: 1;
  name?: string;
  description?: string;
  /** Input tokens, in id order. */
  vocab: string[];
  /** Output labels, in logit order. */
  labels: string[];
}

/**
 * What `random-model` asks for, whatever the architecture; each one reads the options it takes (a DFA's `hidden` is
 * its number of states, a Transformer's its width d).
 */
export interface RandomOptions {
  /** A name `random-model --arch` takes: a cell, "dfa", "transformer". */
  kind: string;
  hidden: number;
  format: string;
  vocab: readonly string[];
  labels: readonly string[];
  seed: number;
  layers?: number;
  /** Recurrent: the embedding width (default: hidden). */
  embed?: number;
  nonlinearity?: "tanh" | "relu";
  /** Recurrent: random position embeddings for this many positions. */
  positions?: number;
  /** Transformer: heads per layer, head width m (default d), FFN width (default 2d, 0 for none). */
  heads?: number;
  headWidth?: number;
  ffn?: number;
  /** Transformer: the longest input (rows of the position embedding). */
  maxLength?: number;
  causal?: boolean;
  layerNorm?: boolean;
  /** nn.TransformerEncoderLayer (`--arch torch-encoder`): norm_first and the FFN's activation. */
  normFirst?: boolean;
  activation?: "relu" | "gelu";
  /** Mamba: d_state, d_conv, d_inner / d_model, dt_rank (defaults 16, 4, 2, ceil(d_model / 16)). */
  dState?: number;
  dConv?: number;
  expand?: number;
  dtRank?: number;
}

/** A name `random-model --arch` takes, and what it builds. */
export interface RandomKind {
  readonly name: string;
  readonly about: string;
}

export interface ArchKind<S extends ModelHeader & { arch: string }> {
  readonly name: S["arch"];
  /** One phrase for messages and the docs. */
  readonly about: string;
  /** How messages name a model of it: "a recurrent model", "a DFA", "a Transformer". */
  readonly noun: string;
  /** The file's strict object schema, with its shape checks. */
  readonly schema: z.ZodType<S>;
  compile(spec: S): Model;
  /**
   * The same model in another number format, its weights rounded to it (the spec, and its hash, that
   * `convert --format F` writes); `where` names the flag that asked, for a refusal.
   */
  inFormat(spec: S, format: NumberFormat, where: string): S;
  /** What the model is, in a few words: "lstm x2, hidden 4/4, float32". */
  describe(spec: S): string;
  readonly randomKinds: readonly RandomKind[];
  random(o: RandomOptions): S;
  /** Numbers a random model of these options holds: a model too large for a file is refused before it is built. */
  randomNumbers(o: RandomOptions): number;
}

/** The model file type of an architecture descriptor. */
export type SpecOf<K> = K extends ArchKind<infer S> ? S : never;
