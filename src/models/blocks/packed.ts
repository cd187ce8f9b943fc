/**
 * The layer GPT-2 and nn.TransformerEncoderLayer share: q|k|v as one packed projection with a bias (GPT-2's
 * attn.c_attn, nn.MultiheadAttention's in_proj), H heads of width m = d / H, an output projection with a bias, two
 * layer norms, and a two-layer feed-forward network with biases, the norms before attention and the FFN (pre-norm)
 * or after each residual (post-norm). The blocks differ in where 1/sqrt(m) is applied, the activation and their
 * names; each is a file (gpt2.ts, torch-encoder.ts) that gives those and maps its fields onto these parts.
 *
 * Order of operations at one position, each operation rounded to the format (layer-norm.ts, attention.ts):
 *   pre-norm:  a = ln1(x); heads read a; h = x + (W_O [heads] + b_O); y = h + (W_2 act(W_1 ln2(h) + b_1) + b_2)
 *   post-norm: heads read x; h = ln1(x + (W_O [heads] + b_O)); y = ln2(h + (W_2 act(W_1 h + b_1) + b_2))
 * A projection row is round(round(dot) + bias) (Arith.matVec).
 */
import { fail } from "../../errors.js";
import type { Arith } from "../../numeric/arith.js";
import type { ExactSum } from "../../numeric/exact-sum.js";
import { matVecKernel, type MatVecKernel } from "../../numeric/matvec-kernel.js";
import type { CompiledHead } from "../attention.js";
import { asArray, asRecord, checkMatrix, checkVector, type Dim, type Path, type Report } from "../shapes.js";
import type { Matrix, Vector } from "../spec.js";
import { flatten, roundedVector } from "../tensors.js";
import type { CompiledLayer, RandomBlockOptions } from "./block.js";
import { applyLayerNorm, checkLayerNorm, compileLayerNorm, layerNormParameters, type LayerNorm } from "./layer-norm.js";

/** A weight (out x in, nn.Linear's layout) and its bias. */
export interface Affine {
  weight: Matrix;
  bias: Vector;
}

/** The parts of a packed layer, whatever its block calls them. */
export interface PackedParts {
  heads: number;
  /** 3d x d, rows q | k | v, head h at rows h*m .. (h+1)*m of each. */
  qkv: Affine;
  /** d x d: W_O over the heads side by side. */
  out: Affine;
  /** f x d, and d x f. */
  fc: Affine;
  proj: Affine;
  norm1: LayerNorm;
  norm2: LayerNorm;
}

export type Activation = "relu" | "gelu" | "gelu_tanh";

/** What the weights do not say: how a block computes with the parts. */
export interface PackedSettings {
  readonly normFirst: boolean;
  readonly activation: Activation;
  /**
   * Where 1/sqrt(m) is applied, with the divisor sqrt(m) in binary64 rounded to the format: "logits" divides each
   * logit after the dot product (GPT-2's `attn_weights / sqrt(d_head)`), "query" divides each coordinate of q before
   * it (torch 1.13's `q / math.sqrt(E)` in F.multi_head_attention_forward), one rounding per division either way.
   */
  readonly scaling: "logits" | "query";
}

/** The field names a block gives the parts, for shape messages. */
export interface PartNames {
  readonly qkv: string;
  readonly out: string;
  readonly fc: string;
  readonly proj: string;
  readonly norm1: string;
  readonly norm2: string;
}

/** Heads divide d; q|k|v 3d x d, W_O d x d, the FFN f wide (f from its first bias), norms d. */
export function checkPackedShapes(
  layer: Readonly<Record<string, unknown>>,
  names: PartNames,
  path: Path,
  d: Dim | undefined,
  report: Report,
): void {
  const at = (...keys: (string | number)[]): Path => [...path, ...keys];
  const H = layer["headCount"];
  if (d && typeof H === "number" && Number.isInteger(H) && H >= 1 && d.n % H !== 0)
    report(at("headCount"), `${H} heads do not divide the width d ${d.n} (${d.why}): each head is d / heads wide`);
  const threeD = d && { n: 3 * d.n, why: `q|k|v, 3 x d ${d.n}` };
  const affine = (key: string, rows: Dim | undefined, cols: Dim | undefined) => {
    const r = asRecord(layer[key]);
    if (!r) return;
    checkMatrix(r["weight"], at(key, "weight"), rows, cols, report);
    checkVector(r["bias"], at(key, "bias"), rows, report);
  };
  affine(names.qkv, threeD, d);
  affine(names.out, d, d);
  const f = asArray(asRecord(layer[names.fc])?.["bias"])?.length;
  const hidden = f === undefined ? undefined : { n: f, why: `the FFN width f (length of ${names.fc}.bias)` };
  affine(names.fc, hidden, d);
  affine(names.proj, d, hidden);
  checkLayerNorm(layer[names.norm1], at(names.norm1), d, report);
  checkLayerNorm(layer[names.norm2], at(names.norm2), d, report);
}

