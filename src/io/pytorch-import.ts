/**
 * A PyTorch sequence classifier's state_dict, saved as safetensors, as a ccbound model: a Transformer when its tensor
 * names are those of docs/safetensors.md (pytorch-transformer-import.ts), otherwise
 *
 *   nn.Embedding -> nn.RNN (tanh | relu) | nn.LSTM | nn.GRU, num_layers >= 1 -> nn.Linear on the last step's output
 *
 * Tensors are found by PyTorch's names under any prefix (`<p>weight_ih_l0`, ..., `<x>.weight`, `<y>.weight`,
 * `<y>.bias`), or named in the settings below. Each layer's cell follows from its shapes (weight_hh is G*h x h, G the
 * gates of a registered cell's module: 1, 3, 4 for RNN, GRU, LSTM); what shapes cannot say (a cell's settings such as
 * an nn.RNN's nonlinearity, a Transformer's causal mask
 * and layer-norm eps, token and label names, the number format) comes from settings: the file's `__metadata__`, then a sidecar `<model>.ccbound.json`, then flags,
 * a later source overriding an earlier one. Any tensor left over is an error, so a model of another shape (an extra
 * Linear layer, a bidirectional RNN) is refused instead of silently misread. See docs/safetensors.md.
 */
import { existsSync } from "node:fs";
import type { ErrorCode } from "../errors.js";
import type { CellKind, GateTensors, TorchRnnModule } from "../models/cells/cell.js";
import { CELLS } from "../models/cells/index.js";
import type { RecurrentLayer, RecurrentModelSpec, TransformerModelSpec, Vector } from "../models/spec.js";
import { parseFormat } from "../numeric/parse.js";
import { readJsonFile } from "./json-text.js";
import { SIDECAR_JSON_LIMITS } from "./limits.js";
import {
  holdsTransformer,
  importTransformer,
  layerNormEps,
  transformerMarkers,
  type LayerNormEps,
} from "./pytorch-transformer-import.js";
import { importLinearAttention, linearAttentionPrefix } from "./linear-attention-import.js";
import { importMamba, mambaPrefix } from "./mamba-import.js";
import { readSafetensorsFile, type SafetensorsFile } from "./safetensors.js";
import { importSsm, ssmKind } from "./ssm-import.js";
import { closest } from "./suggest.js";
import { fail, leftovers, TensorReader, zeros, type Setting } from "./tensor-reader.js";
import { recurrentHeader } from "./head-import.js";

export type Nonlinearity = "tanh" | "relu";

/** The cells that are a PyTorch module (nn.RNN, nn.LSTM, nn.GRU), each with its module's description. */
const MODULE_CELLS = CELLS.flatMap((c) =>
  c.torch ? [{ cell: c as CellKind, torch: c.torch as TorchRnnModule<RecurrentLayer> }] : [],
);

/**
 * Settings the cells' modules take (nn.RNN's nonlinearity), by key, with the values each takes: they apply to a file
 * whose cell takes them, and are refused for any other.
 */
const CELL_SETTINGS = new Map(MODULE_CELLS.flatMap(({ torch }) => Object.entries(torch.settings)));

/** The cells' settings as flags (`--nonlinearity tanh|relu`): each key, its values, and the modules that take it. */
export const CELL_SETTING_FLAGS: readonly { key: string; values: readonly string[]; modules: readonly string[] }[] = [
  ...CELL_SETTINGS,
].map(([key, setting]) => ({
  key,
  values: setting.values,
  modules: MODULE_CELLS.filter((c) => c.torch.settings[key] !== undefined).map((c) => c.torch.module),
}));

