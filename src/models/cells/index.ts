/**
 * The recurrent cells ccbound knows, one line each. A cell is one file (see docs/architectures.md) and one line here;
 * the file schema, shape checks, compiling, parameter counts, `--format`, `random-model --arch`, describing a model
 * and the PyTorch import and export all read this list.
 */
import type { CellKind, LayerBase, LayerOf } from "./cell.js";
import { elman } from "./elman.js";
import { gru } from "./gru.js";
import { linear } from "./linear.js";
import { linearAttention } from "./linear-attention.js";
import { mamba } from "./mamba.js";
import { lstm } from "./lstm.js";
import { retnet } from "./retnet.js";
import { s4d } from "./s4d.js";

/** The lookups of a list of cells (a function of the list, so that a test can register a cell of its own). */
export function cellRegistry<const K extends readonly CellKind<LayerBase>[]>(cells: K) {
  const byName = new Map<string, CellKind>(cells.map((c) => [c.name, c as unknown as CellKind]));
  return {
    CELLS: cells,
    CELL_TYPES: cells.map((c) => c.name) as readonly LayerOf<K[number]>["cell"][],
    /** The descriptor of a cell by its name, when there is one (a file may name a cell that does not exist). */
    cellNamed: (name: unknown): CellKind | undefined => (typeof name === "string" ? byName.get(name) : undefined),
    /**
     * The descriptor of a layer's cell, typed for that layer. The one cast of the registry: every descriptor in the
     * list is the CellKind of the layers whose `cell` is its name, which a lookup by that name cannot lose.
     */
    cellOf: <L extends LayerBase>(layer: L): CellKind<L> => byName.get(layer.cell) as unknown as CellKind<L>,
  };
}

export const { CELLS, CELL_TYPES, cellNamed, cellOf } = cellRegistry([
  elman,
  lstm,
  gru,
  linear,
  mamba,
  linearAttention,
  s4d,
  retnet,
]);

/** A layer of any registered cell: the union the `layers` of a recurrent model file hold. */
export type RecurrentLayer = LayerOf<(typeof CELLS)[number]>;
export type CellType = RecurrentLayer["cell"];