/** Numbers in the parts: weights, biases, both norms. */
export function packedParameters(p: PackedParts): number {
  const affine = (a: Affine) => a.weight.reduce((s, row) => s + row.length, 0) + a.bias.length;
  return (
    affine(p.qkv) +
    affine(p.out) +
    affine(p.fc) +
    affine(p.proj) +
    layerNormParameters(p.norm1) +
    layerNormParameters(p.norm2)
  );
}

/** Numbers of a layer of width d with an FFN f wide. */
export const packedCount = (d: number, f: number): number =>
  3 * d * d + 3 * d + d * d + d + 2 * f * d + f + d + 4 * d + 2;

/** The parts with every weight, bias and norm rounded to another format. */
export function roundedParts(p: PackedParts, round: (x: number) => number): PackedParts {
  const affine = (a: Affine): Affine => ({ weight: a.weight.map((r) => r.map(round)), bias: a.bias.map(round) });
  const norm = (n: LayerNorm): LayerNorm => ({
    weight: n.weight.map(round),
    bias: n.bias.map(round),
    eps: round(n.eps),
  });
  return {
    heads: p.heads,
    qkv: affine(p.qkv),
    out: affine(p.out),
    fc: affine(p.fc),
    proj: affine(p.proj),
    norm1: norm(p.norm1),
    norm2: norm(p.norm2),
  };
}

/**
 * Random parts: weights and biases uniform (o.vec, o.mat), norm weights 1 + uniform, norm biases uniform, eps 2^-10.
 * The heads split d (m = d / heads; o.m is not used); the FFN must have a width.
 */
export function randomParts(o: RandomBlockOptions, block: string): PackedParts {
  if (o.d % o.heads !== 0)
    fail(
      "invalid-flag",
      `a ${block} layer's ${o.heads} heads must divide the width d ${o.d} (m = d / heads)`,
      "--heads",
    );
  if (o.ffn < 1) fail("invalid-flag", `a ${block} layer has a feed-forward network: --ffn must be at least 1`, "--ffn");
  const affine = (rows: number, cols: number): Affine => ({ weight: o.mat(rows, cols), bias: o.vec(rows) });
  const norm = (): LayerNorm => ({
    weight: o.vec(o.d).map((v) => o.round(1 + v)),
    bias: o.vec(o.d),
    eps: o.round(2 ** -10),
  });
  return {
    heads: o.heads,
    qkv: affine(3 * o.d, o.d),
    out: affine(o.d, o.d),
    norm1: norm(),
    fc: affine(o.ffn, o.d),
    proj: affine(o.d, o.ffn),
    norm2: norm(),
  };
}

/**
 * A head with its biases, which only this block's project and query read, and its three products prepared once
 * (src/numeric/matvec-kernel.ts: the WebAssembly kernel for float32, else the format's matVec; the same bits).
 */
interface PackedHead extends CompiledHead {
  readonly qBias: Float64Array;
  readonly kBias: Float64Array;
  readonly vBias: Float64Array;
  readonly qKernel: MatVecKernel;
  readonly kKernel: MatVecKernel;
  readonly vKernel: MatVecKernel;
}

