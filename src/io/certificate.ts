/**
 * The certificate file: an input on which a model is wrong, with what is needed to re-check it by one forward pass.
 * Validation here is about the file (types, hex, sizes); whether the model is really wrong is `ccbound verify`'s job,
 * which trusts nothing written here.
 */
import * as z from "zod";
import { writeFileAtomic } from "./atomic-write.js";
import { parseJsonText } from "./json-text.js";
import { prettyJson } from "./pretty-json.js";
import { readTextFile } from "./read-file.js";
import { validateFile, type ValidationContext } from "./validate.js";
import type { Certificate } from "../refute/certificate.js";

// The type lives in the core (src/refute/certificate.ts); this file only reads and writes it.
export type { Certificate };

const nonEmpty = z.string().min(1);
const count = z.number().int().min(0);
const tokens = z.array(z.string());

const collisionSchema = z
  .strictObject({
    cut: count.optional().describe("Theorem 2: Alice holds the tokens before the cut; the inputs share Bob's part"),
    split: z
      .string()
      .regex(/^(\d+|odd-even)$/, 'must be a cut point K or "odd-even"')
      .optional()
      .describe("Theorem 4: the split of the two colliding fooling-set elements"),
    inputs: z.tuple([tokens, tokens]),
    transcriptBits: count,
    transcriptHex: z.string().regex(/^[0-9a-f]*$/, "must be lowercase hex digits"),
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
    if ((c.cut === undefined) === (c.split === undefined))
      ctx.addIssue({ code: "custom", path: [], message: "a collision names either a cut or a split" });
    const shortest = Math.min(c.inputs[0].length, c.inputs[1].length);
    if (c.cut !== undefined && c.cut > shortest)
      ctx.addIssue({
        code: "custom",
        path: ["cut"],
        message: `cut ${c.cut} is beyond the end of an input (length ${shortest})`,
      });
  });

/** Field order is the order of the written file. */
export const certificateSchema = z.strictObject({
  ccbound: z.literal("certificate"),
  version: z.literal(1),
  tool: z.strictObject({ name: z.literal("ccbound"), version: nonEmpty }),
  model: z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be a SHA-256: 64 lowercase hex digits") }),
  task: z.strictObject({
    name: nonEmpty,
    n: z.number().int().min(1),
    params: z.record(z.string(), z.union([z.number(), z.string()])),
  }),
  theorem: nonEmpty,
  input: tokens,
  expected: z.string(),
  answer: z.string(),
  collision: collisionSchema.optional(),
  search: z.strictObject({ strategy: nonEmpty, seed: z.number().int(), runs: count }),
  replay: nonEmpty,
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
  return validateCertificate(parseJsonText(text, where), where);
}

export function readCertificateFile(path: string): Certificate {
  return parseCertificateJson(readTextFile(path), path);
}

/** Validates, then writes atomically: keys in the documented order (params sorted), two-space JSON, final newline. */
export function writeCertificate(path: string, cert: Certificate): void {
  const valid = validateCertificate(cert, path); // zod's output has the schema's key order
  const params = Object.fromEntries(Object.entries(valid.task.params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  writeFileAtomic(path, `${prettyJson({ ...valid, task: { ...valid.task, params } })}\n`);
}
