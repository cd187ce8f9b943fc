/**
 * A linear Transformer's state_dict in fast-transformers' names (a RecurrentTransformerEncoder of
 * RecurrentTransformerEncoderLayer with RecurrentAttentionLayer and RecurrentLinearAttention; the names are the
 * same for the parallel TransformerEncoder, whose weights it runs) as a ccbound recurrent model of
 * `linear-attention` layers:
 *
 *   <p>layers.L.attention.{query,key,value,out}_projection.{weight,bias}
 *   <p>layers.L.linear1.{weight,bias}  <p>layers.L.linear2.{weight,bias}  <p>layers.L.norm1/norm2.{weight,bias}
 *   <p>norm.{weight,bias}              (optional: the encoder's norm_layer, a LayerNorm; the model's finalNorm)
 *
 * with a token embedding (the one 2-D `<module>.weight` without a bias that has d_model columns, or
 * "ccbound.embedding") and a linear head (src/io/head-import.ts). The number of heads cannot be read from the
 * weights ("ccbound.heads", required), nor the activation ("ccbound.activation", relu by default as in the
 * reference) nor the attention's eps (1e-6, the reference's default); the LayerNorms' eps is
 * "ccbound.layer_norm_eps" (default 1e-5). A tensor left over is an error.
 */
import type { LinearAttentionLayer } from "../models/cells/linear-attention.js";
import type { FinalNorm } from "../models/final-norm.js";
import type { RecurrentModelSpec } from "../models/spec.js";
import { findHead, recurrentHeader } from "./head-import.js";
import { DEFAULT_LAYER_NORM_EPS } from "./pytorch-transformer-import.js";
import type { ImportSettings } from "./pytorch-import.js";
import type { SafetensorsFile } from "./safetensors.js";
import { fail, leftovers, TensorReader } from "./tensor-reader.js";

const MARKER = /^((?:.*\.)?)layers\.0\.attention\.query_projection\.weight$/;
/** The reference's RecurrentLinearAttention eps. */
const ATTENTION_EPS = 1e-6;

export function linearAttentionPrefix(file: SafetensorsFile): string | undefined {
  for (const name of file.tensors.keys()) {
    const m = MARKER.exec(name);
    if (m) return m[1] ?? "";
  }
  return undefined;
}

export function importLinearAttention(
  file: SafetensorsFile,
  settings: ImportSettings,
  where: string,
): RecurrentModelSpec {
  const p = linearAttentionPrefix(file) ?? fail("no tensor <prefix>layers.0.attention.query_projection.weight", where);
  const r = new TensorReader(file, where);
  const heads = settings.heads?.value;
  if (heads === undefined)
    fail(
      `the number of heads of a linear attention layer cannot be read from its weights: give "ccbound.heads" in the file's __metadata__ or its sidecar`,
      where,
    );
  const activation = settings.activation?.value ?? "relu";
  const normEps = epsOf(settings, where);
  const d = r.get(`${p}layers.0.attention.query_projection.weight`).shape[1]!;
  const layers: LinearAttentionLayer[] = [];
  for (let l = 0; r.has(`${p}layers.${l}.attention.query_projection.weight`); l++)
    layers.push(readLayer(r, `${p}layers.${l}.`, d, heads, activation, normEps, where));
  const finalNorm: FinalNorm | undefined = r.has(`${p}norm.weight`)
    ? {
        norm: "layer",
        weight: r.vector(`${p}norm.weight`, d, `d_model ${d}`),
        bias: r.vector(`${p}norm.bias`, d, `d_model ${d}`),
        eps: normEps,
      }
    : undefined;
  const embeddingName = embeddingOf(file, r, d, settings, where);
  const embedding = r.matrix(embeddingName, undefined, d, `the input width of ${p}layers.0, d_model ${d}`);
  const head = findHead(file, r, d, settings, where);
  const left = leftovers(file, r.used);
  if (left !== undefined)
    fail(`${left} not part of Embedding -> linear Transformer layers (fast-transformers names) -> Linear`, where);
  return {
    ...recurrentHeader(
      settings,
      r,
      {
        embedding: `"${embeddingName}"`,
        embeddingRows: embedding.length,
        head: head.name,
        headRows: head.weight.length,
      },
      where,
    ),
    embedding,
    layers,
    ...(finalNorm && { finalNorm }),
    head: { weight: head.weight, bias: head.bias },
  };
}

