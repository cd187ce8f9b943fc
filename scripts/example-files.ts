import { modelFileText } from "../src/io/model-file.js";
import type { Example } from "./examples.js";

/** The text of every example file and of the manifest that npm start reads. */
export function exampleFiles(examples: readonly Example[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const e of examples) files[`examples/${e.file}`] = modelFileText(e.spec(), e.file);
  const manifest = examples.map(({ file, task, n, expect, why }) => ({ model: file, task, n, expect, why }));
  files["examples/manifest.json"] = `${JSON.stringify(manifest, null, 2)}\n`;
  return files;
}
