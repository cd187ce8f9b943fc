/**
 * The recurrent cells ccbound knows, one line each. A cell is one file (see docs/architectures.md) and one line here;
 * the file schema, shape checks, compiling, parameter counts, `--format`, `random-model --arch`, describing a model
 * and the PyTorch import and export all read this list.
 */
import type { CellKind, LayerBase, LayerOf } from "./cell.js";
import { elman } from "./elman.js";
import { gru } from "./gru.js";
import { linear } from "./linear.js";
import { lstm } from "./lstm.js";

export const CELLS = [elman, lstm, gru, linear] as const;

/** A layer of any registered cell: the union the `layers` of a recurrent model file hold. */
export type RecurrentLayer = LayerOf<(typeof CELLS)[number]>;
export type CellType = RecurrentLayer["cell"];

export const CELL_TYPES: readonly CellType[] = CELLS.map((c) => c.name);

const byName = new Map<string, CellKind>(CELLS.map((c) => [c.name, c as unknown as CellKind]));

/** The descriptor of a cell by its name, when there is one (a file may name a cell that does not exist). */
export function cellNamed(name: unknown): CellKind | undefined {
  return typeof name === "string" ? byName.get(name) : undefined;
}

/**
 * The descriptor of a layer's cell, typed for that layer. The one cast of the registry: every descriptor in CELLS is
 * the CellKind of the layers whose `cell` is its name, which a lookup by that name cannot lose.
 */
export function cellOf<L extends LayerBase & RecurrentLayer>(layer: L): CellKind<L> {
  return byName.get(layer.cell) as unknown as CellKind<L>;
}
