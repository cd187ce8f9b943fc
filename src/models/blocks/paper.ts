/**
 * The paper's Transformer layer (Sec. 2), post-norm: a = x + W_O [head_1; ...; head_H] (then norm1),
 * y = a + W_2 relu(W_1 a + b_1) + b_2 (then norm2). Heads are softmax attention with no 1/sqrt(m) scaling and no
 * biases; the FFN and both layer norms are optional. Nothing is computed before attention: the heads read x itself.
 */
import * as z from "zod";
import { MAX_DIM } from "../../limits.js";
import { project, type CompiledHead } from "../attention.js";
import { matrix, vector, type Same } from "../file-schema.js";
import { asArray, asRecord, checkMatrix, checkVector, type Dim, type Path, type Report } from "../shapes.js";
import type { Matrix, Vector } from "../spec.js";
import { stateMatrix, stateVector, type StateTensor, type TensorSource } from "../state-dict.js";
import { flatten, roundedVector } from "../tensors.js";
import type { BlockKind } from "./block.js";
import {
  applyLayerNorm,
  checkLayerNorm,
  compileLayerNorm,
  identityNorm,
  layerNormParameters,
  layerNormSchema,
  type LayerNorm,
} from "./layer-norm.js";

/** One softmax attention head (paper Sec. 2): Q(x) = W_Q x, K(x) = W_K x, V(x) = W_V x, each m x d. */
export interface AttentionHead {
  query: Matrix; // m x d
  key: Matrix; // m x d
  value: Matrix; // m x d
}

/**
 * One Transformer layer, post-norm: a = x + W_O [head_1; ...; head_H] (then norm1), y = a + FFN(a) (then norm2),
 * with FFN(a) = W_2 relu(W_1 a + b_1) + b_2. Attention has no 1/sqrt(m) scaling, as in the paper.
 */
export interface PaperLayer {
  heads: AttentionHead[];
  /** W_O as a d x (m H) matrix (PyTorch's Linear layout; the paper writes its transpose). */
  output: Matrix;
  ffn: { weight1: Matrix; bias1: Vector; weight2: Matrix; bias2: Vector } | null; // f x d, f, d x f, d
  norm1?: LayerNorm;
  norm2?: LayerNorm;
}

const schema = z.strictObject({
  heads: z
    .array(
      z.strictObject({
        query: matrix.describe("m x d: W_Q"),
        key: matrix.describe("m x d: W_K"),
        value: matrix.describe("m x d: W_V"),
      }),
    )
    .min(1)
    .max(MAX_DIM),
  output: matrix.describe("d x (m H): W_O"),
  ffn: z
    .strictObject({
      weight1: matrix.describe("f x d"),
      bias1: vector.describe("f"),
      weight2: matrix.describe("d x f"),
      bias2: vector.describe("d"),
    })
    .nullable()
    .describe("the ReLU feed-forward network, or null for none"),
  norm1: layerNormSchema.optional().describe("layer norm after the attention residual"),
  norm2: layerNormSchema.optional().describe("layer norm after the FFN residual"),
});

// Compile-time proof that the schema and the type describe the same objects, both ways.
const schemaMatchesType: Same<z.output<typeof schema>, PaperLayer> = true;
void schemaMatchesType;

const PROJECTIONS = ["query", "key", "value"] as const;

/** Every head m x d (m the first head's), W_O d x mH, the FFN f wide (f from bias1), norms d. */
function checkShapes(layer: Readonly<Record<string, unknown>>, path: Path, d: Dim | undefined, report: Report): void {
  const at = (...keys: (string | number)[]): Path => [...path, ...keys];
  const heads = asArray(layer["heads"]) ?? [];
  const firstQuery = asArray(asRecord(heads[0])?.["query"]);
  const m: Dim | undefined =
    firstQuery && firstQuery.length > 0 ? { n: firstQuery.length, why: "the head width m of head 0" } : undefined;
  if (firstQuery?.length === 0) report(at("heads", 0, "query"), "has no rows: the head width m must be at least 1");
  heads.forEach((head, h) => {
    const r = asRecord(head);
    if (!r) return;
    for (const key of PROJECTIONS) checkMatrix(r[key], at("heads", h, key), m, d, report);
  });
  const mH = m && { n: m.n * heads.length, why: `m ${m.n} x ${heads.length} heads` };
  checkMatrix(layer["output"], at("output"), d, mH, report);
  const ffn = asRecord(layer["ffn"]);
  if (ffn) {
    const f = asArray(ffn["bias1"])?.length;
    const hidden = f === undefined ? undefined : { n: f, why: "the FFN width f (length of bias1)" };
    checkMatrix(ffn["weight1"], at("ffn", "weight1"), hidden, d, report);
    checkMatrix(ffn["weight2"], at("ffn", "weight2"), d, hidden, report);
    checkVector(ffn["bias2"], at("ffn", "bias2"), d, report);
  }
  for (const key of ["norm1", "norm2"]) checkLayerNorm(layer[key], at(key), d, report);
}

