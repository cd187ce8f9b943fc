/**
 * What a Transformer block (a kind of layer) is to ccbound: one descriptor, defined in one file
 * (src/models/blocks/<name>.ts) and listed once in the registry (index.ts). The Transformer architecture
 * (src/models/archs/transformer.ts) reads it for the file schema, shape checks, compiling, parameter counts,
 * `--format`, random models, descriptions and the PyTorch names.
 *
 * A compiled block is what Theorem 4's protocol needs of one layer at one position, in three parts: the computation
 * before attention (the vector the heads read), the heads' queries, keys and values, and the finish of the layer
 * after attention (from the layer's input and the heads' outputs). Attention itself (softmax with exact sums,
 * src/models/attention.ts) is the same for every block, and is what the parties of the protocol split.
 */
import type * as z from "zod";
import type { Arith } from "../../numeric/arith.js";
import type { ExactSum } from "../../numeric/exact-sum.js";
import type { CompiledHead } from "../attention.js";
import type { Dim, Path, Report } from "../shapes.js";
import type { Matrix, Vector } from "../spec.js";
import type { BlockSettings, StateTensor, TensorSource } from "../state-dict.js";

/** A function of one position's vector: reads x[xOffset ..], writes out[outOffset ..]. */
export type AtPosition = (x: Float64Array, xOffset: number, out: Float64Array, outOffset: number) => void;

/** A compiled layer of any block kind: what the forward pass, the KV cache and Theorem 4's protocol run. */
export interface CompiledLayer {
  /** The block kind's name. */
  readonly block: string;
  readonly heads: readonly CompiledHead[];
  /** Head width m (every head of a layer has the same). */
  readonly m: number;
  /**
   * Before attention, at one position: the vector the heads' queries, keys and values read, from the layer's input
   * there. null when that is the input itself, as in the paper's post-norm layer (a pre-norm block normalises here).
   */
  readonly attentionInput: AtPosition | null;
  /** Keys ("key") or values ("value") of one head at the listed positions j: out[j*m ..] from a[j*d ..]. */
  project(
    head: CompiledHead,
    which: "key" | "value",
    a: Float64Array,
    positions: Int32Array,
    count: number,
    out: Float64Array,
  ): void;
  /** The query of one head at one position: q[0 .. m) from a[aOffset ..]. */
  query(head: CompiledHead, a: Float64Array, aOffset: number, q: Float64Array): void;
  /**
   * After attention, at one position: from the layer's input x[xOffset ..] and the H head outputs side by side at
   * heads[hOffset ..], the layer's output into out[outOffset ..]. Not re-entrant (scratch is kept per layer).
   */
  finish(
    x: Float64Array,
    xOffset: number,
    heads: Float64Array,
    hOffset: number,
    out: Float64Array,
    outOffset: number,
  ): void;
}

/** The sizes of a random layer, and the draws its weights come from (uniform in [-k, k], rounded to the format). */
export interface RandomBlockOptions {
  readonly d: number;
  readonly m: number;
  readonly heads: number;
  /** FFN width; 0 for none. */
  readonly ffn: number;
  readonly layerNorm: boolean;
  /** nn.TransformerEncoderLayer's norm_first and activation (default: PyTorch's, post-norm and relu). */
  readonly normFirst?: boolean;
  readonly activation?: "relu" | "gelu";
  readonly round: (x: number) => number;
  vec(n: number): Vector;
  mat(rows: number, cols: number): Matrix;
}

/**
 * How a block's model is laid out in a PyTorch state_dict: the names around the layers and each layer's tensors.
 * The import finds the layers by `marker` (under any module prefix) and reads layers 0, 1, ... while it exists.
 */
export interface BlockLayout<L> {
  readonly tokenEmbedding: string;
  readonly positionEmbedding: string;
  /** The head's module: `<head>.weight`, `<head>.bias`. */
  readonly head: string;
  /** false when the head is an nn.Linear without a bias (GPT2ForSequenceClassification's score): none is written. */
  readonly headBias?: false;
  /** The layer norm after the last layer (`<finalNorm>.weight`, `.bias`), when the layout has one. */
  readonly finalNorm?: string;
  /** The block settings (BlockSettings) its layers read, and their values for the metadata of an export. */
  readonly settings?: readonly (keyof BlockSettings)[];
  settingsOf?(layers: readonly L[]): BlockSettings;
  /** A tensor every layer l of this block has. */
  marker(l: number): string;
  /** Layer l, its shapes checked against the width d (`width` says where d comes from). */
  readLayer(source: TensorSource, l: number, d: number, width: string): L;
  /** Layer l's tensors, in the order the module's state_dict lists them. */
  writeLayer(layer: L, l: number): StateTensor[];
  /** The layer norms of layer l, by module name, with their eps (what "ccbound.layer_norm_eps" holds). */
  norms(layer: L, l: number): { module: string; eps: number }[];
}

export interface BlockKind<L> {
  readonly name: string;
  /** One phrase for messages and the docs. */
  readonly about: string;
  /** The layer's strict object schema. */
  readonly schema: z.ZodType<L>;
  /** Checks a layer's shapes against the model width d, in a layer that may have type errors elsewhere. */
  checkShapes(layer: Readonly<Record<string, unknown>>, path: Path, d: Dim | undefined, report: Report): void;
  compile(layer: L, d: number, arith: Arith, sums: ExactSum): CompiledLayer;
  /** Numbers in the layer's parameters. */
  parameters(layer: L): number;
  /** Numbers a random layer of these sizes holds. */
  parameterCount(o: Omit<RandomBlockOptions, "round" | "vec" | "mat">): number;
  /** The same layer with its weights rounded to another format. */
  inFormat(layer: L, round: (x: number) => number): L;
  random(o: RandomBlockOptions): L;
  /** Head widths and counts of the model's layers, for its description: "m 2, heads 2/2". */
  describe(layers: readonly L[]): string;
  readonly torch: BlockLayout<L>;
  /** The block attends causally by definition (GPT-2; ccbound runs nn.TransformerEncoderLayer with a causal mask). */
  readonly alwaysCausal?: boolean;
}

/** The layer type of a block descriptor. */
export type BlockLayerOf<K> = K extends BlockKind<infer L> ? L : never;
