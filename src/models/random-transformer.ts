import { parseFormat } from "../numeric/parse.js";
import { Rng } from "../random.js";
import { BLOCKS } from "./blocks/index.js";
import type { Matrix, TransformerModelSpec, Vector } from "./spec.js";

export interface RandomTransformerOptions {
  /** Embedding width d and head width m (m defaults to d). */
  width: number;
  headWidth?: number;
  heads: number;
  layers: number;
  /** Longest input (rows of the position embedding). */
  maxLength: number;
  format: string;
  vocab: readonly string[];
  labels: readonly string[];
  seed: number;
  /** FFN hidden width; 0 for none. Defaults to 2d. */
  ffn?: number;
  causal?: boolean;
  layerNorm?: boolean;
  /** nn.TransformerEncoderLayer's settings, for the torch-encoder block. */
  normFirst?: boolean;
  activation?: "relu" | "gelu";
  /** The block's name (src/models/blocks/); default: the first, the paper's layer. */
  block?: string;
}

/**
 * A random Transformer file of one block (default: the paper's layer): weights uniform in [-k, k] with k = 1/sqrt(d),
 * rounded to the format so the file holds exactly the values the model computes with; layer norms start as the
 * identity. Drawn in the order token embedding, position embedding, layers, head. Same options and seed, same file.
 */
export function randomTransformer(o: RandomTransformerOptions): TransformerModelSpec {
  const rng = new Rng(o.seed);
  const round = parseFormat(o.format).round;
  const d = o.width;
  const m = o.headWidth ?? d;
  const f = o.ffn ?? 2 * d;
  const k = 1 / Math.sqrt(d);
  const uniform = () => round((2 * rng.float() - 1) * k);
  const vec = (n: number): Vector => Array.from({ length: n }, uniform);
  const mat = (r: number, c: number): Matrix => Array.from({ length: r }, () => vec(c));
  const block = BLOCKS.find((b) => b.name === (o.block ?? BLOCKS[0].name));
  if (block === undefined) throw new RangeError(`no Transformer block is named ${o.block}`);
  const layer = () =>
    block.random({
      d,
      m,
      heads: o.heads,
      ffn: f,
      layerNorm: o.layerNorm ?? false,
      ...(o.normFirst !== undefined && { normFirst: o.normFirst }),
      ...(o.activation !== undefined && { activation: o.activation }),
      round,
      vec,
      mat,
    });
  return {
    ccbound: "model",
    version: 1,
    name: `random ${block === BLOCKS[0] ? "" : `${block.name} `}transformer d=${d} m=${m} H=${o.heads} L=${o.layers} ${o.format} seed=${o.seed}`,
    vocab: [...o.vocab],
    labels: [...o.labels],
    arch: "transformer",
    format: o.format,
    tokenEmbedding: mat(o.vocab.length, d),
    positionEmbedding: mat(o.maxLength, d),
    causal: block.alwaysCausal ? true : (o.causal ?? true),
    layers: Array.from({ length: o.layers }, layer),
    // A block whose PyTorch model has a final norm (GPT-2's ln_f) gets one, drawn after the layers; its head has
    // no bias when the PyTorch head has none (GPT-2's score).
    ...(block.torch.finalNorm !== undefined && {
      finalNorm: { weight: vec(d).map((v) => round(1 + v)), bias: vec(d), eps: round(2 ** -10) },
    }),
    head: {
      weight: mat(o.labels.length, d),
      bias: block.torch.headBias === false ? new Array<number>(o.labels.length).fill(0) : vec(o.labels.length),
    },
  };
}