/** nn.Module names of the layer (docs/safetensors.md, scripts/pytorch-transformer-fixtures.py). */
const names = {
  projection: (l: number, h: number, p: (typeof PROJECTIONS)[number]) => `layers.${l}.heads.${h}.${p}.weight`,
  output: (l: number) => `layers.${l}.output.weight`,
  /** The FFN's first (1) or second (2) nn.Linear, named as nn.TransformerEncoderLayer names them. */
  linear: (l: number, k: 1 | 2) => `layers.${l}.linear${k}`,
  /** The layer norm after the attention residual (1) or after the FFN residual (2). */
  norm: (l: number, k: 1 | 2) => `layers.${l}.norm${k}`,
};

function readLayer(r: TensorSource, l: number, d: number, width: string): PaperLayer {
  const heads = readHeads(r, l, d, width);
  const m = heads[0]!.query.length;
  const output = r.matrix(
    names.output(l),
    d,
    m * heads.length,
    `W_O: ${width}; m ${m} x ${heads.length} heads columns`,
  );
  const norm1 = readNorm(r, names.norm(l, 1), d, width);
  const norm2 = readNorm(r, names.norm(l, 2), d, width);
  return { heads, output, ffn: readFfn(r, l, d, width), ...(norm1 && { norm1 }), ...(norm2 && { norm2 }) };
}

/** Heads 0, 1, ... while a query exists; every head of the layer has head 0's m. */
function readHeads(r: TensorSource, l: number, d: number, width: string): AttentionHead[] {
  const first = names.projection(l, 0, "query");
  const m = r.matrix(first, undefined, d, width).length;
  const why = `the heads of a layer share m = ${m}, the rows of "${r.name(first)}"; ${width}`;
  const heads: AttentionHead[] = [];
  for (let h = 0; r.has(names.projection(l, h, "query")); h++) {
    const [query, key, value] = PROJECTIONS.map((p) => r.matrix(names.projection(l, h, p), m, d, why));
    heads.push({ query: query!, key: key!, value: value! });
  }
  return heads;
}

/** linear1 and linear2, or neither (no FFN); a bias left out (bias=False) is zeros. */
function readFfn(r: TensorSource, l: number, d: number, width: string): PaperLayer["ffn"] {
  const [one, two] = [names.linear(l, 1), names.linear(l, 2)];
  const [has1, has2] = [r.has(`${one}.weight`), r.has(`${two}.weight`)];
  if (!has1 && !has2) return null;
  if (has1 !== has2)
    r.fail(
      `there is "${r.name(`${has1 ? one : two}.weight`)}" but no "${r.name(`${has1 ? two : one}.weight`)}": the FFN is two nn.Linear`,
    );
  const weight1 = r.matrix(`${one}.weight`, undefined, d, width);
  const f = weight1.length;
  const ffnWidth = `f = ${f}, the rows of "${r.name(`${one}.weight`)}"`;
  return {
    weight1,
    bias1: r.optionalVector(`${one}.bias`, f, ffnWidth),
    weight2: r.matrix(`${two}.weight`, d, f, `${width}; ${ffnWidth}`),
    bias2: r.optionalVector(`${two}.bias`, d, width),
  };
}

function readNorm(r: TensorSource, module: string, d: number, width: string): LayerNorm | undefined {
  if (!r.has(`${module}.weight`)) return undefined; // a bias without its weight is left over, and refused
  return {
    weight: r.vector(`${module}.weight`, d, width),
    bias: r.optionalVector(`${module}.bias`, d, width),
    eps: r.normEps(module),
  };
}

/** The order of the module's attributes, as its state_dict lists them: heads, output, linear1, linear2, norm1, norm2. */
function writeLayer(layer: PaperLayer, l: number): StateTensor[] {
  const heads = layer.heads.flatMap((head, h) =>
    PROJECTIONS.map((p) => stateMatrix(names.projection(l, h, p), head[p])),
  );
  const ffn = layer.ffn && [
    stateMatrix(`${names.linear(l, 1)}.weight`, layer.ffn.weight1),
    stateVector(`${names.linear(l, 1)}.bias`, layer.ffn.bias1),
    stateMatrix(`${names.linear(l, 2)}.weight`, layer.ffn.weight2),
    stateVector(`${names.linear(l, 2)}.bias`, layer.ffn.bias2),
  ];
  const norms = ([1, 2] as const).flatMap((k) => {
    const norm = k === 1 ? layer.norm1 : layer.norm2;
    const module = names.norm(l, k);
    return norm ? [stateVector(`${module}.weight`, norm.weight), stateVector(`${module}.bias`, norm.bias)] : [];
  });
  return [...heads, stateMatrix(names.output(l), layer.output), ...(ffn ?? []), ...norms];
}

