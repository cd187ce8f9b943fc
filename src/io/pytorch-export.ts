/**
 * A ccbound recurrent model as a safetensors file that PyTorch loads straight into modules held as attributes
 * `embed` (nn.Embedding), `rnn` (nn.RNN | nn.LSTM | nn.GRU) and `head` (nn.Linear). `__metadata__` records what the
 * tensors cannot (arch, nonlinearity, number format, vocab, labels, name, description), so reading the file back gives
 * the same model object and the same SHA-256 (see docs/safetensors.md).
 */
import { CcboundError } from "../errors.js";
import type { GateTensors, ModelSpec, RecurrentModelSpec } from "../models/spec.js";
import { parseFormat } from "../numeric/parse.js";
import { safetensorsBytes, type FloatDtype, type TensorToWrite } from "./safetensors.js";

export interface ExportedModel {
  readonly bytes: Uint8Array;
  readonly dtype: FloatDtype;
  /** The dtype the format asks for, when some weight is not a value of it and F64 was written instead. */
  readonly widenedFrom?: FloatDtype;
}

const DTYPE_OF: Record<string, FloatDtype> = { float64: "F64", float32: "F32", float16: "F16", bfloat16: "BF16" };

function refuse(message: string, where: string): never {
  throw new CcboundError("invalid-model", message, where, "safetensors holds one PyTorch nn.RNN, nn.LSTM or nn.GRU; see docs/safetensors.md");
}

export function exportPytorchModel(spec: ModelSpec, where: string): ExportedModel {
  if (spec.arch !== "recurrent") return refuse(`a ${spec.arch === "dfa" ? "DFA" : spec.arch} model has no PyTorch nn.RNN, nn.LSTM or nn.GRU; only recurrent models (rnn, lstm, gru) can be written as safetensors`, where);
  const layers = gateLayers(spec, where);
  const first = spec.layers[0]!;
  const tensors = [
    tensor("embed.weight", spec.embedding),
    ...layers.flatMap((l, k) => [
      tensor(`rnn.weight_ih_l${k}`, l.weight_ih),
      tensor(`rnn.weight_hh_l${k}`, l.weight_hh),
      tensor(`rnn.bias_ih_l${k}`, [l.bias_ih]),
      tensor(`rnn.bias_hh_l${k}`, [l.bias_hh]),
    ]),
    tensor("head.weight", spec.head.weight),
    tensor("head.bias", [spec.head.bias]),
  ];
  const wanted = DTYPE_OF[spec.format] ?? "F64"; // fixed point: every value is exact in binary64
  const exact = tensors.every((t) => t.values.every(representableIn(wanted)));
  const dtype = exact ? wanted : "F64"; // widen rather than change a weight: the file must give back the same model
  const metadata: Record<string, string> = {
    format: "pt",
    "ccbound.arch": first.cell === "elman" ? "rnn" : first.cell,
    ...(first.cell === "elman" && { "ccbound.nonlinearity": first.nonlinearity }),
    "ccbound.format": spec.format,
    "ccbound.vocab": JSON.stringify(spec.vocab),
    "ccbound.labels": JSON.stringify(spec.labels),
    "ccbound.embedding": "embed",
    "ccbound.rnn": "rnn",
    "ccbound.head": "head",
    ...(spec.name !== undefined && { "ccbound.name": spec.name }),
    ...(spec.description !== undefined && { "ccbound.description": spec.description }),
  };
  const bytes = safetensorsBytes(tensors.map((t): TensorToWrite => ({ ...t, dtype })), metadata);
  return { bytes, dtype, ...(!exact && { widenedFrom: wanted }) };
}

/** The layers as one PyTorch module holds them: one cell type, one nonlinearity, one hidden size. */
function gateLayers(spec: RecurrentModelSpec, where: string): GateTensors[] {
  const first = spec.layers[0]!;
  if (spec.positionEmbedding !== undefined) refuse("the model has position embeddings, which nn.Embedding -> nn.RNN -> nn.Linear does not", where);
  return spec.layers.map((layer, k) => {
    if (layer.cell === "linear") refuse(`layer ${k} is a diagonal linear recurrence ("linear" cell), which has no PyTorch module`, where);
    if (layer.cell !== first.cell) refuse(`layer ${k} is ${layer.cell} but layer 0 is ${first.cell}; one PyTorch module has one cell type`, where);
    if (layer.cell === "elman" && first.cell === "elman" && layer.nonlinearity !== first.nonlinearity) {
      refuse(`layer ${k} uses ${layer.nonlinearity} but layer 0 uses ${first.nonlinearity}; an nn.RNN has one nonlinearity`, where);
    }
    if (layer.hidden !== first.hidden) refuse(`layer ${k} has hidden ${layer.hidden} but layer 0 has ${first.hidden}; one PyTorch module has one hidden_size`, where);
    return layer;
  });
}

function tensor(name: string, rows: readonly (readonly number[])[]): { name: string; shape: number[]; values: number[] } {
  const cols = rows[0]?.length ?? 0;
  // a bias is written as one row but stored 1-D, as PyTorch keeps it
  const shape = name.includes("bias") ? [cols] : [rows.length, cols];
  return { name, shape, values: rows.flat() };
}

function representableIn(dtype: FloatDtype): (x: number) => boolean {
  if (dtype === "F64") return () => true;
  const format = parseFormat(dtype === "F32" ? "float32" : dtype === "F16" ? "float16" : "bfloat16");
  return (x) => format.isRepresentable(x);
}