/** The settings, by their key in `__metadata__` and in the sidecar. */
const KEYS: Readonly<Record<string, string>> = {
  "ccbound.embedding": "embedding",
  "ccbound.rnn": "rnn",
  "ccbound.head": "head",
  "ccbound.arch": "arch",
  ...Object.fromEntries([...CELL_SETTINGS.keys()].map((key) => [`ccbound.${key}`, key])),
  "ccbound.vocab": "vocab",
  "ccbound.labels": "labels",
  "ccbound.format": "format",
  "ccbound.name": "name",
  "ccbound.description": "description",
  "ccbound.causal": "causal",
  "ccbound.layer_norm_eps": "layerNormEps",
  "ccbound.heads": "heads",
  "ccbound.norm_first": "normFirst",
  "ccbound.activation": "activation",
};

interface Values {
  embedding: string;
  rnn: string;
  head: string;
  /** A module cell's "ccbound.arch" value (rnn, lstm, gru), or transformer. */
  arch: string;
  vocab: string[];
  labels: string[];
  format: string;
  name: string;
  description: string;
  causal: boolean;
  layerNormEps: LayerNormEps;
  /**
   * A block's settings (src/models/state-dict.ts BlockSettings: n_head / nhead, norm_first, activation); a linear
   * Transformer's heads per layer and feed-forward activation.
   */
  heads: number;
  normFirst: boolean;
  activation: "relu" | "gelu";
}
type Key = keyof Values;

/** The settings that apply to one kind of model only: given for the other kind, they are refused, not ignored. */
const RECURRENT_ONLY: readonly string[] = ["embedding", "rnn", "head", ...CELL_SETTINGS.keys()];
const TRANSFORMER_ONLY: readonly string[] = ["causal", "layerNormEps", "heads", "normFirst", "activation"];
/** Settings a linear Transformer takes (and Transformers, not Mamba). */
const LINEAR_ATTENTION_ONLY: readonly string[] = ["heads", "activation"];
/** Backbones in their reference's names (src/io/mamba-import.ts, linear-attention-import.ts), by "ccbound.arch". */
const BACKBONES = {
  mamba: {
    noun: "a Mamba",
    prefix: mambaPrefix,
    import: importMamba,
    refused: ["embedding", "rnn", "causal", "normFirst", ...LINEAR_ATTENTION_ONLY, ...CELL_SETTINGS.keys()],
  },
  "linear-attention": {
    noun: "a linear Transformer",
    prefix: linearAttentionPrefix,
    import: importLinearAttention,
    refused: ["rnn", "causal", "normFirst", ...CELL_SETTINGS.keys()],
  },
} as const;

/** The settings found, by name: those of Values, and the cells' (each a string of its allowed values). */
export type ImportSettings = { [K in Key]?: Setting<Values[K]> } & {
  [cellSetting: string]: Setting<unknown> | undefined;
};

/**
 * The flags a user can give on the command line; they override the file and the sidecar. A cell's setting is a flag
 * of its own name (src/cli/load.ts declares them).
 */
export interface ImportFlags {
  nonlinearity?: Nonlinearity;
  vocab?: string[];
  labels?: string[];
}

/**
 * Reads a safetensors file (or, with `read`, another file of tensors: src/io/pt for torch.save files) with its sidecar
 * (if any) and imports it; the result is not validated yet.
 */
export function readPytorchModel(
  path: string,
  flags: ImportFlags = {},
  read: (path: string) => SafetensorsFile = readSafetensorsFile,
): RecurrentModelSpec | TransformerModelSpec {
  const file = read(path);
  const settings = {
    ...settingsOf(file.metadata, "__metadata__", path, false),
    ...readSidecar(sidecarPath(path)),
    ...flagSettings(flags),
  };
  return importPytorchModel(file, settings, path);
}

/** `model.safetensors` (or `model.pt`, `model.pth`) -> `model.ccbound.json`. */
export function sidecarPath(path: string): string {
  return `${path.replace(/\.(safetensors|pt|pth)$/i, "")}.ccbound.json`;
}

function readSidecar(path: string): ImportSettings {
  if (!existsSync(path)) return {};
  const value = readJsonFile(path, SIDECAR_JSON_LIMITS);
  if (value === null || typeof value !== "object" || Array.isArray(value))
    fail("a sidecar file must hold one JSON object of ccbound.* settings", path);
  return settingsOf(value as Record<string, unknown>, path, path, true);
}

