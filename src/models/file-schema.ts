/**
 * The zod pieces every architecture's part of the model file (version 1) is made of: tensors, sizes, the header,
 * token and label lists, the number format's name. Objects are strict (an unknown key is an error, so a typo such as
 * `weight_hhh` cannot be silently ignored), and field order in a schema is the order ccbound writes the file in.
 */
import * as z from "zod";
import { CcboundError } from "../errors.js";
import { MAX_DIM, MAX_TOKENS } from "../limits.js";
import { parseFormat } from "../numeric/parse.js";
import { asRecord, reporter, type Report } from "./shapes.js";

// zod 4's z.number() already rejects NaN and ±Infinity (JSON.parse turns 1e999 into Infinity).
export const vector = z.array(z.number()).max(MAX_DIM);
export const matrix = z.array(vector).max(MAX_DIM);
/** A matrix with one row per token or per position: up to MAX_TOKENS rows, each at most MAX_DIM wide. */
export const tokenMatrix = z.array(vector).max(MAX_TOKENS);
export const size = z.number().int().min(1).max(MAX_DIM);
export const index = z.number().int().min(0);

export type VectorSchema = typeof vector;
export type MatrixSchema = typeof matrix;

/** Vocab tokens and labels: non-empty lists of distinct strings without white space (`--input` splits on it). */
function nameList(what: string, max: number) {
  return z
    .array(z.string().regex(/^\S+$/, `a ${what} must be non-empty and contain no white space`))
    .min(1)
    .max(max)
    .superRefine((names, ctx) => {
      const first = new Map<string, number>();
      names.forEach((name, i) => {
        const j = first.get(name);
        if (j === undefined) first.set(name, i);
        else
          ctx.addIssue({
            code: "custom",
            path: [i],
            message: `duplicate ${what} ${JSON.stringify(name)} (also at index ${j})`,
          });
      });
    });
}

/** The number format's name; parseFormat (the single authority on names) decides, its error becomes an issue. */
export const formatName = z.string().superRefine((name, ctx) => {
  try {
    parseFormat(name);
  } catch (error) {
    if (!(error instanceof CcboundError)) throw error;
    ctx.addIssue({ code: "custom", message: error.hint ? `${error.message} (${error.hint})` : error.message });
  }
});

/** The fields every model file starts with. */
export const header = {
  ccbound: z.literal("model"),
  version: z.literal(1),
  name: z.string().optional(),
  description: z.string().optional(),
};

/** Every model's input tokens and output labels. */
export const names = { vocab: nameList("token", MAX_TOKENS), labels: nameList("label", MAX_DIM) };

/** The linear head every architecture reads its output with. */
export function linearHead(inputs: string) {
  return z.strictObject({ weight: matrix.describe(`labels x ${inputs}`), bias: vector.describe("labels") });
}

/** Shape checks run even when fields have type errors (`when`), so one pass reports every problem. */
const always = {
  when: (payload: { value: unknown }) => typeof payload.value === "object" && payload.value !== null,
};

/**
 * An architecture's model file: a strict object of these fields, and its shape checks, which read the file as a
 * record (it may have type errors elsewhere: zod reports those) and report each problem with its path.
 */
export function modelFile<const S extends z.ZodRawShape>(
  shape: S,
  checkShapes: (file: Readonly<Record<string, unknown>>, report: Report) => void,
) {
  return z.strictObject(shape).superRefine((value, ctx) => {
    const file = asRecord(value);
    if (file) checkShapes(file, reporter(ctx));
  }, always);
}

/** True when A and B are the same type: a schema's output and the type it stands for must be, both ways. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
