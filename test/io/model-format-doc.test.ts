/**
 * docs/model-format.md cannot drift from the code: its examples are valid model files, and its tables of
 * architectures, cells and blocks are the ones the registries generate.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { parseModelJson } from "../../src/io/model-file.js";
import { compileModel } from "../../src/models/compile.js";
import { CELLS } from "../../src/models/cells/index.js";
import { modelFormatTables, withGeneratedTables } from "../../src/models/registry-doc.js";

const doc = readFileSync(fileURLToPath(new URL("../../docs/model-format.md", import.meta.url)), "utf8");
const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");

it("has an elman example, a dfa example and a transformer example", () => {
  expect(examples.map((text) => parseModelJson(text, "docs/model-format.md").arch)).toEqual([
    "recurrent",
    "dfa",
    "transformer",
  ]);
});

it("the transformer example answers its last token, as the doc says (every input up to length 4)", () => {
  const spec = parseModelJson(examples[2]!, "docs/model-format.md");
  const model = compileModel(spec);
  if (model.kind !== "transformer") throw new Error("not a transformer");
  for (let n = 1; n <= 4; n++) {
    for (let bits = 0; bits < 2 ** n; bits++) {
      const tokens = Int32Array.from({ length: n }, (_, i) => (bits >> i) & 1);
      expect(model.forward(tokens)).toBe(tokens[n - 1]);
    }
  }
});

it("its tables of architectures, cells and blocks are what scripts/gen-schema.ts generates from the registries now", () => {
  expect(withGeneratedTables(doc, modelFormatTables())).toBe(doc);
  for (const cell of CELLS) expect(doc).toContain(`| \`${cell.name}\` | ${cell.about.replace(/\|/g, "\\|")} |`);
});

it("a table that is not current is seen", () => {
  const stale = doc.replace("| `gru` |", "| `gru2` |");
  expect(stale).not.toBe(doc);
  expect(withGeneratedTables(stale, modelFormatTables())).toBe(doc);
});
