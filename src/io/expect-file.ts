/**
 * Reference logits for `ccbound eval --expect FILE` (docs/pytorch.md): the logits a framework (PyTorch) computed for a
 * list of inputs, so that ccbound can show that it reads the model the framework ran. The file, version 1:
 *
 *   { "inputs": [[3, 1, 4], "0 1 @2"], "logits": [[0.12, -0.5], [0.3, 0.1]] }
 *
 * - `inputs`: each a non-empty list of token ids (indices into the model's vocabulary, as a PyTorch Embedding reads
 *   them) or a string of the model's tokens separated by spaces, as `--input` takes them;
 * - `logits`: one row per input, one number per output of the model's head; a logit that is not finite is written as
 *   the string "NaN", "Infinity" or "-Infinity" (JSON has no literal for them; Python's json.dump writes bare NaN,
 *   which is not JSON and is refused as malformed: pass allow_nan=False and convert them);
 * - optional: `"ccbound": "expected-logits"`, `"version": 1`, and `source`, a free text (the framework's version).
 *
 * Nothing in it is trusted: the file is read through the bounded JSON reader (EXPECT_JSON_LIMITS), the schema refuses
 * unknown fields, and the inputs are held to MAX_EXPECT_INPUTS and MAX_EXPECT_TOKENS in all before anything runs.
 * Whether the ids and rows fit the model is checked against the model (checkAgainstModel), each with its path.
 */
import * as z from "zod";
import { CcboundError, fail } from "../errors.js";
import { readJsonFile } from "./json-text.js";
import { checkValueCount, EXPECT_JSON_LIMITS, MAX_EXPECT_INPUTS, MAX_EXPECT_TOKENS } from "./limits.js";
import { validateWith } from "./validate.js";

const nonFinite = z.enum(["NaN", "Infinity", "-Infinity"]);
const logit = z.union([z.number(), nonFinite]);

export const expectSchema = z
  .strictObject({
    ccbound: z.literal("expected-logits").optional(),
    version: z.literal(1).optional(),
    source: z.string().max(1024).optional().describe("where the logits came from, for people: torch 2.1.0"),
    inputs: z
      .array(
        z.union([
          z.array(z.number().int().min(0)).min(1, "an input has at least one token"),
          z.string().regex(/\S/, "an input has at least one token"),
        ]),
      )
      .min(1)
      .max(MAX_EXPECT_INPUTS),
    logits: z.array(z.array(logit).min(1)).max(MAX_EXPECT_INPUTS),
  })
  .superRefine((f, ctx) => {
    if (f.logits.length !== f.inputs.length)
      ctx.addIssue({
        code: "custom",
        path: ["logits"],
        message: `has ${f.logits.length} rows for ${f.inputs.length} inputs: one row of logits per input`,
      });
    const tokens = f.inputs.reduce((s, x) => s + (typeof x === "string" ? x.length : x.length), 0);
    if (tokens > MAX_EXPECT_TOKENS)
      ctx.addIssue({
        code: "custom",
        path: ["inputs"],
        message: `hold more than ${MAX_EXPECT_TOKENS} tokens in all, the limit of an expected-logits file`,
      });
  });

/** One input: its tokens or ids as given, and the reference logits (non-finite values as numbers). */
export interface ExpectedRow {
  readonly input: readonly number[] | string;
  readonly logits: Float64Array;
}

export interface ExpectFile {
  readonly path: string;
  readonly source?: string;
  readonly rows: readonly ExpectedRow[];
}

const NON_FINITE = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity } as const;

/** Reads an expected-logits file: a regular file within EXPECT_JSON_LIMITS, then the schema, every issue with its path. */
export function readExpectFile(path: string): ExpectFile {
  const value = readJsonFile(path, EXPECT_JSON_LIMITS);
  checkValueCount(value, path, EXPECT_JSON_LIMITS);
  const file = validateWith(expectSchema, value, {
    code: "invalid-input",
    where: path,
    what: "invalid expected-logits file",
    hint: 'expected {"inputs": [[ids...], ...], "logits": [[...], ...]}: see docs/pytorch.md',
  });
  return {
    path,
    ...(file.source !== undefined && { source: file.source }),
    rows: file.inputs.map((input, i) => ({
      input,
      logits: Float64Array.from(file.logits[i]!, (v) => (typeof v === "number" ? v : NON_FINITE[v])),
    })),
  };
}

/** Where an input of the file is, for messages: "m.expect.json: /inputs/3". */
export function inputWhere(file: ExpectFile, i: number): string {
  return `${file.path}: /inputs/${i}`;
}

/**
 * The file against the model: each row has one logit per output of the head, each id is in the vocabulary, each
 * token of a string input is one of the model's. The first problem is one line with its path (exit 2).
 */
export function checkAgainstModel(
  file: ExpectFile,
  model: { readonly vocab: readonly string[]; readonly labels: readonly string[] },
): Int32Array[] {
  const tokenId = new Map(model.vocab.map((t, i) => [t, i] as const));
  return file.rows.map((row, i) => {
    if (row.logits.length !== model.labels.length)
      fail(
        "invalid-input",
        `has ${row.logits.length} logits, and the model's head has ${model.labels.length} outputs`,
        `${file.path}: /logits/${i}`,
      );
    if (typeof row.input === "string") {
      const tokens = row.input.split(/\s+/).filter((t) => t.length > 0);
      return Int32Array.from(tokens, (t, j) => {
        const id = tokenId.get(t);
        if (id === undefined)
          throw new CcboundError(
            "invalid-input",
            `token ${j + 1}, "${t}", is not in the model's vocabulary`,
            inputWhere(file, i),
          );
        return id;
      });
    }
    return Int32Array.from(row.input, (id, j) => {
      if (id >= model.vocab.length)
        fail(
          "invalid-input",
          `token id ${id} is not below the model's vocabulary size ${model.vocab.length}`,
          `${file.path}: /inputs/${i}/${j}`,
        );
      return id;
    });
  });
}
