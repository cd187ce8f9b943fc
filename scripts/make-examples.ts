import { writeFileSync } from "node:fs";
import { EXAMPLES } from "./examples.js";
import { exampleFiles } from "./example-files.js";

for (const [path, text] of Object.entries(exampleFiles(EXAMPLES))) {
  writeFileSync(path, text);
  console.log(`wrote ${path}`);
}
