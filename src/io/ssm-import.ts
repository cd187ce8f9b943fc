/**
 * State dicts of the diagonal state-space and retention models, under their reference's names, as ccbound recurrent
 * models of the cells s4d and retnet (src/models/cells/s4d.ts, retnet.ts; docs/pytorch.md, "S4D and RetNet"):
 *
 *   S4D (state-spaces/s4 example.py's S4Model with an nn.Embedding encoder): encoder.weight [V, H];
 *     s4_layers.l.{D [H], kernel.log_dt [H], kernel.C [H, N/2, 2] (view_as_real), kernel.log_A_real [H, N/2],
 *     kernel.A_imag [H, N/2], output_linear.0.weight [2H, H, 1], output_linear.0.bias [2H]};
 *     norms.l.{weight, bias} [H]; decoder.weight [labels, H], decoder.bias [labels]
 *   RetNet (torchscale RetNetDecoder, post-norm, no embed scale): embed_tokens.weight [V, D];
 *     retnet_rel_pos.{angle [dk], decay [H]}; layers.l.retention.{q,k,v,g,out}_proj.weight;
 *     layers.l.{retention_layer_norm, final_layer_norm}.weight [D]; layers.l.ffn.{fc1, gate, fc2}.weight;
 *     output_projection.weight [labels, D]
 *
 * What the weights cannot say comes from the settings (the caller's): token and label names, the format, S4D's
 * prenorm and LayerNorm eps, RetNet's normalize_before, eps and activation. A pre-norm RetNet decoder ends with a
 * final RMSNorm (`layer_norm.weight`) that ccbound's recurrent models have no place for: refused with one line, as is
 * any tensor left over.
 */
import type { RecurrentLayer, RecurrentModelSpec } from "../models/spec.js";
import type { SafetensorsFile } from "./safetensors.js";
import { fail, formatOf, leftovers, rowNames, TensorReader, zeros, type Setting } from "./tensor-reader.js";

export interface SsmSettings {
  vocab?: Setting<string[]>;
  labels?: Setting<string[]>;
  format?: string;
  name?: string;
  /** S4D: LayerNorm before the layer (example.py's --prenorm); default false. */
  prenorm?: boolean;
  /** RetNet: decoder_normalize_before; default false (true needs the final norm ccbound cannot hold). */
  normalizeBefore?: boolean;
  /** LayerNorm eps (S4D, default 1e-5) or RMSNorm eps (RetNet, default 1e-6). */
  eps?: number;
  /** RetNet's GLU activation_fn; default gelu. */
  activation?: "gelu" | "swish" | "relu";
}

/** Which of the two a file holds, by a tensor every such file has; undefined for neither. */
export function ssmKind(file: SafetensorsFile): "s4d" | "retnet" | undefined {
  if (file.tensors.has("s4_layers.0.kernel.log_dt")) return "s4d";
  if (file.tensors.has("layers.0.retention.q_proj.weight")) return "retnet";
  return undefined;
}

export function importSsm(file: SafetensorsFile, settings: SsmSettings, where: string): RecurrentModelSpec {
  const kind = ssmKind(file) ?? fail("holds neither an S4D (s4_layers.0.kernel.log_dt) nor a RetNet", where);
  const reader = new TensorReader(file, where);
  const count = (prefix: string) => {
    let n = 0;
    while ([...file.tensors.keys()].some((k) => k.startsWith(`${prefix}${n}.`))) n++;
    return n;
  };
  const layers: RecurrentLayer[] = [];
  let embeddingName: string;
  let headName: string;
  let headBias: string | undefined;
  if (kind === "s4d") {
    embeddingName = "encoder.weight";
    headName = "decoder.weight";
    headBias = "decoder.bias";
    for (let l = 0; l < count("s4_layers."); l++) layers.push(s4dLayer(reader, l, settings, where));
  } else {
    embeddingName = "embed_tokens.weight";
    headName = "output_projection.weight";
    if (file.tensors.has("layer_norm.weight"))
      fail(
        "has \"layer_norm.weight\", a pre-norm decoder's final RMSNorm: ccbound's recurrent models have no norm before the head (export with decoder_normalize_before=False)",
        where,
      );
    for (let l = 0; l < count("layers."); l++) layers.push(retnetLayer(reader, l, settings, where));
  }
  const d = layers[0]!.hidden;
  const embedding = reader.matrix(embeddingName, undefined, d, `the width of the first layer, ${d}`);
  const head = reader.matrix(headName, undefined, layers.at(-1)!.hidden, "the last layer's width");
  const bias =
    headBias === undefined ? zeros(head.length) : reader.vector(headBias, head.length, `the rows of ${headName}`);
  const left = leftovers(file, reader.used);
  if (left !== undefined) fail(`${left} not part of a ccbound ${kind} model`, where);
  return {
    ccbound: "model",
    version: 1,
    ...(settings.name !== undefined && { name: settings.name }),
    arch: "recurrent",
    format: settings.format ?? formatOf(reader.dtypes),
    vocab: rowNames(
      settings.vocab,
      "vocab",
      embedding.length,
      `"${embeddingName}" has ${embedding.length} rows`,
      where,
    ),
    labels: rowNames(settings.labels, "labels", head.length, `"${headName}" has ${head.length} rows`, where),
    embedding,
    layers,
    head: { weight: head, bias },
  };
}

