/**
 * Writes what is generated from the zod schemas and the registries: schema/*.schema.json, and the tables of
 * docs/model-format.md that list the architectures, cells and Transformer blocks. Run: npx tsx scripts/gen-schema.ts
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../src/io/atomic-write.js";
import { schemaFiles } from "../src/io/json-schema.js";
import { modelFormatTables, withGeneratedTables } from "../src/models/registry-doc.js";

const root = fileURLToPath(new URL("..", import.meta.url));
for (const [file, content] of Object.entries(schemaFiles())) {
  writeFileAtomic(join(root, file), content);
  console.log(`wrote ${file}`);
}
const doc = join(root, "docs/model-format.md");
writeFileAtomic(doc, withGeneratedTables(readFileSync(doc, "utf8"), modelFormatTables()));
console.log("wrote the generated tables of docs/model-format.md");