export function compilePacked(
  block: string,
  p: PackedParts,
  s: PackedSettings,
  d: number,
  arith: Arith,
  sums: ExactSum,
): CompiledLayer {
  const H = p.heads;
  const m = d / H;
  const qkv = flatten(p.qkv.weight, 3 * d, d, arith.round);
  const qkvBias = roundedVector(p.qkv.bias, arith.round);
  // sqrt(m) in binary64 (Python's `** 0.5` and math.sqrt), rounded to the format as torch.full / the scalar is.
  const divisor = arith.round(Math.sqrt(m));
  const rows = (which: number, h: number) => qkv.slice((which * d + h * m) * d, (which * d + (h + 1) * m) * d);
  const bias = (which: number, h: number) => qkvBias.slice(which * d + h * m, which * d + (h + 1) * m);
  const heads: PackedHead[] = Array.from({ length: H }, (_, h) => {
    const [query, key, value] = [rows(0, h), rows(1, h), rows(2, h)];
    const [qBias, kBias, vBias] = [bias(0, h), bias(1, h), bias(2, h)];
    return {
      m,
      d,
      query,
      key,
      value,
      qBias,
      kBias,
      vBias,
      qKernel: matVecKernel(arith, query, m, d, qBias),
      kKernel: matVecKernel(arith, key, m, d, kBias),
      vKernel: matVecKernel(arith, value, m, d, vBias),
      ...(s.scaling === "logits" && { logitScale: divisor }),
    };
  });
  const out = flatten(p.out.weight, d, d, arith.round);
  const outBias = roundedVector(p.out.bias, arith.round);
  const f = p.fc.bias.length;
  const fc = flatten(p.fc.weight, f, d, arith.round);
  const fcBias = roundedVector(p.fc.bias, arith.round);
  const proj = flatten(p.proj.weight, d, f, arith.round);
  const projBias = roundedVector(p.proj.bias, arith.round);
  const outKernel = matVecKernel(arith, out, d, d, outBias);
  const fcKernel = matVecKernel(arith, fc, f, d, fcBias);
  const projKernel = matVecKernel(arith, proj, d, f, projBias);
  const norm1 = compileLayerNorm(p.norm1, arith);
  const norm2 = compileLayerNorm(p.norm2, arith);
  const act =
    s.activation === "relu"
      ? (x: number) => arith.relu(x)
      : s.activation === "gelu"
        ? (x: number) => arith.gelu(x)
        : (x: number) => arith.geluTanh(x);
  const scaleQuery = s.scaling === "query";
  // Scratch, kept per layer: the forward pass runs one position of one layer at a time.
  const attn = new Float64Array(d);
  const h = new Float64Array(d);
  const t = new Float64Array(d);
  const hidden = new Float64Array(f);
  const ffnOut = new Float64Array(d);
  const v = new Float64Array(d);
  const acc = sums.accumulator();
  const acc2 = sums.accumulator();

  /** W_2 act(W_1 a + b_1) + b_2 from a (d), into ffnOut. */
  const ffn = (a: Float64Array) => {
    fcKernel.apply(a, 0);
    for (let r = 0; r < f; r++) hidden[r] = act(fcKernel.out[r]!);
    projKernel.apply(hidden, 0);
    ffnOut.set(projKernel.out);
  };

  return {
    block,
    heads,
    m,
    attentionInput: s.normFirst
      ? (x, xOffset, o, oOffset) => {
          for (let c = 0; c < d; c++) v[c] = x[xOffset + c]!;
          applyLayerNorm(arith, acc2, v, norm1);
          o.set(v, oOffset);
        }
      : null,
    project(head, which, a, positions, count, o) {
      const ph = head as PackedHead;
      const k = which === "key" ? ph.kKernel : ph.vKernel;
      for (let i = 0; i < count; i++) {
        const j = positions[i]!;
        k.apply(a, j * d);
        o.set(k.out, j * m);
      }
    },
    query(head, a, aOffset, q) {
      const ph = head as PackedHead;
      ph.qKernel.apply(a, aOffset);
      q.set(ph.qKernel.out);
      if (scaleQuery) for (let c = 0; c < m; c++) q[c] = arith.div(q[c]!, divisor);
    },
    finish(x, xOffset, headOutputs, hOffset, o, oOffset) {
      outKernel.apply(headOutputs, hOffset);
      attn.set(outKernel.out);
      for (let c = 0; c < d; c++) h[c] = arith.add(x[xOffset + c]!, attn[c]!);
      if (s.normFirst) {
        t.set(h);
        applyLayerNorm(arith, acc, t, norm2);
        ffn(t);
        for (let c = 0; c < d; c++) h[c] = arith.add(h[c]!, ffnOut[c]!);
      } else {
        applyLayerNorm(arith, acc, h, norm1);
        ffn(h);
        for (let c = 0; c < d; c++) h[c] = arith.add(h[c]!, ffnOut[c]!);
        applyLayerNorm(arith, acc, h, norm2);
      }
      o.set(h, oOffset);
    },
  };
}

/** The transpose of a matrix (Conv1D's in x out from nn.Linear's out x in, and back). */
export function transposed(w: Matrix): Matrix {
  const rows = w.length;
  const cols = w[0]?.length ?? 0;
  return Array.from({ length: cols }, (_, c) => Array.from({ length: rows }, (_, r) => w[r]![c]!));
}