function flagSettings(flags: ImportFlags): ImportSettings {
  const out: ImportSettings = {};
  for (const key of CELL_SETTINGS.keys()) {
    const value = (flags as Readonly<Record<string, unknown>>)[key];
    if (value !== undefined) out[key] = { value, from: `--${key}` };
  }
  if (flags.vocab !== undefined)
    out.vocab = { value: distinct(flags.vocab, "", "--vocab", "invalid-flag"), from: "--vocab" };
  if (flags.labels !== undefined)
    out.labels = { value: distinct(flags.labels, "", "--labels", "invalid-flag"), from: "--labels" };
  return out;
}

/**
 * The ccbound.* settings in a record. In `__metadata__` other keys belong to other tools and are left alone; in the
 * sidecar (`strict`) every key must be ours. A misspelt ccbound.* key is an error either way, never ignored.
 */
export function settingsOf(
  record: Readonly<Record<string, unknown>>,
  from: string,
  where: string,
  strict: boolean,
): ImportSettings {
  const out: Record<string, Setting<unknown>> = {};
  for (const [key, raw] of Object.entries(record)) {
    const name = Object.hasOwn(KEYS, key) ? KEYS[key] : undefined;
    if (name === undefined) {
      if (strict || key.startsWith("ccbound.")) unknownKey(key, from, where);
      continue;
    }
    out[name] = { value: settingValue(name, raw, `${JSON.stringify(key)} in ${from}`, where), from };
  }
  return out as ImportSettings;
}

function unknownKey(key: string, from: string, where: string): never {
  const near = closest(key, Object.keys(KEYS));
  const hint =
    near === undefined ? `known keys: ${Object.keys(KEYS).join(", ")}` : `did you mean ${JSON.stringify(near)}?`;
  return fail(`unknown setting ${JSON.stringify(key)} in ${from} (${hint})`, where);
}

function settingValue(name: string, raw: unknown, what: string, where: string): unknown {
  const cellSetting = CELL_SETTINGS.get(name);
  if (cellSetting !== undefined) return oneOf(raw, cellSetting.values, what, where);
  switch (name) {
    case "vocab":
    case "labels":
      return stringList(raw, what, where);
    case "arch": {
      // A cell's own name is taken for its module's ("elman" for "rnn").
      const cell = MODULE_CELLS.find((c) => c.cell.name === raw);
      const archs = [...MODULE_CELLS.map((c) => c.torch.arch), "transformer", ...Object.keys(BACKBONES)];
      return oneOf(cell !== undefined ? cell.torch.arch : raw, archs, what, where);
    }
    case "heads": {
      const n = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : raw;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 4096)
        fail(`${what}: expected a whole number of heads, 1 to 4096, got ${JSON.stringify(raw)}`, where);
      return n;
    }
    case "activation":
      return oneOf(raw, ["relu", "gelu"], what, where);
    case "causal":
    case "normFirst":
      // metadata holds "true"; a sidecar may hold true
      return oneOf(typeof raw === "boolean" ? String(raw) : raw, ["true", "false"], what, where) === "true";
    case "heads": {
      // metadata holds "2"; a sidecar may hold 2
      const n = typeof raw === "string" && /^[0-9]+$/.test(raw) ? Number(raw) : raw;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 4096)
        fail(`${what}: expected a whole number of heads from 1 to 4096, got ${JSON.stringify(raw)}`, where);
      return n;
    }
    case "activation":
      return oneOf(raw, ["relu", "gelu"], what, where);
    case "layerNormEps":
      return layerNormEps(raw, what, where);
    case "format":
      return parseFormat(text(raw, what, where), where).name;
    default:
      return text(raw, what, where);
  }
}

function text(raw: unknown, what: string, where: string): string {
  if (typeof raw !== "string") fail(`${what}: expected a string, got ${JSON.stringify(raw)}`, where);
  return raw;
}

