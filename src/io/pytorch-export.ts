/**
 * A ccbound model as a safetensors file that PyTorch loads with `load_state_dict` into a small module:
 *
 * - recurrent: attributes `embed` (nn.Embedding), `rnn` (the cells' module: nn.RNN | nn.LSTM | nn.GRU) and `head`
 *   (nn.Linear), the layer tensors named as the cell's module names them (src/models/cells/);
 * - Transformer: the layout of its block (src/models/blocks/: for the paper's, the module of docs/safetensors.md).
 *
 * `__metadata__` records what the tensors cannot (arch, the cells' settings, causal, layer-norm eps, number format,
 * vocab, labels, name, description), so reading the file back gives the same model object and the same SHA-256.
 */
import { CcboundError } from "../errors.js";
import { ARCHS } from "../models/archs/index.js";
import type { BlockKind } from "../models/blocks/block.js";
import { blockOf } from "../models/blocks/index.js";
import { CELLS, cellOf } from "../models/cells/index.js";
import type { ModelSpec, RecurrentModelSpec, TransformerLayer, TransformerModelSpec } from "../models/spec.js";
import { stateMatrix, stateVector, type StateTensor } from "../models/state-dict.js";
import { parseFormat } from "../numeric/parse.js";
import { safetensorsBytes, type FloatDtype, type TensorToWrite } from "./safetensors.js";

export interface ExportedModel {
  readonly bytes: Uint8Array;
  readonly dtype: FloatDtype;
  /** The dtype the format asks for, when some weight is not a value of it and F64 was written instead. */
  readonly widenedFrom?: FloatDtype;
}

/** The tensors in file order, "ccbound.arch", and the other metadata particular to the architecture. */
interface StateDict {
  readonly tensors: StateTensor[];
  readonly arch: string;
  readonly metadata: Record<string, string>;
}

/** The architectures that have a PyTorch module, and how each becomes a state_dict. */
const STATE_DICTS: {
  readonly [A in ModelSpec["arch"]]?: (spec: Extract<ModelSpec, { arch: A }>, where: string) => StateDict;
} = { recurrent: recurrentState, transformer: transformerState };

const DTYPE_OF: Record<string, FloatDtype> = { float64: "F64", float32: "F32", float16: "F16", bfloat16: "BF16" };

function refuse(message: string, where: string): never {
  throw new CcboundError("invalid-model", message, where, "see docs/safetensors.md");
}

