import { fail } from "../errors.js";
import { arithFor, type Arith } from "../numeric/arith.js";
import { exactSumFor, type Accumulator, type ExactSum } from "../numeric/exact-sum.js";
import type { NumberFormat } from "../numeric/format.js";
import { parseFormat } from "../numeric/parse.js";
import { attend } from "./attention.js";
import type { TransformerModelSpec } from "./archs/transformer.js";
import type { CompiledLayer } from "./blocks/block.js";
import { blockOf } from "./blocks/index.js";
import { applyLayerNorm, compileLayerNorm, layerNormParameters } from "./blocks/layer-norm.js";
import { argmax } from "./model.js";
import { flatten, roundedVector } from "./tensors.js";

export type { CompiledLayer } from "./blocks/block.js";

/**
 * The runtime face of a Transformer (paper Sec. 2) in a number format. Its size is read off the object: width
 * max(m, d), heads H, precision p and the bits of all its parameters. The pieces Theorem 4's protocol needs (the
 * embedding, each layer's computation before attention, its heads' queries, keys and values, the rest of the layer
 * after attention, the readout) are the ones the forward pass uses; each layer's come from its block
 * (src/models/blocks/).
 */
export interface TransformerModel {
  readonly kind: "transformer";
  readonly vocab: readonly string[];
  readonly labels: readonly string[];
  readonly format: NumberFormat;
  readonly formatName: string;
  readonly arith: Arith;
  readonly sums: ExactSum;
  /** p: bits per value. */
  readonly unitBits: number;
  /** d, the embedding width. */
  readonly d: number;
  /** Largest head width m and most heads H over the layers. */
  readonly headWidth: number;
  readonly heads: number;
  readonly layers: readonly CompiledLayer[];
  readonly maxLength: number;
  readonly causal: boolean;
  readonly parameterBits: number;
  /** x = round(token embedding + position embedding) into out[offset ..]. */
  embed(token: number, position: number, out: Float64Array, offset: number): void;
  /** After attention at one position: `layer.finish` (for the paper's block: residual, norm, FFN, residual, norm). */
  finishLayer(
    layer: CompiledLayer,
    x: Float64Array,
    xOffset: number,
    headOutputs: Float64Array,
    hOffset: number,
    out: Float64Array,
    outOffset: number,
  ): void;
  /** The label logits of a final vector (after the final norm, when the model has one), in a buffer the model reuses. */
  readoutLogits(x: Float64Array, offset: number): Float64Array;
  /** The vector at the last position after the last layer (what the readout reads), in a reused buffer. */
  finalVector(tokens: ArrayLike<number>): Float64Array;
  logits(tokens: ArrayLike<number>): Float64Array;
  forward(tokens: ArrayLike<number>): number;
}

export function compileTransformer(spec: TransformerModelSpec): TransformerModel {
  const format = parseFormat(spec.format);
  const arith = arithFor(format);
  const sums = exactSumFor(format);
  const d = spec.tokenEmbedding[0]?.length ?? 0;
  const vocab = spec.vocab.length;
  const maxLength = spec.positionEmbedding.length;
  const tokenEmbedding = flatten(spec.tokenEmbedding, vocab, d, arith.round);
  const positionEmbedding = flatten(spec.positionEmbedding, maxLength, d, arith.round);
  const layers = spec.layers.map((l) => blockOf(l).compile(l, d, arith, sums));
  const labels = spec.labels.length;
  const headW = flatten(spec.head.weight, labels, d, arith.round);
  const headB = roundedVector(spec.head.bias, arith.round);

  const logitBuf = new Float64Array(labels);
  // The final norm (GPT-2's ln_f) is part of the readout: whoever computes the head computes it, from the last
  // position's vector, so Theorem 4's protocol and the KV cache read it through readoutLogits like the forward pass.
  const finalNorm = spec.finalNorm && compileLayerNorm(spec.finalNorm, arith);
  const normed = new Float64Array(finalNorm ? d : 0);
  const normAcc = finalNorm ? sums.accumulator() : null;
  const readoutLogits = (x: Float64Array, offset: number) => {
    if (finalNorm) {
      for (let c = 0; c < d; c++) normed[c] = x[offset + c]!;
      applyLayerNorm(arith, normAcc!, normed, finalNorm);
      arith.matVec(headW, labels, d, normed, headB, logitBuf, 0, 0);
    } else arith.matVec(headW, labels, d, x, headB, logitBuf, 0, offset);
    return logitBuf;
  };
  const model: TransformerModel = {
    kind: "transformer",
    vocab: spec.vocab,
    labels: spec.labels,
    format,
    formatName: format.name,
    arith,
    sums,
    unitBits: format.bits,
    d,
    headWidth: Math.max(0, ...layers.map((l) => l.m)),
    heads: Math.max(0, ...layers.map((l) => l.heads.length)),
    layers,
    maxLength,
    causal: spec.causal,
    parameterBits: countParameters(spec) * format.bits,
    embed(token, position, out, offset) {
      for (let c = 0; c < d; c++)
        out[offset + c] = arith.add(tokenEmbedding[token * d + c]!, positionEmbedding[position * d + c]!);
    },
    finishLayer: (layer, x, xOffset, heads, hOffset, out, outOffset) =>
      layer.finish(x, xOffset, heads, hOffset, out, outOffset),
    readoutLogits,
    finalVector: (tokens) => runForward(model, tokens),
    logits: (tokens) => readoutLogits(runForward(model, tokens), 0),
    forward: (tokens) => argmax(readoutLogits(runForward(model, tokens), 0)),
  };
  return model;
}