function oneOf<T extends string>(raw: unknown, options: readonly T[], what: string, where: string): T {
  if (!(options as readonly unknown[]).includes(raw))
    fail(`${what}: expected ${options.join(" or ")}, got ${JSON.stringify(raw)}`, where);
  return raw as T;
}

/** A token or label list: a JSON list of strings, or (metadata values are strings) a string holding one. */
function stringList(raw: unknown, what: string, where: string): string[] {
  let list = raw;
  if (typeof raw === "string") {
    try {
      list = JSON.parse(raw);
    } catch {
      list = undefined;
    }
  }
  if (!Array.isArray(list) || !list.every((t) => typeof t === "string"))
    fail(`${what}: expected a JSON list of strings`, where);
  return distinct(list as string[], what, where);
}

function distinct(list: string[], what: string, where: string, code: ErrorCode = "invalid-model"): string[] {
  const at = what === "" ? "" : `${what}: `;
  if (list.length === 0) fail(`${at}must not be empty`, where, code);
  const seen = new Set<string>();
  for (const t of list) {
    if (seen.has(t)) fail(`${at}${JSON.stringify(t)} appears twice`, where, code);
    seen.add(t);
  }
  return list;
}

/** The import proper: tensors and settings to a model. `where` is the file, for messages. */
export function importPytorchModel(
  file: SafetensorsFile,
  settings: ImportSettings,
  where: string,
): RecurrentModelSpec | TransformerModelSpec {
  for (const [arch, backbone] of Object.entries(BACKBONES)) {
    const prefix = backbone.prefix(file);
    if (prefix === undefined) continue;
    const given = settings.arch;
    if (given !== undefined && given.value !== arch)
      fail(
        `"ccbound.arch" (from ${given.from}) is ${given.value}, but the file holds ${backbone.noun}'s "${prefix}layers.0"`,
        where,
      );
    refuseSettings(settings, backbone.refused, backbone.noun, where);
    return backbone.import(file, settings, where);
  }
  // An S4D or RetNet state dict (src/io/ssm-import.ts): names of their own, the reference's defaults for what the
  // weights cannot say besides tokens, labels, format and name.
  if (ssmKind(file) !== undefined)
    return importSsm(
      file,
      {
        ...(settings.vocab && { vocab: settings.vocab }),
        ...(settings.labels && { labels: settings.labels }),
        ...(settings.format && { format: settings.format.value }),
        ...(settings.name && { name: settings.name.value }),
      },
      where,
    );
  const transformer = holdsTransformer(file, settings, where);
  refuseSettings(
    settings,
    transformer ? RECURRENT_ONLY : TRANSFORMER_ONLY,
    transformer ? "a Transformer" : "a recurrent model",
    where,
  );
  return transformer ? importTransformer(file, settings, where) : importRecurrent(file, settings, where);
}

/** A setting given for a model it does not apply to (a Transformer, an nn.LSTM) is refused with one line. */
function refuseSettings(settings: ImportSettings, keys: readonly string[], model: string, where: string): void {
  const key = keys.find((k) => settings[k] !== undefined);
  if (key === undefined) return;
  const from = settings[key]!.from;
  if (from.startsWith("--")) fail(`does not apply to ${model}, which ${where} holds`, from, "invalid-flag");
  const name = Object.keys(KEYS).find((k) => KEYS[k] === key);
  fail(`"${name}" (from ${from}) does not apply to ${model}, which this file holds`, where);
}

