import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { exampleFiles } from "../../scripts/example-files.js";
import { EXAMPLES } from "../../scripts/examples.js";

describe("committed files cannot drift from what makes them", () => {
  it("examples/ is exactly what scripts/make-examples.ts writes", () => {
    for (const [path, text] of Object.entries(exampleFiles(EXAMPLES)))
      expect(readFileSync(path, "utf8"), path).toBe(text);
  });

  it("the README's library example is the test that runs in CI", () => {
    const readme = readFileSync("README.md", "utf8");
    const block = /## As a library[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    expect(readFileSync("test/e2e/readme-example.test.ts", "utf8")).toContain(block!);
  });
});
