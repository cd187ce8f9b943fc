/**
 * A PyTorch Transformer's state_dict as a ccbound Transformer. Tensors are found by the names of
 * pytorch-transformer-names.ts under one module prefix (`model.` for a wrapper's state_dict), and each shape is checked
 * against the sizes the tensors read before it fixed: d by the token embedding, m by a layer's first query. What the
 * tensors cannot say comes from the settings (pytorch-import.ts): `causal` (default false), the layer norms' eps
 * (default 1e-5, nn.LayerNorm's), the format (from the dtype), vocab and labels (ids). A tensor left over is an error,
 * so a module of another shape (W_O with a bias, a GELU network) is refused rather than silently misread.
 */
import type { LayerNorm, TransformerLayer, TransformerModelSpec } from "../models/spec.js";
import type { ImportSettings } from "./pytorch-import.js";
import {
  DEFAULT_LAYER_NORM_EPS,
  HEAD,
  linearModule,
  normModule,
  outputName,
  POSITION_EMBEDDING,
  projectionName,
  TOKEN_EMBEDDING,
} from "./pytorch-transformer-names.js";
import type { SafetensorsFile } from "./safetensors.js";
import { fail, formatOf, leftovers, rowNames, TensorReader, type Setting } from "./tensor-reader.js";

/** One eps for every layer norm, or one per norm module ("layers.0.norm1"). */
export type LayerNormEps = number | Readonly<Record<string, number>>;

const FIRST_QUERY = /^((?:.*\.)?)layers\.0\.heads\.0\.query\.weight$/;

/** The prefixes under which the file holds a Transformer's first query ("" for the module's own state_dict). */
function prefixesOf(file: SafetensorsFile): string[] {
  return [...file.tensors.keys()].flatMap((n) => FIRST_QUERY.exec(n)?.[1] ?? []);
}

/** A Transformer when "ccbound.arch" says so, or when there is none and the tensor names are a Transformer's. */
export function holdsTransformer(file: SafetensorsFile, settings: ImportSettings, where: string): boolean {
  const prefixes = prefixesOf(file);
  const arch = settings.arch;
  if (arch === undefined || arch.value === "transformer") return arch !== undefined || prefixes.length > 0;
  if (prefixes.length > 0)
    fail(
      `"ccbound.arch" (from ${arch.from}) is ${arch.value}, but the file holds a Transformer's "${prefixes[0]}layers.0.heads.0.query.weight"`,
      where,
    );
  return false;
}

export function importTransformer(
  file: SafetensorsFile,
  settings: ImportSettings,
  where: string,
): TransformerModelSpec {
  const r = new Layout(new TensorReader(file, where), onePrefix(file, where), where);
  const tokenEmbedding = r.matrix(TOKEN_EMBEDDING, undefined, undefined, "the token embedding, vocab x d");
  const d = r.cols(TOKEN_EMBEDDING);
  const width = `d = ${d}, the columns of "${r.name(TOKEN_EMBEDDING)}"`;
  const positionEmbedding = r.matrix(POSITION_EMBEDDING, undefined, d, width);
  const eps = new EpsLookup(settings.layerNormEps, where);
  const layers: TransformerLayer[] = [];
  for (let l = 0; l === 0 || r.has(projectionName(l, 0, "query")); l++) layers.push(readLayer(r, l, d, width, eps));
  const head = r.matrix(`${HEAD}.weight`, undefined, d, width);
  const bias = r.optionalVector(`${HEAD}.bias`, head.length, `the rows of "${r.name(`${HEAD}.weight`)}"`);
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
      `the embedding "${r.name(TOKEN_EMBEDDING)}" has ${tokenEmbedding.length} rows`,
      where,
    ),
    labels: rowNames(
      settings.labels,
      "labels",
      head.length,
      `the head "${r.name(`${HEAD}.weight`)}" has ${head.length} rows`,
      where,
    ),
    tokenEmbedding,
    positionEmbedding,
    causal: settings.causal?.value ?? false,
    layers,
    head: { weight: head, bias },
  };
}

function onePrefix(file: SafetensorsFile, where: string): string {
  const prefixes = prefixesOf(file);
  if (prefixes.length === 0)
    fail(`no Transformer layer: no tensor named [<prefix>.]layers.0.heads.0.query.weight`, where);
  if (prefixes.length > 1)
    fail(
      `${prefixes.length} Transformers (${prefixes.map((p) => JSON.stringify(p)).join(", ")}), ccbound imports one`,
      where,
    );
  return prefixes[0]!;
}

/** The reader, with the module prefix put in front of every name (messages name the tensor as the file does). */
class Layout {
  constructor(
    readonly reader: TensorReader,
    private readonly prefix: string,
    readonly where: string,
  ) {}

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
}

function readLayer(r: Layout, l: number, d: number, width: string, eps: EpsLookup): TransformerLayer {
  const heads = readHeads(r, l, d, width);
  const m = heads[0]!.query.length;
  const output = r.matrix(outputName(l), d, m * heads.length, `W_O: ${width}; m ${m} x ${heads.length} heads columns`);
  const norm1 = readNorm(r, normModule(l, 1), d, width, eps);
  const norm2 = readNorm(r, normModule(l, 2), d, width, eps);
  return { heads, output, ffn: readFfn(r, l, d, width), ...(norm1 && { norm1 }), ...(norm2 && { norm2 }) };
}

/** Heads 0, 1, ... while a query exists; every head of the layer has head 0's m. */
function readHeads(r: Layout, l: number, d: number, width: string): TransformerLayer["heads"] {
  const first = projectionName(l, 0, "query");
  const m = r.matrix(first, undefined, d, width).length;
  const why = `the heads of a layer share m = ${m}, the rows of "${r.name(first)}"; ${width}`;
  const heads: TransformerLayer["heads"] = [];
  for (let h = 0; r.has(projectionName(l, h, "query")); h++) {
    const [query, key, value] = (["query", "key", "value"] as const).map((p) =>
      r.matrix(projectionName(l, h, p), m, d, why),
    );
    heads.push({ query: query!, key: key!, value: value! });
  }
  return heads;
}

/** linear1 and linear2, or neither (no FFN); a bias left out (bias=False) is zeros. */
function readFfn(r: Layout, l: number, d: number, width: string): TransformerLayer["ffn"] {
  const [one, two] = [linearModule(l, 1), linearModule(l, 2)];
  const [has1, has2] = [r.has(`${one}.weight`), r.has(`${two}.weight`)];
  if (!has1 && !has2) return null;
  if (has1 !== has2)
    fail(
      `there is "${r.name(`${has1 ? one : two}.weight`)}" but no "${r.name(`${has1 ? two : one}.weight`)}": the FFN is two nn.Linear`,
      r.where,
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

function readNorm(r: Layout, module: string, d: number, width: string, eps: EpsLookup): LayerNorm | undefined {
  if (!r.has(`${module}.weight`)) return undefined; // a bias without its weight is left over, and refused
  return {
    weight: r.vector(`${module}.weight`, d, width),
    bias: r.optionalVector(`${module}.bias`, d, width),
    eps: eps.of(module),
  };
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
