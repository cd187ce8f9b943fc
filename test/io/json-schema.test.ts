import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { schemaFiles } from "../../src/io/json-schema.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

describe("JSON Schema files", () => {
  for (const [file, content] of Object.entries(schemaFiles())) {
    it(`${file} is what scripts/gen-schema.ts generates now (run it after changing a schema)`, () => {
      expect(readFileSync(root + file, "utf8")).toBe(content);
    });

    it(`${file} says that shape checks are done by ccbound`, () => {
      const schema = JSON.parse(content) as { description: string; $schema: string };
      expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
      expect(schema.description).toMatch(/shape checks .* are done by ccbound/);
    });
  }
});
