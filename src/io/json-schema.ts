/**
 * JSON Schema files for the two file formats, generated from the zod schemas so they cannot drift
 * (scripts/gen-schema.ts writes them; test/io/json-schema.test.ts checks the committed files equal these).
 * A JSON Schema carries only the types: the shape checks are refinements, which it cannot express.
 */
import * as z from "zod";
import { certificateSchema } from "./certificate.js";
import { modelSchema } from "./model-schema.js";
import { prettyJson } from "./pretty-json.js";

const SHAPES_NOTE =
  "This schema checks types only; shape checks (matrix sizes, ranges, unique names, number format names) are done by ccbound.";

/** File path (relative to the package root) -> file content. */
export function schemaFiles(): Record<string, string> {
  return {
    "schema/model.schema.json": render(
      modelSchema,
      "ccbound model file, version 1",
      `A model for ccbound (docs/model-format.md). ${SHAPES_NOTE}`,
    ),
    "schema/certificate.schema.json": render(
      certificateSchema,
      "ccbound certificate, version 2",
      `An input on which a model is wrong, re-checked by \`ccbound verify\`. ${SHAPES_NOTE}`,
    ),
  };
}

function render(schema: z.ZodType, title: string, description: string): string {
  const { $schema, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input" });
  return `${prettyJson({ $schema, title, description, ...rest })}\n`;
}
