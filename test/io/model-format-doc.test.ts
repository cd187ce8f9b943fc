/** The examples in docs/model-format.md are valid model files (docs cannot drift from the validator). */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { parseModelJson } from "../../src/io/model-file.js";

const doc = readFileSync(fileURLToPath(new URL("../../docs/model-format.md", import.meta.url)), "utf8");
const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");

it("has an elman example and a dfa example", () => {
  expect(examples.map((text) => parseModelJson(text, "docs/model-format.md").arch)).toEqual(["recurrent", "dfa"]);
});