function readLayer(
  r: TensorReader,
  p: string,
  d: number,
  heads: number,
  activation: "relu" | "gelu",
  normEps: number,
  where: string,
): LinearAttentionLayer {
  const a = `${p}attention.`;
  const q = r.matrix(`${a}query_projection.weight`, undefined, d, `H d_keys x d_model ${d}`);
  const v = r.matrix(`${a}value_projection.weight`, undefined, d, `H d_values x d_model ${d}`);
  for (const [rows, what, name] of [
    [q.length, "d_keys", "query_projection"],
    [v.length, "d_values", "value_projection"],
  ] as const)
    if (rows % heads !== 0)
      fail(
        `tensor "${a}${name}.weight" has ${rows} rows, expected heads ${heads} x ${what}, a multiple of ${heads}`,
        where,
      );
  const qk = q.length;
  const hv = v.length;
  const ff = r.get(`${p}linear1.weight`).shape[0]!;
  const vec = (name: string, n: number, why: string) => r.vector(name, n, why);
  return {
    cell: "linear-attention",
    hidden: d,
    heads,
    d_keys: qk / heads,
    d_values: hv / heads,
    d_ff: ff,
    activation,
    eps: ATTENTION_EPS,
    norm_eps: normEps,
    query_weight: q,
    query_bias: vec(`${a}query_projection.bias`, qk, `the rows of query_projection`),
    key_weight: r.matrix(`${a}key_projection.weight`, qk, d, `the query's ${qk} rows x d_model ${d}`),
    key_bias: vec(`${a}key_projection.bias`, qk, `the rows of key_projection`),
    value_weight: v,
    value_bias: vec(`${a}value_projection.bias`, hv, `the rows of value_projection`),
    out_weight: r.matrix(`${a}out_projection.weight`, d, hv, `d_model ${d} x H d_values ${hv}`),
    out_bias: vec(`${a}out_projection.bias`, d, `d_model ${d}`),
    norm1_weight: vec(`${p}norm1.weight`, d, `d_model ${d}`),
    norm1_bias: vec(`${p}norm1.bias`, d, `d_model ${d}`),
    linear1_weight: r.matrix(`${p}linear1.weight`, ff, d, `d_ff ${ff} x d_model ${d}`),
    linear1_bias: vec(`${p}linear1.bias`, ff, `d_ff ${ff}`),
    linear2_weight: r.matrix(`${p}linear2.weight`, d, ff, `d_model ${d} x d_ff ${ff}`),
    linear2_bias: vec(`${p}linear2.bias`, d, `d_model ${d}`),
    norm2_weight: vec(`${p}norm2.weight`, d, `d_model ${d}`),
    norm2_bias: vec(`${p}norm2.bias`, d, `d_model ${d}`),
  };
}

/** The token embedding: named, or the one unused 2-D `.weight` with d_model columns and no bias (an nn.Embedding). */
function embeddingOf(
  file: SafetensorsFile,
  r: TensorReader,
  d: number,
  settings: ImportSettings,
  where: string,
): string {
  const given = settings.embedding;
  if (given !== undefined) {
    const name = file.tensors.has(given.value) ? given.value : `${given.value.replace(/\.$/, "")}.weight`;
    if (!file.tensors.has(name))
      fail(
        `"ccbound.embedding" (from ${given.from}) is ${JSON.stringify(given.value)}, but there is no tensor "${name}"`,
        where,
      );
    return name;
  }
  const fits = [...file.tensors.values()]
    .filter(
      (t) =>
        !r.used.has(t.name) &&
        t.shape.length === 2 &&
        t.shape[1] === d &&
        /(^|\.)weight$/.test(t.name) &&
        !file.tensors.has(t.name.replace(/weight$/, "bias")),
    )
    .map((t) => t.name);
  if (fits.length !== 1)
    fail(
      fits.length === 0
        ? `no embedding: no 2-D tensor <module>.weight without a bias with ${d} columns (d_model)`
        : `cannot tell the embedding among ${fits.map((n) => JSON.stringify(n)).join(", ")}; name it with "ccbound.embedding"`,
      where,
    );
  return fits[0]!;
}

function epsOf(settings: ImportSettings, where: string): number {
  const given = settings.layerNormEps;
  if (given === undefined) return DEFAULT_LAYER_NORM_EPS;
  if (typeof given.value !== "number")
    fail(`"ccbound.layer_norm_eps" (from ${given.from}) must be one number for a linear Transformer`, where);
  return given.value;
}
