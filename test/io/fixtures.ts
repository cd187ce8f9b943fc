/** Small valid model files, built fresh on each call so a test can break one field without affecting others. */
import type {
  DfaModelSpec,
  ModelSpec,
  RecurrentLayer,
  RecurrentModelSpec,
  TransformerModelSpec,
} from "../../src/models/spec.js";

/** A deterministic rows x cols matrix with distinct small entries (exact in every format). */
export function fill(rows: number, cols: number, offset = 0): number[][] {
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => ((offset + r * cols + c) % 7) / 8 - 0.375),
  );
}

export function vec(n: number, offset = 0): number[] {
  return fill(1, n, offset)[0] ?? [];
}

function recurrent(layers: RecurrentLayer[], d = 2): RecurrentModelSpec {
  const last = layers.at(-1)?.hidden ?? d;
  return {
    ccbound: "model",
    version: 1,
    name: "fixture",
    arch: "recurrent",
    format: "float32",
    vocab: ["0", "1"],
    labels: ["no", "yes"],
    embedding: fill(2, d),
    layers,
    head: { weight: fill(2, last, 3), bias: vec(2, 5) },
  };
}

function gated(cell: "lstm" | "gru", gates: number, hidden: number, input: number): RecurrentLayer {
  return {
    cell,
    hidden,
    weight_ih: fill(gates * hidden, input),
    weight_hh: fill(gates * hidden, hidden, 1),
    bias_ih: vec(gates * hidden, 2),
    bias_hh: vec(gates * hidden, 3),
  };
}

export function elmanModel(): RecurrentModelSpec {
  return recurrent([
    {
      cell: "elman",
      nonlinearity: "tanh",
      hidden: 3,
      weight_ih: fill(3, 2),
      weight_hh: fill(3, 3, 1),
      bias_ih: vec(3, 2),
      bias_hh: vec(3, 3),
    },
  ]);
}

export function lstmModel(): RecurrentModelSpec {
  return recurrent([gated("lstm", 4, 2, 2)]);
}

export function gruModel(): RecurrentModelSpec {
  return recurrent([gated("gru", 3, 2, 2)]);
}

export function linearModel(): RecurrentModelSpec {
  return recurrent([{ cell: "linear", hidden: 2, a: vec(2), b: fill(2, 2, 1), bias: vec(2, 2) }]);
}

/** Two layers: the second layer's input width is the first layer's hidden (2), not d (3). */
export function stackedModel(): RecurrentModelSpec {
  return recurrent([gated("lstm", 4, 2, 3), gated("gru", 3, 4, 2)], 3);
}

/** Parity of the number of 1s. */
export function dfaModel(): DfaModelSpec {
  return {
    ccbound: "model",
    version: 1,
    arch: "dfa",
    vocab: ["0", "1"],
    labels: ["even", "odd"],
    states: 2,
    start: 0,
    transitions: [
      [0, 1],
      [1, 0],
    ],
    output: [0, 1],
  };
}

/** A recurrent model with position embeddings (3 positions). */
export function positionalModel(): RecurrentModelSpec {
  return { ...elmanModel(), positionEmbedding: fill(3, 2, 4) };
}

/** One layer, two heads of width 2, an FFN of width 3, layer norm after the attention residual; d = 2, 4 positions. */
export function transformerModel(): TransformerModelSpec {
  return {
    ccbound: "model",
    version: 1,
    name: "fixture",
    arch: "transformer",
    format: "fixed:3.4",
    vocab: ["0", "1", "2"],
    labels: ["no", "yes"],
    tokenEmbedding: fill(3, 2),
    positionEmbedding: fill(4, 2, 1),
    causal: true,
    layers: [
      {
        heads: [0, 1].map((h) => ({ query: fill(2, 2, h), key: fill(2, 2, h + 1), value: fill(2, 2, h + 2) })),
        output: fill(2, 4, 3),
        ffn: { weight1: fill(3, 2, 4), bias1: vec(3), weight2: fill(2, 3, 5), bias2: vec(2, 1) },
        norm1: { weight: [1, 1], bias: [0, 0], eps: 0.0625 },
      },
    ],
    head: { weight: fill(2, 2, 6), bias: vec(2, 2) },
  };
}

export const ALL_MODELS: Record<string, () => ModelSpec> = {
  elman: elmanModel,
  lstm: lstmModel,
  gru: gruModel,
  linear: linearModel,
  stacked: stackedModel,
  dfa: dfaModel,
  positional: positionalModel,
  transformer: transformerModel,
};

/** A copy of a plain JSON value, to be broken freely. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
