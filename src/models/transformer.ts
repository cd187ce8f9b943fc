import { fail } from "../errors.js";
import { arithFor, type Arith } from "../numeric/arith.js";
import { exactSumFor, type Accumulator, type ExactSum } from "../numeric/exact-sum.js";
import type { NumberFormat } from "../numeric/format.js";
import { parseFormat } from "../numeric/parse.js";
import { attend, project, type CompiledHead } from "./attention.js";
import { argmax } from "./model.js";
import type { LayerNorm, TransformerLayer, TransformerModelSpec } from "./spec.js";
import { flatten, roundedVector } from "./tensors.js";

interface CompiledNorm {
  readonly weight: Float64Array;
  readonly bias: Float64Array;
  readonly eps: number;
}

export interface CompiledLayer {
  readonly heads: readonly CompiledHead[];
  /** Head width m (every head of a layer has the same). */
  readonly m: number;
  readonly output: Float64Array; // d x mH
  readonly ffn: {
    readonly f: number;
    readonly w1: Float64Array;
    readonly b1: Float64Array;
    readonly w2: Float64Array;
    readonly b2: Float64Array;
  } | null;
  readonly norm1: CompiledNorm | null;
  readonly norm2: CompiledNorm | null;
}

/**
 * The runtime face of a Transformer (paper Sec. 2) in a number format. Its size is read off the object: width
 * max(m, d), heads H, precision p and the bits of all its parameters. The pieces Theorem 4's protocol needs (the
 * embedding, the compiled heads, the rest of a layer after attention, the readout) are the ones the forward pass uses.
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
  /** After attention at one position: residual, norm, FFN, residual, norm; x[xOffset ..] and the H head outputs. */
  finishLayer(
    layer: CompiledLayer,
    x: Float64Array,
    xOffset: number,
    headOutputs: Float64Array,
    hOffset: number,
    out: Float64Array,
    outOffset: number,
  ): void;
  /** The label logits of a final vector, in a buffer the model reuses. */
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
  const layers = spec.layers.map((l) => compileLayer(l, d, arith));
  const labels = spec.labels.length;
  const headW = flatten(spec.head.weight, labels, d, arith.round);
  const headB = roundedVector(spec.head.bias, arith.round);

  const finish = layerFinisher(arith, sums, d, layers);
  const logitBuf = new Float64Array(labels);
  const readoutLogits = (x: Float64Array, offset: number) => {
    arith.matVec(headW, labels, d, x, headB, logitBuf, 0, offset);
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
    finishLayer: finish,
    readoutLogits,
    finalVector: (tokens) => runForward(model, tokens),
    logits: (tokens) => readoutLogits(runForward(model, tokens), 0),
    forward: (tokens) => argmax(readoutLogits(runForward(model, tokens), 0)),
  };
  return model;
}

function compileLayer(layer: TransformerLayer, d: number, arith: Arith): CompiledLayer {
  const m = layer.heads[0]?.query.length ?? 0;
  const heads = layer.heads.map((h) => ({
    m,
    d,
    query: flatten(h.query, m, d, arith.round),
    key: flatten(h.key, m, d, arith.round),
    value: flatten(h.value, m, d, arith.round),
  }));
  const ffn = layer.ffn && {
    f: layer.ffn.bias1.length,
    w1: flatten(layer.ffn.weight1, layer.ffn.bias1.length, d, arith.round),
    b1: roundedVector(layer.ffn.bias1, arith.round),
    w2: flatten(layer.ffn.weight2, d, layer.ffn.bias1.length, arith.round),
    b2: roundedVector(layer.ffn.bias2, arith.round),
  };
  const norm = (n: LayerNorm | undefined) =>
    n && {
      weight: roundedVector(n.weight, arith.round),
      bias: roundedVector(n.bias, arith.round),
      eps: arith.round(n.eps),
    };
  return {
    heads,
    m,
    output: flatten(layer.output, d, m * heads.length, arith.round),
    ffn,
    norm1: norm(layer.norm1) ?? null,
    norm2: norm(layer.norm2) ?? null,
  };
}