function importRecurrent(file: SafetensorsFile, settings: ImportSettings, where: string): RecurrentModelSpec {
  const reader = new TensorReader(file, where);
  const rnn = rnnPrefix(file, settings, where);
  const layers = readLayers(reader, rnn, settings, where);
  const d = reader.get(`${rnn}weight_ih_l0`).shape[1]!;
  const hidden = layers.at(-1)!.hidden;
  const ends = findEnds(file, reader.used, d, hidden, settings, where);
  const embedding = reader.matrix(ends.embedding, undefined, d, `the input width of ${rnn}weight_ih_l0`);
  const head = reader.matrix(ends.head, undefined, hidden, `the hidden size of layer ${layers.length - 1}`);
  const bias =
    ends.bias === undefined ? zeros(head.length) : reader.vector(ends.bias, head.length, `the rows of ${ends.head}`);
  const named = settings.embedding !== undefined && settings.rnn !== undefined && settings.head !== undefined;
  if (!named) refuseLeftovers(file, reader.used, where);
  return {
    ...recurrentHeader(
      settings,
      reader,
      {
        embedding: `the embedding "${ends.embedding}"`,
        embeddingRows: embedding.length,
        head: ends.head,
        headRows: head.length,
      },
      where,
    ),
    embedding,
    layers,
    head: { weight: head, bias },
  };
}

const WEIGHT_IH_L0 = /^(.*\.)?weight_ih_l0$/;

/** The recurrent module's prefix ("rnn." for `rnn.weight_ih_l0`; "" for a bare module's state_dict). */
function rnnPrefix(file: SafetensorsFile, settings: ImportSettings, where: string): string {
  const given = settings.rnn;
  let prefix: string;
  if (given !== undefined) {
    prefix = given.value === "" || given.value.endsWith(".") ? given.value : `${given.value}.`;
    if (!file.tensors.has(`${prefix}weight_ih_l0`))
      fail(
        `"ccbound.rnn" (from ${given.from}) is ${JSON.stringify(given.value)}, but there is no tensor "${prefix}weight_ih_l0"`,
        where,
      );
  } else {
    const found = [...file.tensors.keys()].flatMap((n) => {
      const m = WEIGHT_IH_L0.exec(n);
      return m ? [m[1] ?? ""] : [];
    });
    if (found.length === 0)
      fail(
        `no recurrent layer: no tensor named <module>.weight_ih_l0 (${orList(MODULE_CELLS.map((c) => c.torch.module))}), nor a Transformer's ${transformerMarkers()}${nameIt("ccbound.rnn", where)}`,
        where,
      );
    if (found.length > 1)
      fail(
        `${found.length} recurrent modules (${found.map((p) => JSON.stringify(p.slice(0, -1))).join(", ")}), ccbound imports one${nameIt("ccbound.rnn", where)}`,
        where,
      );
    prefix = found[0]!;
  }
  if (file.tensors.has(`${prefix}weight_ih_l0_reverse`))
    fail(`"${prefix}weight_ih_l0_reverse": bidirectional recurrent layers are not supported`, where);
  if (file.tensors.has(`${prefix}weight_hr_l0`))
    fail(`"${prefix}weight_hr_l0": LSTM projections (proj_size > 0) are not supported`, where);
  return prefix;
}

function nameIt(key: string, where: string): string {
  return `; name the module with "${key}" in the file's __metadata__ or in ${sidecarPath(where)}`;
}

function orList(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}

function readLayers(reader: TensorReader, prefix: string, settings: ImportSettings, where: string): RecurrentLayer[] {
  const layers: RecurrentLayer[] = [];
  const first = reader.get(`${prefix}weight_ih_l0`);
  if (first.shape.length !== 2)
    fail(
      `tensor "${prefix}weight_ih_l0" has shape [${first.shape.join(", ")}], expected a matrix [G*h, input width]`,
      where,
    );
  let input = { n: first.shape[1]!, why: "the embedding width" };
  for (let k = 0; reader.has(`${prefix}weight_ih_l${k}`); k++) {
    const layer = readLayer(reader, prefix, k, input, settings, where);
    layers.push(layer);
    input = { n: layer.hidden, why: `the hidden size of layer ${k}` };
  }
  return layers;
}

