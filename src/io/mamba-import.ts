/**
 * A Mamba-1 state_dict in HF transformers' names (MambaForCausalLM / MambaModel; mamba_ssm's MambaLMHeadModel uses
 * the same names but `embedding` for `embeddings`) as a ccbound recurrent model of `mamba` layers:
 *
 *   <p>embeddings.weight [V, D]
 *   <p>layers.L.norm.weight [D]                     (RMSNorm; eps from "ccbound.layer_norm_eps", default 1e-5,
 *                                                   MambaConfig.layer_norm_epsilon's)
 *   <p>layers.L.mixer.in_proj.weight [2E, D]        (use_bias = False: no in_proj.bias, no out_proj.bias)
 *   <p>layers.L.mixer.conv1d.weight [E, 1, K]   .conv1d.bias [E]
 *   <p>layers.L.mixer.x_proj.weight [R + 2N, E]
 *   <p>layers.L.mixer.dt_proj.weight [E, R]     .dt_proj.bias [E]
 *   <p>layers.L.mixer.A_log [E, N]   .D [E]   .out_proj.weight [D, E]
 *   <p>norm_f.weight [D]                            (the model's finalNorm)
 *
 * and a classification head: the one 2-D `<module>.weight` left with D columns (with its `.bias` if any), or the one
 * "ccbound.head" names (a causal LM's lm_head is one too: its labels are then the vocabulary). E, N, K and R come
 * from the shapes. Every tensor is checked against the sizes fixed before it, a missing one is named, and a tensor
 * left over is an error: a model of another shape is refused, not misread.
 */
import type { MambaLayer } from "../models/cells/mamba.js";
import type { Matrix, RecurrentModelSpec } from "../models/spec.js";
import { DEFAULT_LAYER_NORM_EPS } from "./pytorch-transformer-import.js";
import type { ImportSettings } from "./pytorch-import.js";
import type { SafetensorsFile } from "./safetensors.js";
import { fail, leftovers, TensorReader, zeros } from "./tensor-reader.js";
import { findHead, recurrentHeader } from "./head-import.js";

const MARKER = /^((?:.*\.)?)layers\.0\.mixer\.in_proj\.weight$/;

/** The prefix ("backbone.") under which the file holds a Mamba's first layer, if it holds one. */
export function mambaPrefix(file: SafetensorsFile): string | undefined {
  for (const name of file.tensors.keys()) {
    const m = MARKER.exec(name);
    if (m) return m[1] ?? "";
  }
  return undefined;
}

export function importMamba(file: SafetensorsFile, settings: ImportSettings, where: string): RecurrentModelSpec {
  const p = mambaPrefix(file) ?? fail("no tensor <prefix>layers.0.mixer.in_proj.weight: not a Mamba", where);
  const r = new TensorReader(file, where);
  const embeddingName = r.has(`${p}embedding.weight`) ? `${p}embedding.weight` : `${p}embeddings.weight`;
  const embedding = r.matrix(embeddingName, undefined, undefined, "the token embedding, vocab x d_model");
  const d = embedding[0]?.length ?? 0;
  const eps = epsOf(settings, where);
  const layers: MambaLayer[] = [];
  for (let l = 0; r.has(`${p}layers.${l}.mixer.in_proj.weight`); l++)
    layers.push(readLayer(r, `${p}layers.${l}.`, d, eps, where));
  const normF = r.vector(`${p}norm_f.weight`, d, `d_model ${d}`);
  const head = findHead(file, r, d, settings, where);
  const left = leftovers(file, r.used);
  if (left !== undefined) fail(`${left} not part of a Mamba (HF MambaModel names) with a linear head`, where);
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
    finalNorm: { norm: "rms", weight: normF, eps },
    head: { weight: head.weight, bias: head.bias },
  };
}

/** One MambaBlock: its sizes from in_proj (2E), conv1d (K), A_log (N) and x_proj (R + 2N), each checked. */
function readLayer(r: TensorReader, p: string, d: number, eps: number, where: string): MambaLayer {
  const m = `${p}mixer.`;
  for (const bias of ["in_proj.bias", "out_proj.bias"])
    if (r.has(`${m}${bias}`))
      fail(`tensor "${m}${bias}": a Mamba with use_bias = True is not supported (HF's default is False)`, where);
  const norm = r.vector(`${p}norm.weight`, d, `d_model ${d}`);
  const inProj = r.matrix(`${m}in_proj.weight`, undefined, d, `2 d_inner x d_model ${d}`);
  if (inProj.length % 2 !== 0)
    fail(`tensor "${m}in_proj.weight" has ${inProj.length} rows, expected 2 d_inner (x | z), an even number`, where);
  const e = inProj.length / 2;
  const conv = convWeight(r, `${m}conv1d.weight`, e, where);
  const aLog = r.matrix(`${m}A_log`, e, undefined, `d_inner ${e} x d_state`);
  const n = aLog[0]?.length ?? 0;
  const xProj = r.matrix(`${m}x_proj.weight`, undefined, e, `dt_rank + 2 d_state x d_inner ${e}`);
  const rank = xProj.length - 2 * n;
  if (rank < 1)
    fail(
      `tensor "${m}x_proj.weight" has ${xProj.length} rows, expected dt_rank + 2 x d_state ${n} with dt_rank >= 1`,
      where,
    );
  return {
    cell: "mamba",
    hidden: d,
    d_inner: e,
    d_state: n,
    d_conv: conv[0]?.length ?? 0,
    dt_rank: rank,
    eps,
    norm,
    in_proj: inProj,
    conv1d_weight: conv,
    conv1d_bias: r.has(`${m}conv1d.bias`) ? r.vector(`${m}conv1d.bias`, e, `d_inner ${e}`) : zeros(e),
    x_proj: xProj,
    dt_proj_weight: r.matrix(`${m}dt_proj.weight`, e, rank, `d_inner ${e} x dt_rank ${rank}`),
    dt_proj_bias: r.vector(`${m}dt_proj.bias`, e, `d_inner ${e}`),
    A_log: aLog,
    D: r.vector(`${m}D`, e, `d_inner ${e}`),
    out_proj: r.matrix(`${m}out_proj.weight`, d, e, `d_model ${d} x d_inner ${e}`),
  };
}

/** The depthwise convolution's weight, [E, 1, K] (groups = E), as E rows of K taps. */
function convWeight(r: TensorReader, name: string, e: number, where: string): Matrix {
  const t = r.get(name);
  const [rows, one, k] = t.shape;
  if (t.shape.length !== 3 || rows !== e || one !== 1 || !(k! >= 1))
    fail(
      `tensor "${name}" has shape [${t.shape.join(", ")}], expected [${e}, 1, d_conv] (depthwise, d_inner ${e})`,
      where,
    );
  return Array.from({ length: e }, (_, i) => Array.from(t.values.subarray(i * k!, (i + 1) * k!)));
}

/** The RMSNorms' eps: one number ("ccbound.layer_norm_eps"), or MambaConfig's default. */
function epsOf(settings: ImportSettings, where: string): number {
  const given = settings.layerNormEps;
  if (given === undefined) return DEFAULT_LAYER_NORM_EPS;
  if (typeof given.value !== "number")
    fail(`"ccbound.layer_norm_eps" (from ${given.from}) must be one number for a Mamba (every RMSNorm's eps)`, where);
  return given.value;
}