/** The part of a layer after attention, with its scratch buffers (sized once for the widest layer). */
function layerFinisher(
  arith: Arith,
  sums: ExactSum,
  d: number,
  layers: readonly CompiledLayer[],
): TransformerModel["finishLayer"] {
  const attn = new Float64Array(d);
  const a = new Float64Array(d);
  const hidden = new Float64Array(Math.max(0, ...layers.map((l) => l.ffn?.f ?? 0)));
  const ffnOut = new Float64Array(d);
  const acc = sums.accumulator();
  const normalize = (v: Float64Array, n: CompiledNorm) => layerNorm(arith, acc, v, n);
  return (layer, x, xOffset, heads, hOffset, out, outOffset) => {
    arith.matVec(layer.output, d, layer.m * layer.heads.length, heads, null, attn, 0, hOffset);
    for (let c = 0; c < d; c++) a[c] = arith.add(x[xOffset + c]!, attn[c]!);
    if (layer.norm1) normalize(a, layer.norm1);
    if (layer.ffn) {
      const { f, w1, b1, w2, b2 } = layer.ffn;
      arith.matVec(w1, f, d, a, b1, hidden);
      for (let r = 0; r < f; r++) hidden[r] = arith.relu(hidden[r]!);
      arith.matVec(w2, d, f, hidden, b2, ffnOut);
      for (let c = 0; c < d; c++) a[c] = arith.add(a[c]!, ffnOut[c]!);
    }
    if (layer.norm2) normalize(a, layer.norm2);
    out.set(a, outOffset);
  };
}

/**
 * Layer norm in the format: the mean and the variance are exact sums divided by d and rounded once; then
 * (v - mean) / sqrt(variance + eps) * weight + bias, rounding every operation. In place.
 */
function layerNorm(arith: Arith, acc: Accumulator, v: Float64Array, n: CompiledNorm): void {
  const d = v.length;
  acc.clear();
  for (let c = 0; c < d; c++) acc.add(v[c]!);
  const mean = acc.roundedQuotient(d);
  acc.clear();
  for (let c = 0; c < d; c++) {
    v[c] = arith.sub(v[c]!, mean);
    acc.add(arith.mul(v[c]!, v[c]!));
  }
  const scale = arith.sqrt(arith.add(acc.roundedQuotient(d), n.eps));
  for (let c = 0; c < d; c++) v[c] = arith.add(arith.mul(arith.div(v[c]!, scale), n.weight[c]!), n.bias[c]!);
}

/** Buffers of one forward pass, kept per model and grown to the longest input seen. */
interface Scratch {
  n: number;
  x: Float64Array; // n x d
  y: Float64Array; // n x d
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
    for (let i = first; i < n; i++) model.finishLayer(layer, x, i * d, sc.heads, i * width, y, i * d);
    [x, y] = [y, x];
  });
  return { x, offset: (n - 1) * d };
}

/** Head outputs of every query position from `first` on, into sc.heads (position-major, head by head). */
function attendAll(
  model: TransformerModel,
  layer: CompiledLayer,
  x: Float64Array,
  n: number,
  first: number,
  sc: Scratch,
): void {
  const { arith } = model;
  const m = layer.m;
  const width = m * layer.heads.length;
  layer.heads.forEach((head, h) => {
    project(arith, head.key, head, x, sc.positions, n, sc.k);
    project(arith, head.value, head, x, sc.positions, n, sc.v);
    for (let i = first; i < n; i++) {
      arith.matVec(head.query, m, model.d, x, null, sc.q, 0, i * model.d);
      const count = model.causal ? i + 1 : n;
      attend(arith, sc, sc.k, sc.v, m, count, sc.heads, i * width + h * m);
    }
  });
}

function countParameters(spec: TransformerModelSpec): number {
  const size = (m: readonly (readonly number[])[]) => m.reduce((s, row) => s + row.length, 0);
  const norm = (n: LayerNorm | undefined) => (n ? n.weight.length + n.bias.length + 1 : 0);
  let total = size(spec.tokenEmbedding) + size(spec.positionEmbedding) + size(spec.head.weight) + spec.head.bias.length;
  for (const l of spec.layers) {
    total += l.heads.reduce((s, h) => s + size(h.query) + size(h.key) + size(h.value), 0) + size(l.output);
    if (l.ffn) total += size(l.ffn.weight1) + l.ffn.bias1.length + size(l.ffn.weight2) + l.ffn.bias2.length;
    total += norm(l.norm1) + norm(l.norm2);
  }
  return total;
}