/** Layer k of the module: its cell from weight_hh's shape (G*h x h, G the gates of the cell's module). */
function readLayer(
  reader: TensorReader,
  prefix: string,
  k: number,
  input: { n: number; why: string },
  settings: ImportSettings,
  where: string,
): RecurrentLayer {
  const name = (what: string) => `${prefix}${what}_l${k}`;
  if (!reader.has(name("weight_hh"))) fail(`there is ${name("weight_ih")} but no tensor "${name("weight_hh")}"`, where);
  const hh = reader.get(name("weight_hh"));
  const [rows, hidden] = hh.shape;
  const gates = hh.shape.length === 2 && hidden! > 0 ? rows! / hidden! : 0;
  const module = MODULE_CELLS.find((c) => c.torch.gates === gates)?.torch;
  if (module === undefined) {
    const byGates = [...MODULE_CELLS].sort((a, b) => a.torch.gates - b.torch.gates);
    fail(
      `tensor "${name("weight_hh")}" has shape [${hh.shape.join(", ")}], expected [G*h, h] with G = ${orList(byGates.map((c) => `${c.torch.gates} (${c.torch.module})`))}`,
      where,
    );
  }
  const arch = settings.arch;
  if (arch !== undefined && arch.value !== module.arch) {
    fail(
      `"ccbound.arch" (from ${arch.from}) is ${arch.value}, but "${name("weight_hh")}" has shape [${rows}, ${hidden}]: ${gates} x hidden ${hidden} rows, an ${module.module}`,
      where,
    );
  }
  const why = `${gates === 1 ? "" : `${gates} gates (${module.gateOrder}) x `}hidden ${hidden}`;
  const weights: GateTensors = {
    hidden: hidden!,
    weight_ih: reader.matrix(name("weight_ih"), rows, input.n, `${why}, by ${input.why} ${input.n}`),
    weight_hh: reader.matrix(name("weight_hh"), rows, hidden, why),
    ...biases(reader, name("bias_ih"), name("bias_hh"), rows!, why, where),
  };
  return module.layer(weights, moduleSettings(module, settings, where));
}

/**
 * The settings the layer's module takes, each given (else refused, saying how to give it), and none that it does not
 * take: "ccbound.nonlinearity" on an nn.LSTM is refused rather than ignored.
 */
function moduleSettings(
  module: TorchRnnModule<RecurrentLayer>,
  settings: ImportSettings,
  where: string,
): Record<string, string> {
  refuseSettings(
    settings,
    [...CELL_SETTINGS.keys()].filter((key) => module.settings[key] === undefined),
    `an ${module.module}`,
    where,
  );
  return Object.fromEntries(
    Object.entries(module.settings).map(([key, setting]) => {
      const given = settings[key];
      if (given === undefined)
        fail(
          `${setting.missing}: give it with --${key} ${setting.values.join("|")}, or as "ccbound.${key}" in the file's __metadata__ or in ${sidecarPath(where)}`,
          where,
        );
      return [key, given.value as string];
    }),
  );
}

/** bias=False leaves both biases out: zeros. One without the other is not a PyTorch module. */
function biases(
  reader: TensorReader,
  ih: string,
  hh: string,
  rows: number,
  why: string,
  where: string,
): { bias_ih: Vector; bias_hh: Vector } {
  const hasIh = reader.has(ih);
  if (hasIh !== reader.has(hh)) fail(`there is "${hasIh ? ih : hh}" but no tensor "${hasIh ? hh : ih}"`, where);
  if (!hasIh) return { bias_ih: zeros(rows), bias_hh: zeros(rows) };
  return { bias_ih: reader.vector(ih, rows, why), bias_hh: reader.vector(hh, rows, why) };
}

/** Common module names, to tell the embedding from the head when their shapes cannot (d = hidden, no head bias). */
const EMBEDDING_NAMES =
  /(^|\.)(embed|embedding|embeddings|emb|embedder|encoder|word_embeddings|tok_embeddings|wte)\.weight$/;
const HEAD_NAMES = /(^|\.)(head|fc|linear|out|output|classifier|decoder|proj|lm_head|dense)\.weight$/;

interface Ends {
  embedding: string;
  head: string;
  bias: string | undefined;
}

