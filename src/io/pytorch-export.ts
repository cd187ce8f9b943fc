/**
 * A ccbound model as a safetensors file that PyTorch loads with `load_state_dict` into a small module:
 *
 * - recurrent: attributes `embed` (nn.Embedding), `rnn` (nn.RNN | nn.LSTM | nn.GRU) and `head` (nn.Linear);
 * - Transformer: the module of docs/safetensors.md, tensor names in pytorch-transformer-names.ts.
 *
 * `__metadata__` records what the tensors cannot (arch, nonlinearity, causal, layer-norm eps, number format, vocab,
 * labels, name, description), so reading the file back gives the same model object and the same SHA-256.
 */
import { CcboundError } from "../errors.js";
import type {
  GateTensors,
  ModelSpec,
  RecurrentModelSpec,
  TransformerLayer,
  TransformerModelSpec,
} from "../models/spec.js";
import { parseFormat } from "../numeric/parse.js";
import {
  HEAD,
  linearModule,
  normModule,
  outputName,
  POSITION_EMBEDDING,
  projectionName,
  TOKEN_EMBEDDING,
} from "./pytorch-transformer-names.js";
import { safetensorsBytes, type FloatDtype, type TensorToWrite } from "./safetensors.js";

export interface ExportedModel {
  readonly bytes: Uint8Array;
  readonly dtype: FloatDtype;
  /** The dtype the format asks for, when some weight is not a value of it and F64 was written instead. */
  readonly widenedFrom?: FloatDtype;
}

interface Tensor {
  readonly name: string;
  readonly shape: number[];
  readonly values: number[];
}

/** The tensors in file order, "ccbound.arch", and the other metadata particular to the architecture. */
interface StateDict {
  readonly tensors: Tensor[];
  readonly arch: string;
  readonly metadata: Record<string, string>;
}

const DTYPE_OF: Record<string, FloatDtype> = { float64: "F64", float32: "F32", float16: "F16", bfloat16: "BF16" };

function refuse(message: string, where: string): never {
  throw new CcboundError("invalid-model", message, where, "see docs/safetensors.md");
}

export function exportPytorchModel(spec: ModelSpec, where: string): ExportedModel {
  if (spec.arch === "dfa")
    return refuse(
      "a DFA model has no PyTorch module; recurrent models (rnn, lstm, gru) and Transformers can be written as safetensors",
      where,
    );
  const state = spec.arch === "transformer" ? transformerState(spec) : recurrentState(spec, where);
  const wanted = DTYPE_OF[spec.format] ?? "F64"; // fixed point: every value is exact in binary64
  const exact = state.tensors.every((t) => t.values.every(representableIn(wanted)));
  const dtype = exact ? wanted : "F64"; // widen rather than change a weight: the file must give back the same model
  const metadata: Record<string, string> = {
    format: "pt",
    "ccbound.arch": state.arch,
    "ccbound.format": spec.format,
    "ccbound.vocab": JSON.stringify(spec.vocab),
    "ccbound.labels": JSON.stringify(spec.labels),
    ...state.metadata,
    ...(spec.name !== undefined && { "ccbound.name": spec.name }),
    ...(spec.description !== undefined && { "ccbound.description": spec.description }),
  };
  const bytes = safetensorsBytes(
    state.tensors.map((t): TensorToWrite => ({ ...t, dtype })),
    metadata,
  );
  return { bytes, dtype, ...(!exact && { widenedFrom: wanted }) };
}

function recurrentState(spec: RecurrentModelSpec, where: string): StateDict {
  const layers = gateLayers(spec, where);
  const first = spec.layers[0]!;
  const tensors = [
    matrix("embed.weight", spec.embedding),
    ...layers.flatMap((l, k) => [
      matrix(`rnn.weight_ih_l${k}`, l.weight_ih),
      matrix(`rnn.weight_hh_l${k}`, l.weight_hh),
      vector(`rnn.bias_ih_l${k}`, l.bias_ih),
      vector(`rnn.bias_hh_l${k}`, l.bias_hh),
    ]),
    matrix("head.weight", spec.head.weight),
    vector("head.bias", spec.head.bias),
  ];
  const metadata: Record<string, string> = {
    ...(first.cell === "elman" && { "ccbound.nonlinearity": first.nonlinearity }),
    "ccbound.embedding": "embed",
    "ccbound.rnn": "rnn",
    "ccbound.head": "head",
  };
  return { tensors, arch: first.cell === "elman" ? "rnn" : first.cell, metadata };
}

