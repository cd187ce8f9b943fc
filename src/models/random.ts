import { parseFormat } from "../numeric/parse.js";
import { Rng } from "../random.js";
import type { CellType, DfaModelSpec, Matrix, RecurrentLayer, RecurrentModelSpec, Vector } from "./spec.js";

export interface RandomModelOptions {
  arch: CellType | "dfa";
  /** Hidden units per layer; for a DFA, the number of states. */
  hidden: number;
  /** Number format name (ignored for a DFA). */
  format: string;
  vocab: readonly string[];
  labels: readonly string[];
  seed: number;
  layers?: number;
  /** Embedding width; defaults to the hidden size. */
  embed?: number;
  nonlinearity?: "tanh" | "relu";
  /** Random position embeddings for this many positions (drawn after everything else, so other weights keep the seed's values). */
  positions?: number;
}

/**
 * A random model file: weights uniform in [-k, k] with PyTorch's k = 1/sqrt(hidden), then rounded to the format so
 * the file holds exactly the values the model computes with. Same options and seed, same file.
 */
export function randomModel(o: RandomModelOptions): RecurrentModelSpec | DfaModelSpec {
  const rng = new Rng(o.seed);
  const header = {
    ccbound: "model" as const,
    version: 1 as const,
    name: `random ${o.arch} hidden=${o.hidden}${o.arch === "dfa" ? "" : ` ${o.format}`} seed=${o.seed}`,
    vocab: [...o.vocab],
    labels: [...o.labels],
  };
  if (o.arch === "dfa") return randomDfa(header, o.hidden, rng);
  const round = parseFormat(o.format).round;
  const k = 1 / Math.sqrt(o.hidden);
  const uniform = () => round((2 * rng.float() - 1) * k);
  const vec = (n: number): Vector => Array.from({ length: n }, uniform);
  const mat = (r: number, c: number): Matrix => Array.from({ length: r }, () => vec(c));
  const d = o.embed ?? o.hidden;
  const layers: RecurrentLayer[] = [];
  let input = d;
  for (let l = 0; l < (o.layers ?? 1); l++) {
    layers.push(randomLayer(o.arch, o.hidden, input, mat, vec, o.nonlinearity ?? "tanh"));
    input = o.hidden;
  }
  const spec: RecurrentModelSpec = {
    ...header,
    arch: "recurrent",
    format: parseFormat(o.format).name,
    embedding: Array.from({ length: o.vocab.length }, () =>
      Array.from({ length: d }, () => round(2 * rng.float() - 1)),
    ),
    layers,
    head: { weight: mat(o.labels.length, o.hidden), bias: vec(o.labels.length) },
  };
  if (o.positions !== undefined)
    spec.positionEmbedding = Array.from({ length: o.positions }, () =>
      Array.from({ length: d }, () => round(2 * rng.float() - 1)),
    );
  return spec;
}

function randomLayer(
  cell: CellType,
  hidden: number,
  input: number,
  mat: (r: number, c: number) => Matrix,
  vec: (n: number) => Vector,
  nonlinearity: "tanh" | "relu",
): RecurrentLayer {
  switch (cell) {
    case "linear":
      return { cell, hidden, a: vec(hidden), b: mat(hidden, input), bias: vec(hidden) };
    case "elman":
      return { cell, nonlinearity, hidden, ...gateWeights(1, hidden, input, mat, vec) };
    case "lstm":
      return { cell, hidden, ...gateWeights(4, hidden, input, mat, vec) };
    case "gru":
      return { cell, hidden, ...gateWeights(3, hidden, input, mat, vec) };
  }
}

function gateWeights(
  g: number,
  hidden: number,
  input: number,
  mat: (r: number, c: number) => Matrix,
  vec: (n: number) => Vector,
) {
  return {
    weight_ih: mat(g * hidden, input),
    weight_hh: mat(g * hidden, hidden),
    bias_ih: vec(g * hidden),
    bias_hh: vec(g * hidden),
  };
}

function randomDfa(
  header: Omit<DfaModelSpec, "arch" | "states" | "start" | "transitions" | "output">,
  states: number,
  rng: Rng,
): DfaModelSpec {
  return {
    ...header,
    arch: "dfa",
    states,
    start: 0,
    transitions: Array.from({ length: states }, () =>
      Array.from({ length: header.vocab.length }, () => rng.int(states)),
    ),
    output: Array.from({ length: states }, () => rng.int(header.labels.length)),
  };
}
