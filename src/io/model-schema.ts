/**
 * The model file, version 1, as zod schemas: the types of src/models/spec.ts exactly (checked at compile time below),
 * strict objects (an unknown key is an error, so a typo such as `weight_hhh` cannot be silently ignored), and the
 * shape checks of model-shapes.ts. Field order here is the order writeModelFile uses.
 */
import * as z from "zod";
import { CcboundError } from "../errors.js";
import type { ModelSpec } from "../models/spec.js";
import { parseFormat } from "../numeric/parse.js";
import { MAX_DIM } from "./limits.js";
import { checkDfaShapes, checkRecurrentShapes, checkTransformerShapes } from "./model-shapes.js";

// zod 4's z.number() already rejects NaN and ±Infinity (JSON.parse turns 1e999 into Infinity).
const vector = z.array(z.number()).max(MAX_DIM);
const matrix = z.array(vector).max(MAX_DIM);
const size = z.number().int().min(1).max(MAX_DIM);
const index = z.number().int().min(0);

/** Vocab tokens and labels: non-empty lists of distinct strings without white space (`--input` splits on it). */
function nameList(what: string) {
  return z
    .array(z.string().regex(/^\S+$/, `a ${what} must be non-empty and contain no white space`))
    .min(1)
    .max(MAX_DIM)
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
const formatName = z.string().superRefine((name, ctx) => {
  try {
    parseFormat(name);
  } catch (error) {
    if (!(error instanceof CcboundError)) throw error;
    ctx.addIssue({ code: "custom", message: error.hint ? `${error.message} (${error.hint})` : error.message });
  }
});

const header = {
  ccbound: z.literal("model"),
  version: z.literal(1),
  name: z.string().optional(),
  description: z.string().optional(),
};
const names = { vocab: nameList("token"), labels: nameList("label") };

const recurrentWeights = {
  hidden: size,
  weight_ih: matrix.describe("gates*hidden x input; PyTorch gate row order (LSTM i|f|g|o, GRU r|z|n)"),
  weight_hh: matrix.describe("gates*hidden x hidden"),
  bias_ih: vector.describe("gates*hidden"),
  bias_hh: vector.describe("gates*hidden"),
};
export const layerSchema = z.discriminatedUnion("cell", [
  z.strictObject({ cell: z.literal("elman"), nonlinearity: z.enum(["tanh", "relu"]), ...recurrentWeights }),
  z.strictObject({ cell: z.literal("lstm"), ...recurrentWeights }),
  z.strictObject({ cell: z.literal("gru"), ...recurrentWeights }),
  z.strictObject({
    cell: z.literal("linear"),
    hidden: size,
    a: vector.describe("hidden: the diagonal of the state transition"),
    b: matrix.describe("hidden x input"),
    bias: vector.describe("hidden"),
  }),
]);

// The shape checks run even when fields have type errors (`when`), so one pass reports every problem.
const always = { when: (payload: { value: unknown }) => typeof payload.value === "object" && payload.value !== null };

export const recurrentModelSchema = z
  .strictObject({
    ...header,
    arch: z.literal("recurrent"),
    format: formatName.describe('number format name, e.g. "float32", "bfloat16", "fixed:1.2"'),
    ...names,
    embedding: matrix.describe("vocab x d"),
    positionEmbedding: matrix.optional().describe("maxLength x d: added to the token's embedding at each position"),
    layers: z.array(layerSchema).min(1),
    head: z.strictObject({
      weight: matrix.describe("labels x hidden of the last layer"),
      bias: vector.describe("labels"),
    }),
  })
  .superRefine(checkRecurrentShapes, always);

export const dfaModelSchema = z
  .strictObject({
    ...header,
    arch: z.literal("dfa"),
    ...names,
    states: size,
    start: index,
    transitions: z.array(z.array(index).max(MAX_DIM)).max(MAX_DIM).describe("states x vocab: the next state"),
    output: z.array(index).max(MAX_DIM).describe("states: the label index of each state"),
  })
  .superRefine(checkDfaShapes, always);

const layerNorm = z.strictObject({
  weight: vector.describe("d"),
  bias: vector.describe("d"),
  eps: z.number().min(0).describe("added to the variance"),
});

export const transformerLayerSchema = z.strictObject({
  heads: z
    .array(
      z.strictObject({
        query: matrix.describe("m x d: W_Q"),
        key: matrix.describe("m x d: W_K"),
        value: matrix.describe("m x d: W_V"),
      }),
    )
    .min(1)
    .max(MAX_DIM),
  output: matrix.describe("d x (m H): W_O"),
  ffn: z
    .strictObject({
      weight1: matrix.describe("f x d"),
      bias1: vector.describe("f"),
      weight2: matrix.describe("d x f"),
      bias2: vector.describe("d"),
    })
    .nullable()
    .describe("the ReLU feed-forward network, or null for none"),
  norm1: layerNorm.optional().describe("layer norm after the attention residual"),
  norm2: layerNorm.optional().describe("layer norm after the FFN residual"),
});

export const transformerModelSchema = z
  .strictObject({
    ...header,
    arch: z.literal("transformer"),
    format: formatName.describe('number format name, e.g. "float32", "fixed:8.8"'),
    ...names,
    tokenEmbedding: matrix.describe("vocab x d"),
    positionEmbedding: matrix.describe("maxLength x d: one row per position; inputs are at most maxLength tokens"),
    causal: z.boolean().describe("attend only to earlier positions (the last position sees all either way)"),
    layers: z.array(transformerLayerSchema).min(1).max(64),
    head: z.strictObject({ weight: matrix.describe("labels x d"), bias: vector.describe("labels") }),
  })
  .superRefine(checkTransformerShapes, always);

export const modelSchema = z.discriminatedUnion("arch", [recurrentModelSchema, dfaModelSchema, transformerModelSchema]);

// Compile-time proof that the schema and src/models/spec.ts describe the same objects, both ways.
type Parsed = z.output<typeof modelSchema>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesType: Same<Parsed, ModelSpec> = true;
void schemaMatchesType;
