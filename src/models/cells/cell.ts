/**
 * What a recurrent cell is to ccbound: one descriptor, defined in one file (src/models/cells/<name>.ts) and listed
 * once in the registry (index.ts). Everything else (the file schema and its shape checks, compiling, counting
 * parameters, re-rounding to another format, random layers, describing, PyTorch names) reads the descriptor.
 *
 * A cell declares its tensors once, as a table of names, descriptions and shapes (in terms of the layer's hidden size
 * and its input width). From that table come the layer's zod schema, its shape checks (with the reason for every
 * expected size), its parameter count, its re-rounding and the order random weights are drawn in. What the table
 * cannot say (the step itself, its state's size, its settings) the cell writes itself.
 */
import * as z from "zod";
import type { Arith } from "../../numeric/arith.js";
import type { DiagonalTransition } from "../model.js";
import { matrix, vector, type MatrixSchema, type VectorSchema } from "../file-schema.js";
import { checkMatrix, checkVector, type Dim, type Path, type Report } from "../shapes.js";
import type { Matrix, Vector } from "../spec.js";

/**
 * A compiled recurrent layer. Its state lives in the model's state buffer at `offset` (h first, then whatever else
 * the next step reads, such as LSTM's c); `step` reads the layer's input from `input` at `inputOffset` and updates its
 * state in place, allocating nothing. Gate arithmetic follows PyTorch's CPU order (input and hidden products
 * separately, then summed; GRU's h' = n + z * (h - n)), rounding every result to the model's number format.
 */
export interface Cell {
  readonly hidden: number;
  /** Values of state this layer keeps: hidden, or 2 * hidden for LSTM (h and c). */
  readonly units: number;
  step(state: Float64Array, offset: number, input: Float64Array, inputOffset: number): void;
  /** Present when the transition is diagonal (the state-space results on parity cover it): see Dynamics. */
  readonly diagonal?: DiagonalTransition;
}

/** The sizes a layer's tensors are made of, each with the reason for it (undefined where the file does not say). */
export interface Sizes {
  readonly hidden: Dim | undefined;
  readonly input: Dim | undefined;
}

/** One side of a tensor's shape, from the layer's sizes. */
export type Side = (s: Sizes) => Dim | undefined;

/** A tensor of a layer: its field name, what it is (the schema's description) and its shape. */
export interface TensorField {
  readonly key: string;
  readonly describe: string;
  readonly rows: Side;
  /** Columns, for a matrix; a vector has none. */
  readonly cols?: Side;
}

/** The two sides every cell's shapes are written with. */
export const HIDDEN: Side = (s) => s.hidden;
export const INPUT: Side = (s) => s.input;

/** The fields every layer has besides its tensors. */
export interface LayerBase {
  cell: string;
  hidden: number;
}

/** What random-model and the arbitraries say about a layer beyond its size (a cell reads what it takes). */
export interface RandomLayerOptions {
  nonlinearity?: "tanh" | "relu";
}

/**
 * A cell that is one of PyTorch's nn.RNN, nn.GRU, nn.LSTM: its tensors are that module's weight_ih_lk, weight_hh_lk,
 * bias_ih_lk, bias_hh_lk (rows G*h, G its gates), and what the weights cannot say is a setting.
 */
export interface TorchRnnModule<L extends LayerBase> {
  /** The module's name in messages: "nn.LSTM". */
  readonly module: string;
  /** Its value of "ccbound.arch" in a safetensors file: "rnn", "lstm", "gru". */
  readonly arch: string;
  /** Rows of weight_hh per hidden unit: how an import tells the cells apart by shape. */
  readonly gates: number;
  /** The gate row order, for messages: "i|f|g|o", or "" for one gate. */
  readonly gateOrder: string;
  /** Settings the weights cannot say, by key, with the values they take and what to tell a user who gave none. */
  readonly settings: Readonly<Record<string, TorchSetting>>;
  /** The layer from the module's four tensors of layer k and the settings. */
  layer(tensors: GateTensors, settings: Readonly<Record<string, string>>): L;
  /** A layer's settings, as the export writes them and as layers of one module must share them. */
  settingsOf(layer: L): Readonly<Record<string, string>>;
}

export interface TorchSetting {
  readonly values: readonly string[];
  /** The problem when no value is given: "the nonlinearity of an nn.RNN (tanh or relu) cannot be read from its weights". */
  readonly missing: string;
}

/** The tensors of a gated cell, as in PyTorch: G*hidden rows, G = 1 (Elman), 4 (LSTM) or 3 (GRU). */
export interface GateTensors {
  hidden: number;
  weight_ih: Matrix; // G*hidden x input
  weight_hh: Matrix; // G*hidden x hidden
  bias_ih: Vector; // G*hidden
  bias_hh: Vector; // G*hidden
}

