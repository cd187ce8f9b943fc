/**
 * A PyTorch Transformer's state_dict as a ccbound Transformer. Its block (src/models/blocks/) is the one whose layout
 * the names are, under one module prefix (`model.` for a wrapper's state_dict); the block reads each layer, and each
 * shape is checked against the sizes the tensors read before it fixed: d by the token embedding, m by a layer's first
 * query. What the tensors cannot say comes from the settings (pytorch-import.ts): `causal` (default false), the layer
 * norms' eps (default 1e-5, nn.LayerNorm's), the format (from the dtype), vocab and labels (ids). A tensor left over is
 * an error, so a module of another shape (W_O with a bias, a GELU network) is refused rather than silently misread.
 */
import type { BlockKind } from "../models/blocks/block.js";
import { BLOCKS } from "../models/blocks/index.js";
import type { TransformerLayer, TransformerModelSpec } from "../models/spec.js";
import type { LayerNorm } from "../models/blocks/layer-norm.js";
import type { BlockSettings, TensorSource } from "../models/state-dict.js";
import type { ImportSettings } from "./pytorch-import.js";
import type { SafetensorsFile } from "./safetensors.js";
import { fail, formatOf, leftovers, rowNames, TensorReader, type Setting } from "./tensor-reader.js";

/** nn.LayerNorm's default, for a file that does not say. */
export const DEFAULT_LAYER_NORM_EPS = 1e-5;

/** One eps for every layer norm, or one per norm module ("layers.0.norm1"). */
export type LayerNormEps = number | Readonly<Record<string, number>>;

const blocks = BLOCKS as readonly BlockKind<TransformerLayer>[];

/** The first layer's marker of a block ("layers.0.heads.0.query.weight"), under any prefix. */
function markerPattern(block: BlockKind<TransformerLayer>): RegExp {
  return new RegExp(`^((?:.*\\.)?)${block.torch.marker(0).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
}

/** The blocks whose first layer the file holds, each under the prefixes it is found at ("" for the module's own). */
function layoutsOf(file: SafetensorsFile): { block: BlockKind<TransformerLayer>; prefix: string }[] {
  return blocks.flatMap((block) => {
    const pattern = markerPattern(block);
    return [...file.tensors.keys()].flatMap((n) => {
      const prefix = pattern.exec(n)?.[1];
      return prefix === undefined ? [] : [{ block, prefix }];
    });
  });
}

/** What a Transformer's first layer is called, for messages: "layers.0.heads.0.query.weight". */
export function transformerMarkers(): string {
  return blocks.map((b) => b.torch.marker(0)).join(" or ");
}

/** A Transformer when "ccbound.arch" says so, or when there is none and the tensor names are a Transformer's. */
export function holdsTransformer(file: SafetensorsFile, settings: ImportSettings, where: string): boolean {
  const found = layoutsOf(file);
  const arch = settings.arch;
  if (arch === undefined || arch.value === "transformer") return arch !== undefined || found.length > 0;
  const first = found[0];
  if (first !== undefined)
    fail(
      `"ccbound.arch" (from ${arch.from}) is ${arch.value}, but the file holds a Transformer's "${first.prefix}${first.block.torch.marker(0)}"`,
      where,
    );
  return false;
}

export function importTransformer(
  file: SafetensorsFile,
  settings: ImportSettings,
  where: string,
): TransformerModelSpec {
  const { block, prefix } = oneLayout(file, where);
  const layout = block.torch;
  const eps = new EpsLookup(settings.layerNormEps, where);
  refuseBlockSettings(block, settings, where);
  const r = new Layout(new TensorReader(file, where), prefix, where, eps, settings);
  const tokenEmbedding = r.matrix(layout.tokenEmbedding, undefined, undefined, "the token embedding, vocab x d");
  const d = r.cols(layout.tokenEmbedding);
  const width = `d = ${d}, the columns of "${r.name(layout.tokenEmbedding)}"`;
  const positionEmbedding = r.matrix(layout.positionEmbedding, undefined, d, width);
  const layers: TransformerLayer[] = [];
  for (let l = 0; l === 0 || r.has(layout.marker(l)); l++) layers.push(layout.readLayer(r, l, d, width));
  const finalNorm = layout.finalNorm !== undefined ? readFinalNorm(r, layout.finalNorm, d, width) : undefined;
  const headWeight = `${layout.head}.weight`;
  const head = r.matrix(headWeight, undefined, d, width);
  const bias = r.optionalVector(`${layout.head}.bias`, head.length, `the rows of "${r.name(headWeight)}"`);
  eps.checkAllUsed();
  const left = leftovers(file, r.reader.used);
  if (left !== undefined)
    fail(`${left} not part of ccbound's Transformer, whose tensor names docs/safetensors.md lists`, where);
  return {
    ccbound: "model",
    version: 1,
    ...(settings.name && { name: settings.name.value }),
    ...(settings.description && { description: settings.description.value }),
    arch: "transformer",
    format: settings.format?.value ?? formatOf(r.reader.dtypes),
    vocab: rowNames(
      settings.vocab,
      "vocab",
      tokenEmbedding.length,
      `the embedding "${r.name(layout.tokenEmbedding)}" has ${tokenEmbedding.length} rows`,
      where,
    ),
    labels: rowNames(
      settings.labels,
      "labels",
      head.length,
      `the head "${r.name(headWeight)}" has ${head.length} rows`,
      where,
    ),
    tokenEmbedding,
    positionEmbedding,
    causal: causalOf(block, settings, where),
    layers,
    ...(finalNorm && { finalNorm }),
    head: { weight: head, bias },
  };
}