export const paper: BlockKind<PaperLayer> = {
  name: "paper",
  about:
    "the paper's post-norm layer: attention with no 1/sqrt(m) scaling, residuals, a ReLU FFN, optional layer norms",
  schema,
  checkShapes,
  compile(layer, d, arith, sums) {
    const m = layer.heads[0]?.query.length ?? 0;
    const heads: CompiledHead[] = layer.heads.map((h) => ({
      m,
      d,
      query: flatten(h.query, m, d, arith.round),
      key: flatten(h.key, m, d, arith.round),
      value: flatten(h.value, m, d, arith.round),
    }));
    const width = m * heads.length;
    const output = flatten(layer.output, d, width, arith.round);
    const ffn = layer.ffn && {
      f: layer.ffn.bias1.length,
      w1: flatten(layer.ffn.weight1, layer.ffn.bias1.length, d, arith.round),
      b1: roundedVector(layer.ffn.bias1, arith.round),
      w2: flatten(layer.ffn.weight2, d, layer.ffn.bias1.length, arith.round),
      b2: roundedVector(layer.ffn.bias2, arith.round),
    };
    const norm1 = layer.norm1 && compileLayerNorm(layer.norm1, arith);
    const norm2 = layer.norm2 && compileLayerNorm(layer.norm2, arith);
    // Scratch of the finish, kept per layer: the forward pass runs one position of one layer at a time.
    const attn = new Float64Array(d);
    const a = new Float64Array(d);
    const hidden = new Float64Array(ffn?.f ?? 0);
    const ffnOut = new Float64Array(d);
    const acc = sums.accumulator();
    return {
      block: "paper",
      heads,
      m,
      attentionInput: null,
      project: (head, which, x, positions, count, out) =>
        project(arith, which === "key" ? head.key : head.value, head, x, positions, count, out),
      query: (head, x, xOffset, q) => arith.matVec(head.query, m, d, x, null, q, 0, xOffset),
      finish(x, xOffset, headOutputs, hOffset, out, outOffset) {
        arith.matVec(output, d, width, headOutputs, null, attn, 0, hOffset);
        for (let c = 0; c < d; c++) a[c] = arith.add(x[xOffset + c]!, attn[c]!);
        if (norm1) applyLayerNorm(arith, acc, a, norm1);
        if (ffn) {
          const { f, w1, b1, w2, b2 } = ffn;
          arith.matVec(w1, f, d, a, b1, hidden);
          for (let r = 0; r < f; r++) hidden[r] = arith.relu(hidden[r]!);
          arith.matVec(w2, d, f, hidden, b2, ffnOut);
          for (let c = 0; c < d; c++) a[c] = arith.add(a[c]!, ffnOut[c]!);
        }
        if (norm2) applyLayerNorm(arith, acc, a, norm2);
        out.set(a, outOffset);
      },
    };
  },
  parameters(l) {
    const size = (m: readonly (readonly number[])[]) => m.reduce((s, row) => s + row.length, 0);
    let total = l.heads.reduce((s, h) => s + size(h.query) + size(h.key) + size(h.value), 0) + size(l.output);
    if (l.ffn) total += size(l.ffn.weight1) + l.ffn.bias1.length + size(l.ffn.weight2) + l.ffn.bias2.length;
    return total + layerNormParameters(l.norm1) + layerNormParameters(l.norm2);
  },
  parameterCount: ({ d, m, heads, ffn, layerNorm }) =>
    3 * heads * m * d + d * m * heads + (ffn > 0 ? 2 * ffn * d + ffn + d : 0) + (layerNorm ? 2 * (2 * d + 1) : 0),
  inFormat(l, round) {
    const mat = (m: Matrix) => m.map((row) => row.map(round));
    // The layer norms are kept as they are (the forward pass rounds them): so the re-rounded model, and its name in
    // certificates, is the one ccbound has always made of a Transformer with norms.
    return {
      ...l,
      heads: l.heads.map((h) => ({ query: mat(h.query), key: mat(h.key), value: mat(h.value) })),
      output: mat(l.output),
      ffn: l.ffn && {
        weight1: mat(l.ffn.weight1),
        bias1: l.ffn.bias1.map(round),
        weight2: mat(l.ffn.weight2),
        bias2: l.ffn.bias2.map(round),
      },
    };
  },
  random: (o) => ({
    heads: Array.from({ length: o.heads }, () => ({
      query: o.mat(o.m, o.d),
      key: o.mat(o.m, o.d),
      value: o.mat(o.m, o.d),
    })),
    output: o.mat(o.d, o.m * o.heads),
    ffn:
      o.ffn > 0
        ? { weight1: o.mat(o.ffn, o.d), bias1: o.vec(o.ffn), weight2: o.mat(o.d, o.ffn), bias2: o.vec(o.d) }
        : null,
    ...(o.layerNorm && { norm1: identityNorm(o.d, o.round), norm2: identityNorm(o.d, o.round) }),
  }),
  describe: (layers) =>
    `m ${layers[0]?.heads[0]?.query.length ?? 0}, heads ${layers.map((l) => l.heads.length).join("/")}`,
  torch: {
    tokenEmbedding: "embed.weight",
    positionEmbedding: "pos_embed.weight",
    head: "head",
    marker: (l) => names.projection(l, 0, "query"),
    readLayer,
    writeLayer,
    norms: (layer, l) =>
      ([1, 2] as const).flatMap((k) => {
        const norm = k === 1 ? layer.norm1 : layer.norm2;
        return norm ? [{ module: names.norm(l, k), eps: norm.eps }] : [];
      }),
  },
};