/** The embedding's and the head's tensors: named in the settings, or the one pair of 2-D `.weight` tensors that fits. */
function findEnds(
  file: SafetensorsFile,
  used: ReadonlySet<string>,
  d: number,
  hidden: number,
  settings: ImportSettings,
  where: string,
): Ends {
  const weights = [...file.tensors.values()]
    .filter((t) => !used.has(t.name) && t.shape.length === 2 && /(^|\.)weight$/.test(t.name))
    .map((t) => t.name);
  const cols = (n: string) => file.tensors.get(n)?.shape[1];
  const biasOf = (n: string) => n.replace(/weight$/, "bias");
  const hasBias = (n: string) => file.tensors.get(biasOf(n))?.shape.length === 1;
  const embeddings = settings.embedding
    ? [namedTensor(file, settings.embedding, "ccbound.embedding", where)]
    : weights.filter((n) => cols(n) === d && !hasBias(n));
  let heads = settings.head
    ? [namedTensor(file, settings.head, "ccbound.head", where)]
    : weights.filter((n) => cols(n) === hidden);
  if (heads.some(hasBias)) heads = heads.filter(hasBias); // an nn.Linear usually has a bias, an nn.Embedding never
  let pairs = embeddings.flatMap((e) => heads.filter((h) => h !== e).map((h) => [e, h] as const));
  if (pairs.length > 1) pairs = pairs.filter(([e, h]) => EMBEDDING_NAMES.test(e) && HEAD_NAMES.test(h));
  if (pairs.length !== 1) endsProblem(embeddings, heads, d, hidden, where);
  const [embedding, head] = pairs[0]!;
  return { embedding, head, bias: file.tensors.has(biasOf(head)) ? biasOf(head) : undefined };
}

/** A module ("embed") or tensor ("embed.weight") named in the settings, as the tensor's name. */
function namedTensor(file: SafetensorsFile, setting: Setting<string>, key: string, where: string): string {
  if (file.tensors.has(setting.value) && /(^|\.)weight$/.test(setting.value)) return setting.value;
  const name = setting.value === "" ? "weight" : `${setting.value.replace(/\.$/, "")}.weight`;
  if (!file.tensors.has(name))
    fail(
      `"${key}" (from ${setting.from}) is ${JSON.stringify(setting.value)}, but there is no tensor "${name}"`,
      where,
    );
  return name;
}

function endsProblem(embeddings: string[], heads: string[], d: number, hidden: number, where: string): never {
  const list = (names: string[]) => names.map((n) => JSON.stringify(n)).join(", ");
  if (embeddings.length === 1 && heads.length === 1 && embeddings[0] === heads[0]) {
    fail(
      `only one 2-D weight tensor, "${embeddings[0]}", fits the embedding and the head; expected one of each`,
      where,
    );
  }
  if (embeddings.length === 0)
    fail(
      `no embedding: no 2-D tensor <module>.weight with ${d} columns (the input width of the recurrent layer)${nameIt("ccbound.embedding", where)}`,
      where,
    );
  if (heads.length === 0)
    fail(
      `no head: no 2-D tensor <module>.weight with ${hidden} columns (the hidden size of the last layer)${nameIt("ccbound.head", where)}`,
      where,
    );
  const which = embeddings.length > 1 ? `the embedding among ${list(embeddings)}` : `the head among ${list(heads)}`;
  return fail(
    `cannot tell ${which}; name the modules with "ccbound.embedding" and "ccbound.head" in the file's __metadata__ or in ${sidecarPath(where)}`,
    where,
  );
}

function refuseLeftovers(file: SafetensorsFile, used: ReadonlySet<string>, where: string): void {
  const left = leftovers(file, used);
  if (left === undefined) return;
  fail(
    `${left} not part of Embedding -> RNN/LSTM/GRU -> Linear (to use only part of the file, name all three modules: "ccbound.embedding", "ccbound.rnn" and "ccbound.head")`,
    where,
  );
}