/** The layer norm after the last layer (GPT-2's ln_f, nn.TransformerEncoder's norm), when the file has it. */
function readFinalNorm(r: Layout, module: string, d: number, width: string): LayerNorm | undefined {
  if (!r.has(`${module}.weight`)) return undefined; // a bias without its weight is left over, and refused
  return {
    weight: r.vector(`${module}.weight`, d, width),
    bias: r.optionalVector(`${module}.bias`, d, width),
    eps: r.normEps(module),
  };
}

/** Default false (the paper's layout); a block that is causal by definition is causal, and refuses false. */
function causalOf(block: BlockKind<TransformerLayer>, settings: ImportSettings, where: string): boolean {
  if (!block.alwaysCausal) return settings.causal?.value ?? false;
  if (settings.causal?.value === false)
    fail(
      `"ccbound.causal" (from ${settings.causal.from}) is false, but ccbound runs a ${block.name} block causally (as GPT-2, and nn.TransformerEncoderLayer with a causal mask)`,
      where,
    );
  return true;
}

/** A block setting given for a block that does not read it (norm_first for GPT-2) is refused, not ignored. */
function refuseBlockSettings(block: BlockKind<TransformerLayer>, settings: ImportSettings, where: string): void {
  const keys = { heads: "ccbound.heads", normFirst: "ccbound.norm_first", activation: "ccbound.activation" } as const;
  for (const key of Object.keys(keys) as (keyof typeof keys)[]) {
    const given = settings[key];
    if (given !== undefined && !(block.torch.settings ?? []).includes(key))
      fail(`"${keys[key]}" (from ${given.from}) does not apply to a ${block.name} block (${block.about})`, where);
  }
}

function oneLayout(file: SafetensorsFile, where: string): { block: BlockKind<TransformerLayer>; prefix: string } {
  const found = layoutsOf(file);
  if (found.length === 0) fail(`no Transformer layer: no tensor named [<prefix>.]${transformerMarkers()}`, where);
  if (found.length > 1)
    fail(
      `${found.length} Transformers (${found.map((f) => JSON.stringify(f.prefix)).join(", ")}), ccbound imports one`,
      where,
    );
  return found[0]!;
}

/**
 * The reader a block reads its layers through: names get the module prefix (messages name the tensor as the file
 * does), a missing tensor is one line saying what was expected, and a layer norm's eps comes from the settings.
 */
class Layout implements TensorSource {
  constructor(
    readonly reader: TensorReader,
    private readonly prefix: string,
    readonly where: string,
    private readonly eps: EpsLookup,
    private readonly settings: ImportSettings,
  ) {}

  setting<K extends keyof BlockSettings>(key: K): BlockSettings[K] {
    return this.settings[key]?.value as BlockSettings[K];
  }

  name(n: string): string {
    return this.prefix + n;
  }

  has(n: string): boolean {
    return this.reader.has(this.name(n));
  }

  cols(n: string): number {
    return this.reader.get(this.name(n)).shape[1]!;
  }

  matrix(n: string, rows: number | undefined, cols: number | undefined, why: string): number[][] {
    if (!this.has(n))
      fail(
        `no tensor ${JSON.stringify(this.name(n))}, expected ${rows ?? "rows"} x ${cols ?? "columns"} (${why})`,
        this.where,
      );
    return this.reader.matrix(this.name(n), rows, cols, why);
  }

  vector(n: string, length: number, why: string): number[] {
    return this.reader.vector(this.name(n), length, why);
  }

  optionalVector(n: string, length: number, why: string): number[] {
    return this.reader.optionalVector(this.name(n), length, why);
  }

  normEps(module: string): number {
    return this.eps.of(module);
  }

  fail(message: string): never {
    return fail(message, this.where);
  }
}

/** The eps of each norm module, from the setting; every module the setting names must exist. */
class EpsLookup {
  private readonly used = new Set<string>();
  constructor(
    private readonly setting: Setting<LayerNormEps> | undefined,
    private readonly where: string,
  ) {}

  of(module: string): number {
    const value = this.setting?.value ?? DEFAULT_LAYER_NORM_EPS;
    if (typeof value === "number") return value;
    const eps = value[module];
    if (eps === undefined)
      fail(
        `"ccbound.layer_norm_eps" (from ${this.setting!.from}) gives no eps for the layer norm "${module}"`,
        this.where,
      );
    this.used.add(module);
    return eps;
  }

  checkAllUsed(): void {
    const value = this.setting?.value;
    if (value === undefined || typeof value === "number") return;
    const extra = Object.keys(value).find((k) => !this.used.has(k));
    if (extra !== undefined)
      fail(
        `"ccbound.layer_norm_eps" (from ${this.setting!.from}) names "${extra}", which is not a layer norm of the file`,
        this.where,
      );
  }
}

/** The setting's value: a number >= 0, or an object of them by norm module; in metadata, JSON text of either. */
export function layerNormEps(raw: unknown, what: string, where: string): LayerNormEps {
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      value = undefined;
    }
  }
  const isEps = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x) && x >= 0;
  if (isEps(value)) return value;
  if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.values(value).every(isEps))
    return value as Record<string, number>;
  return fail(
    `${what}: expected a number >= 0, or a JSON object of them by layer norm module ("layers.0.norm1"), got ${JSON.stringify(raw)?.slice(0, 60)}`,
    where,
  );
}