/** A cell, as the rest of ccbound sees it. */
export interface CellKind<L extends LayerBase = LayerBase> {
  readonly name: L["cell"];
  /** One phrase for messages, --help and the docs: "an LSTM (nn.LSTM), gate rows i|f|g|o". */
  readonly about: string;
  /** The layer's strict object schema: `cell`, its settings and hidden size, then its tensors in file order. */
  readonly schema: z.ZodType<L>;
  readonly tensors: readonly TensorField[];
  /** The layer's name in a model's description: "lstm", "elman(tanh)". */
  label(layer: L): string;
  /** Checks the shapes of a layer's tensors, in a layer that may have type errors elsewhere. */
  checkShapes(layer: Readonly<Record<string, unknown>>, path: Path, sizes: Sizes, report: Report): void;
  compile(layer: L, inputSize: number, arith: Arith): Cell;
  /** Numbers in the layer's parameters. */
  parameters(layer: L): number;
  /** Numbers a layer of this size has (for refusing a random model too large to write, before building it). */
  parameterCount(hidden: number, input: number): number;
  /** The same layer with every parameter rounded to another format. */
  inFormat(layer: L, round: (x: number) => number): L;
  /** A random layer; `draw` gives each tensor's entries in row-major order, tensors in the table's order. */
  random(hidden: number, input: number, draw: () => number, o: RandomLayerOptions): L;
  readonly torch?: TorchRnnModule<L>;
}

/** The layer type of a cell descriptor. */
export type LayerOf<K> = K extends CellKind<infer L> ? L : never;

type TensorSchemas<T extends readonly TensorField[]> = {
  [F in T[number] as F["key"]]: F extends { cols: Side } ? MatrixSchema : VectorSchema;
};
type LayerSchema<N extends string, C extends z.ZodRawShape, T extends readonly TensorField[]> = z.ZodObject<
  { cell: z.ZodLiteral<N> } & C & TensorSchemas<T>,
  z.core.$strict
>;

/** What a cell's file says; defineCell derives the rest from its tensor table. */
export interface CellDefinition<N extends string, C extends z.ZodRawShape, T extends readonly TensorField[]> {
  readonly name: N;
  readonly about: string;
  /** The fields besides `cell` and the tensors, in file order (at least `hidden`). */
  readonly fields: C;
  readonly tensors: T;
  /** The fields of a random layer besides `cell` and the tensors. */
  randomFields(hidden: number, o: RandomLayerOptions): z.output<z.ZodObject<C>>;
  label?(layer: z.output<LayerSchema<N, C, T>>): string;
  compile(layer: z.output<LayerSchema<N, C, T>>, inputSize: number, arith: Arith): Cell;
  readonly torch?: TorchRnnModule<z.output<LayerSchema<N, C, T>> & LayerBase>;
}

export function defineCell<N extends string, const C extends z.ZodRawShape, const T extends readonly TensorField[]>(
  d: CellDefinition<N, C, T>,
): CellKind<z.output<LayerSchema<N, C, T>> & LayerBase> {
  type L = z.output<LayerSchema<N, C, T>> & LayerBase;
  const tensorFields = Object.fromEntries(
    d.tensors.map((t) => [t.key, (t.cols ? matrix : vector).describe(t.describe)]),
  ) as TensorSchemas<T>;
  const schema = z
    .strictObject({ cell: z.literal(d.name), ...d.fields, ...tensorFields })
    .describe(d.about) as unknown as z.ZodType<L>;
  const at = (layer: L, key: string) => (layer as unknown as Record<string, Matrix | Vector>)[key]!;
  const numbers = (t: Matrix | Vector) =>
    (t as readonly (number | readonly number[])[]).reduce<number>(
      (s, x) => s + (typeof x === "number" ? 1 : x.length),
      0,
    );
  const exact = (n: number): Dim => ({ n, why: "" });
  return {
    name: d.name as L["cell"],
    about: d.about,
    schema,
    tensors: d.tensors,
    label: (layer) => d.label?.(layer) ?? d.name,
    checkShapes(layer, path, sizes, report) {
      for (const t of d.tensors) {
        if (t.cols) checkMatrix(layer[t.key], [...path, t.key], t.rows(sizes), t.cols(sizes), report);
        else checkVector(layer[t.key], [...path, t.key], t.rows(sizes), report);
      }
    },
    compile: (layer, inputSize, arith) => d.compile(layer, inputSize, arith),
    parameters: (layer) => d.tensors.reduce((s, t) => s + numbers(at(layer, t.key)), 0),
    parameterCount(hidden, input) {
      const sizes = { hidden: exact(hidden), input: exact(input) };
      return d.tensors.reduce((s, t) => s + t.rows(sizes)!.n * (t.cols?.(sizes)!.n ?? 1), 0);
    },
    inFormat(layer, round) {
      const out: Record<string, unknown> = { ...layer };
      for (const t of d.tensors) {
        const v = at(layer, t.key);
        out[t.key] = t.cols ? (v as Matrix).map((row) => row.map(round)) : (v as Vector).map(round);
      }
      return out as L;
    },
    random(hidden, input, draw, o) {
      const sizes = { hidden: exact(hidden), input: exact(input) };
      const vec = (n: number) => Array.from({ length: n }, draw);
      const out: Record<string, unknown> = { cell: d.name, ...d.randomFields(hidden, o) };
      for (const t of d.tensors) {
        const rows = t.rows(sizes)!.n;
        out[t.key] = t.cols ? Array.from({ length: rows }, () => vec(t.cols!(sizes)!.n)) : vec(rows);
      }
      return out as L;
    },
    ...(d.torch && { torch: d.torch as TorchRnnModule<L> }),
  };
}
