/**
 * The architectures ccbound knows, one line each: the values of a model file's `arch`. An architecture is one file
 * (see docs/architectures.md) and one line here; the model file schema, compiling, `--format`, describing a model
 * and `random-model --arch` read this list.
 */
import * as z from "zod";
import type { ArchKind, RandomKind, SpecOf } from "./arch.js";
import { dfa } from "./dfa.js";
import { recurrent } from "./recurrent.js";
import { transformer } from "./transformer.js";

export const ARCHS = [recurrent, dfa, transformer] as const;

/** A model file of any registered architecture. */
export type ModelSpec = SpecOf<(typeof ARCHS)[number]>;
export type Arch = ModelSpec["arch"];

type AnyArch = ArchKind<ModelSpec>;

/**
 * The descriptor of a model's architecture, typed for that model. The one cast of the registry: every descriptor in
 * ARCHS is the ArchKind of the files whose `arch` is its name.
 */
export function archOf<S extends ModelSpec>(spec: S): ArchKind<S> {
  return ARCHS.find((a) => a.name === spec.arch) as unknown as ArchKind<S>;
}

/** The model file, version 1: one strict object per architecture, told apart by `arch`. */
export const modelSchema = z.discriminatedUnion(
  "arch",
  ARCHS.map((a) => a.schema) as unknown as [z.ZodType<ModelSpec> & z.core.$ZodTypeDiscriminable],
) as unknown as z.ZodType<ModelSpec>;

/** Every name `random-model --arch` takes, each with its architecture. */
export const RANDOM_KINDS: readonly (RandomKind & { readonly arch: AnyArch })[] = ARCHS.flatMap((a) =>
  a.randomKinds.map((k) => ({ ...k, arch: a as unknown as AnyArch })),
);