/** The layers as one PyTorch module holds them: one cell type, one nonlinearity, one hidden size. */
function gateLayers(spec: RecurrentModelSpec, where: string): GateTensors[] {
  const first = spec.layers[0]!;
  if (spec.positionEmbedding !== undefined)
    refuse("the model has position embeddings, which nn.Embedding -> nn.RNN -> nn.Linear does not", where);
  return spec.layers.map((layer, k) => {
    if (layer.cell === "linear")
      refuse(`layer ${k} is a diagonal linear recurrence ("linear" cell), which has no PyTorch module`, where);
    if (layer.cell !== first.cell)
      refuse(`layer ${k} is ${layer.cell} but layer 0 is ${first.cell}; one PyTorch module has one cell type`, where);
    if (layer.cell === "elman" && first.cell === "elman" && layer.nonlinearity !== first.nonlinearity) {
      refuse(
        `layer ${k} uses ${layer.nonlinearity} but layer 0 uses ${first.nonlinearity}; an nn.RNN has one nonlinearity`,
        where,
      );
    }
    if (layer.hidden !== first.hidden)
      refuse(
        `layer ${k} has hidden ${layer.hidden} but layer 0 has ${first.hidden}; one PyTorch module has one hidden_size`,
        where,
      );
    return layer;
  });
}

function transformerState(spec: TransformerModelSpec): StateDict {
  const tensors = [
    matrix(TOKEN_EMBEDDING, spec.tokenEmbedding),
    matrix(POSITION_EMBEDDING, spec.positionEmbedding),
    ...spec.layers.flatMap(layerTensors),
    matrix(`${HEAD}.weight`, spec.head.weight),
    vector(`${HEAD}.bias`, spec.head.bias),
  ];
  const eps = layerNormEps(spec.layers);
  const metadata: Record<string, string> = {
    "ccbound.causal": String(spec.causal),
    ...(eps !== undefined && { "ccbound.layer_norm_eps": eps }),
  };
  return { tensors, arch: "transformer", metadata };
}

function layerTensors(layer: TransformerLayer, l: number): Tensor[] {
  const heads = layer.heads.flatMap((head, h) =>
    (["query", "key", "value"] as const).map((p) => matrix(projectionName(l, h, p), head[p])),
  );
  const ffn = layer.ffn && [
    matrix(`${linearModule(l, 1)}.weight`, layer.ffn.weight1),
    vector(`${linearModule(l, 1)}.bias`, layer.ffn.bias1),
    matrix(`${linearModule(l, 2)}.weight`, layer.ffn.weight2),
    vector(`${linearModule(l, 2)}.bias`, layer.ffn.bias2),
  ];
  const norms = ([1, 2] as const).flatMap((k) => {
    const norm = k === 1 ? layer.norm1 : layer.norm2;
    return norm
      ? [vector(`${normModule(l, k)}.weight`, norm.weight), vector(`${normModule(l, k)}.bias`, norm.bias)]
      : [];
  });
  // the order of the module's attributes, as its state_dict lists them: heads, output, linear1, linear2, norm1, norm2
  return [...heads, matrix(outputName(l), layer.output), ...(ffn ?? []), ...norms];
}

/**
 * "ccbound.layer_norm_eps": one number when every norm has the same eps (the usual case, one line of Python to
 * read), else a JSON object by norm module; none without norms. JSON numbers are shortest round-trip: exact.
 */
function layerNormEps(layers: readonly TransformerLayer[]): string | undefined {
  const byModule: Record<string, number> = {};
  layers.forEach((layer, l) => {
    if (layer.norm1) byModule[normModule(l, 1)] = layer.norm1.eps;
    if (layer.norm2) byModule[normModule(l, 2)] = layer.norm2.eps;
  });
  const values = Object.values(byModule);
  if (values.length === 0) return undefined;
  return JSON.stringify(values.every((e) => Object.is(e, values[0])) ? values[0] : byModule);
}

function matrix(name: string, rows: readonly (readonly number[])[]): Tensor {
  return { name, shape: [rows.length, rows[0]?.length ?? 0], values: rows.flat() };
}

/** 1-D, as PyTorch keeps a bias or a layer norm's weight. */
function vector(name: string, values: readonly number[]): Tensor {
  return { name, shape: [values.length], values: [...values] };
}

function representableIn(dtype: FloatDtype): (x: number) => boolean {
  if (dtype === "F64") return () => true;
  const format = parseFormat(dtype === "F32" ? "float32" : dtype === "F16" ? "float16" : "bfloat16");
  return (x) => format.isRepresentable(x);
}