function s4dLayer(reader: TensorReader, l: number, settings: SsmSettings, where: string): RecurrentLayer {
  const p = `s4_layers.${l}.`;
  const logDt = reader.get(`${p}kernel.log_dt`);
  if (logDt.shape.length !== 1) fail(`tensor "${p}kernel.log_dt" has shape [${logDt.shape}], expected [H]`, where);
  const H = logDt.shape[0]!;
  const C = reader.get(`${p}kernel.C`);
  if (C.shape.length !== 3 || C.shape[0] !== H || C.shape[2] !== 2)
    fail(`tensor "${p}kernel.C" has shape [${C.shape.join(", ")}], expected [${H}, N/2, 2] (view_as_real)`, where);
  const M = C.shape[1]!;
  const part = (k: 0 | 1) =>
    Array.from({ length: H }, (_, h) => Array.from({ length: M }, (_, m) => C.values[(h * M + m) * 2 + k]!));
  const conv = reader.get(`${p}output_linear.0.weight`);
  if (conv.shape.length !== 3 || conv.shape[0] !== 2 * H || conv.shape[1] !== H || conv.shape[2] !== 1)
    fail(
      `tensor "${p}output_linear.0.weight" has shape [${conv.shape.join(", ")}], expected [${2 * H}, ${H}, 1]`,
      where,
    );
  return {
    cell: "s4d",
    hidden: H,
    d_state: 2 * M,
    prenorm: settings.prenorm ?? false,
    eps: settings.eps ?? 1e-5,
    log_dt: Array.from(logDt.values),
    log_A_real: reader.matrix(`${p}kernel.log_A_real`, H, M, `H ${H} x N/2 ${M}, as kernel.C`),
    A_imag: reader.matrix(`${p}kernel.A_imag`, H, M, `H ${H} x N/2 ${M}, as kernel.C`),
    C_real: part(0),
    C_imag: part(1),
    D: reader.vector(`${p}D`, H, `H ${H}`),
    output_weight: Array.from({ length: 2 * H }, (_, r) => Array.from(conv.values.subarray(r * H, (r + 1) * H))),
    output_bias: reader.vector(`${p}output_linear.0.bias`, 2 * H, `2 x H ${H}`),
    norm_weight: reader.vector(`norms.${l}.weight`, H, `H ${H}`),
    norm_bias: reader.vector(`norms.${l}.bias`, H, `H ${H}`),
  };
}

function retnetLayer(reader: TensorReader, l: number, settings: SsmSettings, where: string): RecurrentLayer {
  const p = `layers.${l}.`;
  const q = reader.matrix(`${p}retention.q_proj.weight`, undefined, undefined, "D x D");
  const D = q.length;
  const decay = reader.get("retnet_rel_pos.decay");
  const H = decay.shape[0]!;
  if (decay.shape.length !== 1 || D % H !== 0)
    fail(
      `tensor "retnet_rel_pos.decay" has shape [${decay.shape.join(", ")}], expected [heads], heads dividing ${D}`,
      where,
    );
  const v = reader.matrix(`${p}retention.v_proj.weight`, undefined, D, `embed_dim ${D}`);
  const fc1 = reader.matrix(`${p}ffn.fc1.weight`, undefined, D, `embed_dim ${D}`);
  return {
    cell: "retnet",
    hidden: D,
    heads: H,
    value_dim: v.length,
    ffn_dim: fc1.length,
    normalize_before: settings.normalizeBefore ?? false,
    eps: settings.eps ?? 1e-6,
    activation: settings.activation ?? "gelu",
    angle: reader.vector("retnet_rel_pos.angle", D / H, `key_dim ${D / H}`),
    decay: Array.from(decay.values),
    q_proj: q,
    k_proj: reader.matrix(`${p}retention.k_proj.weight`, D, D, `embed_dim ${D}`),
    v_proj: v,
    g_proj: reader.matrix(`${p}retention.g_proj.weight`, v.length, D, `value_dim ${v.length} x embed_dim ${D}`),
    out_proj: reader.matrix(`${p}retention.out_proj.weight`, D, v.length, `embed_dim ${D} x value_dim ${v.length}`),
    retention_layer_norm: reader.vector(`${p}retention_layer_norm.weight`, D, `embed_dim ${D}`),
    ffn_fc1: fc1,
    ffn_gate: reader.matrix(`${p}ffn.gate.weight`, fc1.length, D, `ffn_dim ${fc1.length} x embed_dim ${D}`),
    ffn_fc2: reader.matrix(`${p}ffn.fc2.weight`, D, fc1.length, `embed_dim ${D} x ffn_dim ${fc1.length}`),
    final_layer_norm: reader.vector(`${p}final_layer_norm.weight`, D, `embed_dim ${D}`),
  };
}
