/**
 * `eval --expect FILE`: the model ccbound read, run on the reference file's inputs, against the logits the framework
 * computed (src/io/expect-file.ts). A layout ccbound misreads without a word (a head on the mean of the outputs saves
 * the same tensors as a head on the last step; so does attention scaled by 1/sqrt(d)) computes other logits, and the
 * largest difference says so.
 */
import { fail } from "../errors.js";
import { checkAgainstModel, inputWhere, type ExpectFile } from "../io/expect-file.js";
import type { Model } from "../models/compile.js";
import { argmax, feed } from "../models/model.js";
import { CcboundError } from "../errors.js";

/**
 * The default tolerance on the largest absolute difference, by the number format the model runs in. PyTorch's CPU
 * kernels add a dot product's terms in another order than ccbound's one-at-a-time order (blocked, vectorised), so
 * its logits differ from ccbound's by a few units in the last place of each operation; ccbound's fixtures measured at
 * most 1.2e-7 in float32 and 1.2e-16 in float64 (docs/pytorch.md). The defaults are 80 and 8000 times that, room for
 * larger models, while a misread layout moves logits by far more (0.01 to 0.1 on the fixture's inputs). PyTorch does not
 * compute in fixed point, and its float16 and bfloat16 kernels may accumulate in float32 where ccbound rounds every
 * operation to the format, so for those formats there
 * is no default: --tolerance says what to accept.
 */
export const DEFAULT_TOLERANCE: Readonly<Record<string, number>> = { float32: 1e-5, float64: 1e-12 };

export interface InputComparison {
  /** 0-based, as the file's JSON pointer /inputs/i. */
  readonly index: number;
  readonly tokens: number;
  /** Largest |ccbound - reference| over the input's logits (Infinity when one is finite and the other is not). */
  readonly maxAbs: number;
  /** The label where maxAbs is. */
  readonly at: string;
  /** Largest |ccbound - reference| / |reference| over the logits whose reference is finite and not zero. */
  readonly maxRel: number;
  readonly output: string;
  readonly expectedOutput: string;
  readonly logits: readonly number[];
}

export interface ExpectReport {
  readonly inputs: readonly InputComparison[];
  readonly maxAbs: number;
  /** The input (0-based) and label of the largest absolute difference. */
  readonly worst: { readonly index: number; readonly label: string };
  readonly maxRel: number;
  readonly tolerance: number;
  /** Where the tolerance came from: "--tolerance" or "float32's default". */
  readonly toleranceFrom: string;
  readonly within: boolean;
  /** Inputs on which ccbound's answer (the largest logit) differs from the reference's. */
  readonly answersDiffer: number;
}

/** The tolerance for this model: the flag's, or its format's default; a format with no default needs the flag. */
export function toleranceFor(model: Model, flag: number | undefined): { tolerance: number; from: string } {
  if (flag !== undefined) return { tolerance: flag, from: "--tolerance" };
  const d = DEFAULT_TOLERANCE[model.formatName];
  if (d === undefined)
    fail(
      "invalid-flag",
      `the model runs in ${model.formatName}, for which --expect has no default tolerance (PyTorch does not compute in it as ccbound does)`,
      "--tolerance",
      "give --tolerance T, the largest absolute difference to accept",
    );
  return { tolerance: d, from: `${model.formatName}'s default` };
}

/** Runs the model on every input of the file and compares its logits with the file's. */
export function compareExpected(model: Model, file: ExpectFile, tolerance: number, from: string): ExpectReport {
  const ids = checkAgainstModel(file, model);
  const inputs = ids.map((x, i) => compareOne(model, file, i, x));
  let worst = 0;
  for (let i = 1; i < inputs.length; i++) if (inputs[i]!.maxAbs > inputs[worst]!.maxAbs) worst = i;
  const maxAbs = inputs[worst]!.maxAbs;
  return {
    inputs,
    maxAbs,
    worst: { index: worst, label: inputs[worst]!.at },
    maxRel: Math.max(...inputs.map((c) => c.maxRel)),
    tolerance,
    toleranceFrom: from,
    within: maxAbs <= tolerance,
    answersDiffer: inputs.filter((c) => c.output !== c.expectedOutput).length,
  };
}

function compareOne(model: Model, file: ExpectFile, i: number, ids: Int32Array): InputComparison {
  let logits: Float64Array;
  try {
    logits = Float64Array.from(
      model.kind === "transformer" ? model.logits(ids) : model.logits(feed(model, model.newState(), ids)),
    );
  } catch (e) {
    // an input the model cannot take (longer than its position embeddings): one line with the input's path
    if (e instanceof CcboundError) throw new CcboundError(e.code, e.message, inputWhere(file, i), e.hint);
    throw e;
  }
  const expected = file.rows[i]!.logits;
  let maxAbs = 0;
  let at = 0;
  let maxRel = 0;
  for (let j = 0; j < expected.length; j++) {
    const d = difference(logits[j]!, expected[j]!);
    if (d > maxAbs) {
      maxAbs = d;
      at = j;
    }
    const e = expected[j]!;
    if (Number.isFinite(e) && e !== 0) maxRel = Math.max(maxRel, d / Math.abs(e));
  }
  return {
    index: i,
    tokens: ids.length,
    maxAbs,
    at: model.labels[at]!,
    maxRel,
    output: model.labels[argmax(logits)]!,
    expectedOutput: model.labels[argmax(expected)]!,
    logits: Array.from(logits),
  };
}

/** |a - b|, with NaN equal to NaN and an infinity equal to itself; a finite value against a non-finite one: Infinity. */
function difference(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  return Math.abs(a - b);
}

/** A difference for people: 3 significant digits. */
export function diffText(v: number): string {
  return v === 0 ? "0" : Number.isFinite(v) ? v.toPrecision(3) : String(v);
}
