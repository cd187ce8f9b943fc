/**
 * The Transformer blocks ccbound knows, one line each. A block is one file (see docs/architectures.md) and one line
 * here; the Transformer architecture reads this list for the layer schema, compiling, sizes, `--format`, random
 * models, descriptions and the PyTorch layouts it imports and exports.
 *
 * The first block is the default: its layers carry no `block` field (version-1 files predate it). Every other block's
 * schema has `block: z.literal(<its name>)`, and a layer names its kind there.
 */
import * as z from "zod";
import type { BlockKind, BlockLayerOf } from "./block.js";
import { gpt2 } from "./gpt2.js";
import { paper } from "./paper.js";
import { torchEncoder } from "./torch-encoder.js";

/** The lookups of a list of blocks (a function of the list, so that a test can register a block of its own). */
export function blockRegistry<const K extends readonly BlockKind<object>[]>(blocks: K) {
  type L = BlockLayerOf<K[number]>;
  const kinds = blocks as unknown as readonly BlockKind<L>[];
  const [first, ...others] = kinds;
  if (first === undefined) throw new RangeError("no Transformer block is registered");
  /** The block of a layer, or of a record that may be one: the one its `block` field names, or the default. */
  const blockIn = (layer: object): BlockKind<L> | undefined => {
    const name = (layer as { block?: unknown }).block;
    return name === undefined ? first : kinds.find((b) => b.name === name);
  };
  return {
    BLOCKS: blocks,
    blockIn,
    /** The descriptor of a layer's block, typed for that layer (a block's layers name it, or default to it). */
    blockOf: (layer: L): BlockKind<L> => blockIn(layer as object)!,
    /**
     * The schema of a layer of any block: the one block's schema, or a union on `block` in which the default block's
     * layer is the one without the field.
     */
    layerSchema:
      others.length === 0
        ? first.schema
        : (z.discriminatedUnion("block", [
            (first.schema as unknown as z.ZodObject).extend({ block: z.literal(first.name).optional() }),
            ...others.map((b) => b.schema),
          ] as unknown as [z.core.$ZodTypeDiscriminable]) as unknown as z.ZodType<L>),
  };
}

export const { BLOCKS, blockIn, blockOf, layerSchema } = blockRegistry([paper, gpt2, torchEncoder]);

/** A layer of any registered block. */
export type TransformerLayer = BlockLayerOf<(typeof BLOCKS)[number]>;
