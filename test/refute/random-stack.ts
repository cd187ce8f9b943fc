import { compileModel } from "../../src/models/compile.js";
import type { RecurrentModel } from "../../src/models/model.js";
import { randomModel } from "../../src/models/random.js";
import type { RecurrentModelSpec } from "../../src/models/spec.js";

/** What the stepping tests draw of a random Elman, LSTM or GRU stack (relu and positions: off when absent). */
export interface StackCase {
  readonly arch: "lstm" | "gru" | "elman";
  readonly hidden: number;
  readonly layers: number;
  readonly format: string;
  readonly seed: number;
  readonly relu?: boolean;
  /** Position embeddings for 40 positions. */
  readonly positions?: boolean;
}

/** The case's random stack over the given vocabulary and labels: its file and the model compiled from it. */
export function randomStack(
  c: StackCase,
  vocab: readonly string[],
  labels: readonly string[],
): { spec: RecurrentModelSpec; model: RecurrentModel } {
  const spec = randomModel({
    arch: c.arch,
    hidden: c.hidden,
    layers: c.layers,
    format: c.format,
    vocab: [...vocab],
    labels: [...labels],
    seed: c.seed,
    nonlinearity: c.relu ? "relu" : "tanh",
    ...(c.positions && { positions: 40 }),
  }) as RecurrentModelSpec;
  return { spec, model: compileModel(spec) as RecurrentModel };
}
