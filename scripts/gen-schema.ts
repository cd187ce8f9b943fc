/** Writes schema/*.schema.json from the zod schemas. Run: npx tsx scripts/gen-schema.ts */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../src/io/atomic-write.js";
import { schemaFiles } from "../src/io/json-schema.js";

const root = fileURLToPath(new URL("..", import.meta.url));
for (const [file, content] of Object.entries(schemaFiles())) {
  writeFileAtomic(join(root, file), content);
  console.log(`wrote ${file}`);
}