/** Buffers of one forward pass, kept per model and grown to the longest input seen. */
interface Scratch {
  n: number;
  x: Float64Array; // n x d
  y: Float64Array; // n x d
  a: Float64Array; // n x d: the attention inputs of a block that computes them (null attentionInput: x itself)
  k: Float64Array; // n x m
  v: Float64Array; // n x m
  s: Float64Array; // n
  q: Float64Array; // m
  heads: Float64Array; // n x mH
  positions: Int32Array; // 0 .. n-1
  z: Accumulator;
  u: Accumulator[];
}

const scratches = new WeakMap<TransformerModel, Scratch>();

function scratchFor(model: TransformerModel, n: number): Scratch {
  let s = scratches.get(model);
  if (s === undefined || s.n < n) {
    const { d, headWidth: m, heads: H } = model;
    s = {
      n,
      x: new Float64Array(n * d),
      y: new Float64Array(n * d),
      a: new Float64Array(model.layers.some((l) => l.attentionInput) ? n * d : 0),
      k: new Float64Array(n * m),
      v: new Float64Array(n * m),
      s: new Float64Array(n),
      q: new Float64Array(m),
      heads: new Float64Array(n * m * H),
      positions: Int32Array.from({ length: n }, (_, i) => i),
      z: model.sums.accumulator(),
      u: Array.from({ length: m }, () => model.sums.accumulator()),
    };
    scratches.set(model, s);
  }
  return s;
}

/**
 * The forward pass: every layer attends from every position (the last layer only from the last one, which is all
 * the output reads), and the head reads the last position. Not re-entrant: buffers are shared per model.
 */
function runForward(model: TransformerModel, tokens: ArrayLike<number>): Float64Array {
  const { x, offset } = forwardVectors(model, tokens);
  return x.subarray(offset, offset + model.d);
}

function forwardVectors(model: TransformerModel, tokens: ArrayLike<number>): { x: Float64Array; offset: number } {
  const n = tokens.length;
  if (n < 1 || n > model.maxLength)
    fail("invalid-input", `the model takes 1 to ${model.maxLength} tokens (its position embeddings), got ${n}`);
  const sc = scratchFor(model, n);
  const { d } = model;
  let x = sc.x;
  let y = sc.y;
  for (let i = 0; i < n; i++) model.embed(tokens[i]!, i, x, i * d);
  model.layers.forEach((layer, l) => {
    const first = l === model.layers.length - 1 ? n - 1 : 0;
    attendAll(model, layer, x, n, first, sc);
    const width = layer.m * layer.heads.length;
    for (let i = first; i < n; i++) layer.finish(x, i * d, sc.heads, i * width, y, i * d);
    [x, y] = [y, x];
  });
  return { x, offset: (n - 1) * d };
}

/**
 * Head outputs of every query position from `first` on, into sc.heads (position-major, head by head): each head's
 * keys and values at every position and its query at each of those, from the layer's attention inputs.
 */
function attendAll(
  model: TransformerModel,
  layer: CompiledLayer,
  x: Float64Array,
  n: number,
  first: number,
  sc: Scratch,
): void {
  const { arith, d } = model;
  const m = layer.m;
  const width = m * layer.heads.length;
  let a = x;
  if (layer.attentionInput) {
    a = sc.a;
    for (let i = 0; i < n; i++) layer.attentionInput(x, i * d, a, i * d);
  }
  layer.heads.forEach((head, h) => {
    layer.project(head, "key", a, sc.positions, n, sc.k);
    layer.project(head, "value", a, sc.positions, n, sc.v);
    for (let i = first; i < n; i++) {
      layer.query(head, a, i * d, sc.q);
      const count = model.causal ? i + 1 : n;
      attend(arith, sc, head, sc.k, sc.v, count, sc.heads, i * width + h * m);
    }
  });
}

/** Numbers in every parameter: embeddings, each layer's (as its block counts them), the final norm, the head. */
function countParameters(spec: TransformerModelSpec): number {
  const size = (m: readonly (readonly number[])[]) => m.reduce((s, row) => s + row.length, 0);
  let total = size(spec.tokenEmbedding) + size(spec.positionEmbedding) + size(spec.head.weight) + spec.head.bias.length;
  for (const l of spec.layers) total += blockOf(l).parameters(l);
  return total + layerNormParameters(spec.finalNorm);
}
