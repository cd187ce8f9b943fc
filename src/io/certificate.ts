/**
 * The certificate file: an input on which a model is wrong, with what is needed to re-check it by one forward pass.
 * Validation here is about the file (types, hex, sizes); whether the model is really wrong is `ccbound verify`'s job,
 * which trusts nothing written here.
 */
import * as z from "zod";
import { FEED_NAMES } from "../refute/portfolio/feed.js";
import { writeFileAtomic } from "./atomic-write.js";
import { parseJsonText, readJsonFile } from "./json-text.js";
import { CERTIFICATE_JSON_LIMITS } from "./limits.js";
import { prettyJson } from "./pretty-json.js";
import { validateFile, type ValidationContext } from "./validate.js";
import type { Certificate } from "../refute/certificate.js";

// The type lives in the core (src/refute/certificate.ts); this file only reads and writes it.
export type { Certificate };

const nonEmpty = z.string().min(1);
const count = z.number().int().min(0);
const tokens = z.array(z.string());

const collisionSchema = z
  .strictObject({
    split: z
      .string()
      .regex(
        /^(\d+|\d+x\d+|odd-even|pairs|end)$/,
        'must be a cut point K, KxC (the cut K of C copies), "odd-even", "pairs" or "end"',
      )
      .describe(
        "where Alice's part ends: a cut K (she holds the first K tokens), KxC (the cut K of each of C copies of a multi-pass input), odd-even, pairs (the symbols of induction heads' pairs), or end (a state repeat: the full state after the last token)",
      ),
    inputs: z.tuple([tokens, tokens]).describe("two inputs on which the protocol at the split sends one transcript"),
    transcriptBits: count,
    transcriptHex: z.string().regex(/^[0-9a-f]*$/, "must be lowercase hex digits"),
    period: z
      .strictObject({ prefix: tokens, start: count, length: z.number().int().min(1) })
      .optional()
      .describe(
        "a state repeat's orbit: the states of prefix 1^t first repeat at t = start with least period length; the inputs are prefix 1^t and prefix 1^(t+length), t >= start",
      ),
  })
  .superRefine((c, ctx) => {
    // The hex must be exactly the transcript: ceil(bits/4) digits, and no bit set above the top one.
    const digits = Math.ceil(c.transcriptBits / 4);
    const spare = digits * 4 - c.transcriptBits;
    const top = parseInt(c.transcriptHex.charAt(0) || "0", 16);
    if (c.transcriptHex.length !== digits) {
      ctx.addIssue({
        code: "custom",
        path: ["transcriptHex"],
        message: `has ${c.transcriptHex.length} hex digits, expected ${digits} for ${c.transcriptBits} bits`,
      });
    } else if (top >= 2 ** (4 - spare)) {
      ctx.addIssue({ code: "custom", path: ["transcriptHex"], message: `is more than ${c.transcriptBits} bits long` });
    }
  });

/** Field order is the order of the written file. */
export const certificateSchema = z
  .strictObject({
    ccbound: z.literal("certificate"),
    version: z.literal(
      2,
      "must be 2 (a version 1 certificate may cite a bound that does not apply: re-run ccbound check)",
    ),
    tool: z.strictObject({ name: z.literal("ccbound"), version: nonEmpty }),
    kind: z.enum(["collision", "wrong-answer"]),
    model: z.strictObject({
      sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be a SHA-256: 64 lowercase hex digits"),
      format: nonEmpty.describe("the number format the model ran in"),
    }),
    task: z.strictObject({
      name: nonEmpty,
      n: z.number().int().min(1),
      params: z.record(z.string(), z.number()),
    }),
    theorem: nonEmpty
      .nullable()
      .describe("the registry id of the bound a collision's argument runs; null for a wrong answer"),
    input: tokens,
    expected: z.string(),
    answer: z.string(),
    nonFinite: z
      .record(z.string(), z.enum(["NaN", "Infinity", "-Infinity"]))
      .optional()
      .describe("the labels whose logits on the input are not finite (the forward pass overflowed)"),
    collision: collisionSchema.optional(),
    search: z.strictObject({
      feed: z.enum(FEED_NAMES),
      strategy: nonEmpty,
      seed: z.number().int(),
      budget: z.number().int().min(1),
      runs: count,
    }),
    replay: nonEmpty,
  })
  .superRefine((c, ctx) => {
    // The kind says what the rest must hold: a collision cites a theorem and records the pair; a wrong answer neither.
    if (c.kind === "collision" && (c.theorem === null || c.collision === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["kind"],
        message: "a collision certificate names a theorem and records the collision",
      });
    }
    if (c.kind === "wrong-answer" && (c.theorem !== null || c.collision !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["kind"],
        message: "a wrong-answer certificate cites no theorem and records no collision",
      });
    }
  });

// Compile-time proof that the schema and the interface agree, both ways.
type Parsed = z.output<typeof certificateSchema>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesType: Same<Parsed, Certificate> = true;
void schemaMatchesType;

function context(where: string): ValidationContext {
  return { code: "invalid-certificate", where, what: "invalid certificate" };
}

export function validateCertificate(value: unknown, where: string): Certificate {
  return validateFile(certificateSchema, "certificate", value, context(where));
}

export function parseCertificateJson(text: string, where: string): Certificate {
  return validateCertificate(parseJsonText(text, where, CERTIFICATE_JSON_LIMITS), where);
}

/** A certificate file: a regular file, its limits enforced while it is read (src/io/limits.ts). */
export function readCertificateFile(path: string): Certificate {
  return validateCertificate(readJsonFile(path, CERTIFICATE_JSON_LIMITS), path);
}

/** Validates, then writes atomically: keys in the documented order (params sorted), two-space JSON, final newline. */
export function writeCertificate(path: string, cert: Certificate): void {
  const valid = validateCertificate(cert, path); // zod's output has the schema's key order
  const params = Object.fromEntries(Object.entries(valid.task.params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  writeFileAtomic(path, `${prettyJson({ ...valid, task: { ...valid.task, params } })}\n`);
}
