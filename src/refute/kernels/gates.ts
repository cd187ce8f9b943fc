import { elmanGates } from "../../models/cells/elman.js";
import { gruGates } from "../../models/cells/gru.js";
import { lstmGates } from "../../models/cells/lstm.js";
import type { RecurrentModel } from "../../models/model.js";
import type { ModelSpec, RecurrentLayer, RecurrentModelSpec } from "../../models/spec.js";
import { flatten } from "../../models/tensors.js";
import { arithFor, type Arith } from "../../numeric/arith.js";
import { parseFormat } from "../../numeric/parse.js";

/*
 * What the searches' own steppers (shared-step.ts: many children of one state; batch-step.ts: a block of strings)
 * share: the cells they take, and the cells' own gate functions, so that their states are the model's step's.
 */

/** The cells whose products are separate (input part, hidden part), which the searches' steppers take. */
export const GATED_CELLS: ReadonlySet<string> = new Set(["elman", "lstm", "gru"]);
export type GatedLayer = Extract<RecurrentLayer, { cell: "elman" | "lstm" | "gru" }>;
/** Positions of each sample that a stepper's self-check runs against the model's own step. */
export const CHECKED = 16;

/** A layer's gates from its input part gi and hidden part gh, into the state at `offset` (`pre`: rows of scratch). */
export function layerGates(
  arith: Arith,
  l: { readonly cell: GatedLayer["cell"]; readonly relu: boolean; readonly hidden: number },
  gi: Float64Array,
  gh: Float64Array,
  state: Float64Array,
  offset: number,
  pre: Float64Array,
): void {
  if (l.cell === "lstm") lstmGates(arith, l.hidden, gi, gh, state, offset, pre);
  else if (l.cell === "gru") gruGates(arith, l.hidden, gi, gh, state, offset, pre);
  else elmanGates(arith, l.relu, l.hidden, gi, gh, state, offset);
}

/** Whether the steppers take this model: a stack of those cells whose state is its layers' alone. */
export function gatedStack(spec: ModelSpec | undefined, model: RecurrentModel): spec is RecurrentModelSpec {
  return (
    spec?.arch === "recurrent" &&
    spec.layers.length > 0 &&
    spec.layers.every((l) => GATED_CELLS.has(l.cell)) &&
    model.outputUnits === 0
  );
}

/** A stack's input side as the steppers read it: its arithmetic and rounded (position) embeddings. */
export function stackInputs(spec: RecurrentModelSpec) {
  const arith = arithFor(parseFormat(spec.format));
  const d = spec.embedding[0]?.length ?? 0;
  const embedding = flatten(spec.embedding, spec.vocab.length, d, arith.round);
  const positions =
    spec.positionEmbedding && flatten(spec.positionEmbedding, spec.positionEmbedding.length, d, arith.round);
  const maxLength = spec.positionEmbedding?.length ?? Infinity;
  return { arith, d, embedding, positions, maxLength };
}
