/**
 * The Transformer blocks ccbound knows, one line each. A block is one file (see docs/architectures.md) and one line
 * here; the Transformer architecture reads this list for the layer schema, compiling, sizes, `--format`, random
 * models, descriptions and the PyTorch layouts it imports and exports.
 *
 * The first block is the default: its layers carry no `block` field (version-1 files predate it). Every other block's
 * schema starts with `block: z.literal(<its name>)`, and a layer names its kind there.
 */
import * as z from "zod";
import type { BlockKind, BlockLayerOf } from "./block.js";
import { paper } from "./paper.js";

export const BLOCKS = [paper] as const;

/** A layer of any registered block. */
export type TransformerLayer = BlockLayerOf<(typeof BLOCKS)[number]>;

/**
 * The schema of a layer of any of `blocks`: the one block's schema, or a union on `block` in which the default
 * block's layer is the one without the field.
 */
export function layerSchemaOf<L>(blocks: readonly BlockKind<L>[]): z.ZodType<L> {
  const [first, ...others] = blocks;
  if (first === undefined) throw new RangeError("no Transformer block is registered");
  if (others.length === 0) return first.schema;
  const asDefault = (first.schema as unknown as z.ZodObject).extend({ block: z.literal(first.name).optional() });
  const options = [asDefault, ...others.map((b) => b.schema)] as unknown as [z.core.$ZodTypeDiscriminable];
  return z.discriminatedUnion("block", options) as unknown as z.ZodType<L>;
}

/** The block of a layer: the one its `block` field names, or the default. */
export function blockIn<L>(blocks: readonly BlockKind<L>[], layer: object): BlockKind<L> | undefined {
  const name = (layer as { block?: unknown }).block;
  return name === undefined ? blocks[0] : blocks.find((b) => b.name === name);
}

/** The descriptor of a layer's block, typed for that layer (the one cast: a block's layers name it, or default to it). */
export function blockOf(layer: TransformerLayer): BlockKind<TransformerLayer> {
  return blockIn(BLOCKS as readonly BlockKind<TransformerLayer>[], layer)!;
}
