/**
 * fast-check arbitraries for ccbound's objects, for use in other people's test suites (import "ccbound/arbitraries";
 * fast-check is an optional peer dependency). Models are built from a generated seed by ccbound's own seeded
 * generator, so a failing case replays from fast-check's seed and path exactly.
 */
import fc from "fast-check";
import type { RecurrentModel } from "../models/model.js";
import { CELL_TYPES } from "../models/cells/index.js";
import { compileModel } from "../models/compile.js";
import { randomModel } from "../models/random.js";
import { randomTransformer } from "../models/random-transformer.js";
import type { TransformerModel } from "../models/transformer.js";
import type { CellType, ModelSpec, TransformerModelSpec } from "../models/spec.js";
import type { NumberFormat } from "../numeric/format.js";
import { parseFormat } from "../numeric/parse.js";
import { Rng } from "../random.js";
import type { Task } from "../tasks/task.js";

/** Fixed-point formats fixed:I.F with 1 + I + F = p bits, p in [minBits, maxBits], floor or nearest rounding. */
export function arbitraryFixedFormat(
  constraints: { minBits?: number; maxBits?: number } = {},
): fc.Arbitrary<NumberFormat> {
  const minBits = constraints.minBits ?? 2;
  const maxBits = constraints.maxBits ?? 8;
  return fc
    .integer({ min: minBits, max: maxBits })
    .chain((p) => fc.tuple(fc.constant(p), fc.integer({ min: 0, max: p - 1 }), fc.constantFrom("", ":nearest")))
    .map(([p, i, rounding]) => parseFormat(`fixed:${i}.${p - 1 - i}${rounding}`));
}

/** Any of the IEEE formats. */
export function arbitraryIeeeFormat(): fc.Arbitrary<NumberFormat> {
  return fc.constantFrom("float64", "float32", "float16", "bfloat16").map(parseFormat);
}

export interface RecurrentModelConstraints {
  /** The model's vocabulary and labels fit this task. */
  task: Task;
  /** Default: every registered cell, and DFAs. */
  archs?: readonly (CellType | "dfa")[];
  minHidden?: number;
  maxHidden?: number;
  formats?: fc.Arbitrary<NumberFormat>;
  /** Keep only models whose state has fewer bits than this (for example the task's bound). */
  maxStateBits?: number;
}

/** A model file (plain data) and its compiled model. */
export interface GeneratedModel {
  readonly spec: ModelSpec;
  readonly model: RecurrentModel;
}

/** Random recurrent models of the given architectures, sizes and formats that fit a task. */
export function arbitraryRecurrentModel(c: RecurrentModelConstraints): fc.Arbitrary<GeneratedModel> {
  const archs = c.archs ?? [...CELL_TYPES, "dfa" as const];
  return fc
    .record({
      arch: fc.constantFrom(...archs),
      hidden: fc.integer({ min: c.minHidden ?? 1, max: c.maxHidden ?? 4 }),
      format: c.formats ?? arbitraryFixedFormat(),
      seed: fc.nat({ max: 2 ** 32 - 1 }),
      relu: fc.boolean(),
    })
    .map(({ arch, hidden, format, seed, relu }) => {
      const spec = randomModel({
        arch,
        // A DFA's size is its states; RetNet's heads rotate pairs of key values, so its width must be even.
        hidden: arch === "dfa" ? 2 ** hidden : arch === "retnet" ? 2 * hidden : hidden,
        format: format.name,
        vocab: c.task.vocab,
        labels: c.task.labels,
        seed,
        nonlinearity: relu ? "relu" : "tanh",
      });
      return { spec, model: compileModel(spec) };
    })
    .filter(({ model }) => c.maxStateBits === undefined || model.stateUnits * model.unitBits < c.maxStateBits);
}

export interface TransformerConstraints {
  /** The model's vocabulary, labels and length fit this task. */
  task: Task;
  layers?: number;
  maxWidth?: number;
  maxHeads?: number;
  formats?: fc.Arbitrary<NumberFormat>;
}

/** A Transformer model file and its compiled model. */
export interface GeneratedTransformer {
  readonly spec: TransformerModelSpec;
  readonly model: TransformerModel;
}

/** Random Transformers (one layer unless asked) that fit a task: width d and head width m up to maxWidth, 1..maxHeads heads. */
export function arbitraryTransformer(c: TransformerConstraints): fc.Arbitrary<GeneratedTransformer> {
  return fc
    .record({
      width: fc.integer({ min: 1, max: c.maxWidth ?? 4 }),
      headWidth: fc.integer({ min: 1, max: c.maxWidth ?? 4 }),
      heads: fc.integer({ min: 1, max: c.maxHeads ?? 2 }),
      format: c.formats ?? arbitraryFixedFormat({ minBits: 4, maxBits: 10 }),
      seed: fc.nat({ max: 2 ** 32 - 1 }),
    })
    .map(({ format, ...o }) => {
      const spec = randomTransformer({
        ...o,
        layers: c.layers ?? 1,
        maxLength: c.task.inputLength,
        format: format.name,
        vocab: c.task.vocab,
        labels: c.task.labels,
      });
      return { spec, model: compileModel(spec) };
    });
}

/** Inputs of a task, drawn by the task's own seeded generator. */
export function arbitraryTaskInput(task: Task): fc.Arbitrary<string[]> {
  return fc.nat({ max: 2 ** 32 - 1 }).map((seed) => task.generate(new Rng(seed)));
}