export function exportPytorchModel(spec: ModelSpec, where: string): ExportedModel {
  const stateDict = STATE_DICTS[spec.arch] as ((spec: ModelSpec, where: string) => StateDict) | undefined;
  if (stateDict === undefined) {
    const noun = ARCHS.find((a) => a.name === spec.arch)!.noun;
    const modules = CELLS.flatMap((c) => (c.torch ? [c.torch.arch] : [])).join(", ");
    refuse(
      `${noun} model has no PyTorch module; recurrent models (${modules}) and Transformers can be written as safetensors`,
      where,
    );
  }
  const state = stateDict(spec, where);
  const format = (spec as Extract<ModelSpec, { format: string }>).format; // every architecture with a module has one
  const wanted = DTYPE_OF[format] ?? "F64"; // fixed point: every value is exact in binary64
  const exact = state.tensors.every((t) => t.values.every(representableIn(wanted)));
  const dtype = exact ? wanted : "F64"; // widen rather than change a weight: the file must give back the same model
  const metadata: Record<string, string> = {
    format: "pt",
    "ccbound.arch": state.arch,
    "ccbound.format": format,
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

/**
 * Embedding, then every layer's tensors as `rnn.<tensor>_l<k>` (PyTorch's names for layer k of one module), then the
 * head. One PyTorch module holds the stack, so every layer must be of one cell with a module, one hidden size and
 * the same settings (one nonlinearity).
 */
function recurrentState(spec: RecurrentModelSpec, where: string): StateDict {
  if (spec.positionEmbedding !== undefined)
    refuse("the model has position embeddings, which nn.Embedding -> nn.RNN -> nn.Linear does not", where);
  const first = spec.layers[0]!;
  const module = cellOf(first).torch;
  const settings = module?.settingsOf(first) ?? {};
  spec.layers.forEach((layer, k) => {
    const cell = cellOf(layer);
    if (cell.torch === undefined)
      refuse(`layer ${k} is ${cell.about} ("${cell.name}" cell), which has no PyTorch module`, where);
    if (layer.cell !== first.cell)
      refuse(`layer ${k} is ${layer.cell} but layer 0 is ${first.cell}; one PyTorch module has one cell type`, where);
    for (const [key, value] of Object.entries(cell.torch.settingsOf(layer)))
      if (value !== settings[key])
        refuse(
          `layer ${k} uses ${value} but layer 0 uses ${settings[key]}; an ${cell.torch.module} has one ${key}`,
          where,
        );
    if (layer.hidden !== first.hidden)
      refuse(
        `layer ${k} has hidden ${layer.hidden} but layer 0 has ${first.hidden}; one PyTorch module has one hidden_size`,
        where,
      );
  });
  const layerTensors = spec.layers.flatMap((layer, k) => {
    const fields = layer as unknown as Record<string, number[] | number[][]>;
    return cellOf(layer).tensors.map((t) =>
      t.cols
        ? stateMatrix(`rnn.${t.key}_l${k}`, fields[t.key] as number[][])
        : stateVector(`rnn.${t.key}_l${k}`, fields[t.key] as number[]),
    );
  });
  const tensors = [
    stateMatrix("embed.weight", spec.embedding),
    ...layerTensors,
    stateMatrix("head.weight", spec.head.weight),
    stateVector("head.bias", spec.head.bias),
  ];
  const metadata: Record<string, string> = {
    ...Object.fromEntries(Object.entries(settings).map(([key, value]) => [`ccbound.${key}`, value])),
    "ccbound.embedding": "embed",
    "ccbound.rnn": "rnn",
    "ccbound.head": "head",
  };
  return { tensors, arch: module!.arch, metadata };
}

/** The layout of the model's block: its names around the layers, and each layer's tensors. */
function transformerState(spec: TransformerModelSpec, where: string): StateDict {
  const block: BlockKind<TransformerLayer> = blockOf(spec.layers[0]!);
  spec.layers.forEach((layer, l) => {
    if (blockOf(layer) !== block)
      refuse(
        `layer ${l} is a ${blockOf(layer).name} block but layer 0 is a ${block.name} block; a file holds one kind`,
        where,
      );
  });
  const layout = block.torch;
  const settings = layout.settingsOf?.(spec.layers) ?? {};
  spec.layers.forEach((layer, l) => {
    const own = layout.settingsOf?.([layer]) ?? {};
    for (const [key, value] of Object.entries(own))
      if (value !== settings[key as keyof typeof settings])
        refuse(
          `layer ${l} has ${key} ${value} but layer 0 has ${settings[key as keyof typeof settings]}; the file holds one ${key} for every layer`,
          where,
        );
  });
  const final = spec.finalNorm;
  if (final !== undefined && layout.finalNorm === undefined)
    refuse(`the model has a final layer norm, which the ${block.name} block's PyTorch layout does not`, where);
  if (layout.headBias === false && spec.head.bias.some((b) => b !== 0))
    refuse(`the head has a bias, which the ${block.name} block's head (${layout.head}, no bias) does not`, where);
  const tensors = [
    stateMatrix(layout.tokenEmbedding, spec.tokenEmbedding),
    stateMatrix(layout.positionEmbedding, spec.positionEmbedding),
    ...spec.layers.flatMap((layer, l) => layout.writeLayer(layer, l)),
    ...(final !== undefined
      ? [stateVector(`${layout.finalNorm}.weight`, final.weight), stateVector(`${layout.finalNorm}.bias`, final.bias)]
      : []),
    stateMatrix(`${layout.head}.weight`, spec.head.weight),
    ...(layout.headBias === false ? [] : [stateVector(`${layout.head}.bias`, spec.head.bias)]),
  ];
  const norms = spec.layers.flatMap((layer, l) => layout.norms(layer, l));
  if (final !== undefined) norms.push({ module: layout.finalNorm!, eps: final.eps });
  const eps = layerNormEps(norms);
  const metadata: Record<string, string> = {
    "ccbound.causal": String(spec.causal),
    ...(eps !== undefined && { "ccbound.layer_norm_eps": eps }),
    ...(settings.heads !== undefined && { "ccbound.heads": String(settings.heads) }),
    ...(settings.normFirst !== undefined && { "ccbound.norm_first": String(settings.normFirst) }),
    ...(settings.activation !== undefined && { "ccbound.activation": settings.activation }),
  };
  return { tensors, arch: "transformer", metadata };
}

/**
 * "ccbound.layer_norm_eps": one number when every norm has the same eps (the usual case, one line of Python to
 * read), else a JSON object by norm module; none without norms. JSON numbers are shortest round-trip: exact.
 */
function layerNormEps(norms: readonly { module: string; eps: number }[]): string | undefined {
  if (norms.length === 0) return undefined;
  const same = norms.every((n) => Object.is(n.eps, norms[0]!.eps));
  return JSON.stringify(same ? norms[0]!.eps : Object.fromEntries(norms.map((n) => [n.module, n.eps])));
}

function representableIn(dtype: FloatDtype): (x: number) => boolean {
  if (dtype === "F64") return () => true;
  const format = parseFormat(dtype === "F32" ? "float32" : dtype === "F16" ? "float16" : "bfloat16");
  return (x) => format.isRepresentable(x);
}
