import { elmanGates } from "../../models/cells/elman.js";
import { gruGates } from "../../models/cells/gru.js";
import { lstmGates } from "../../models/cells/lstm.js";
import type { RecurrentLayer } from "../../models/spec.js";
import type { Arith } from "../../numeric/arith.js";

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
