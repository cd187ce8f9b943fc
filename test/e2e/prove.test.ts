import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findResult } from "../../src/registry/index.js";
import { ccbound } from "./cli.js";

describe("the repository's writeups", () => {
  it("ccbound prove passes on proofs/: every recorded output matches", () => {
    const r = ccbound("prove");
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const files = readdirSync("proofs").filter((f) => f.endsWith(".md"));
    for (const f of files) expect(r.stdout).toMatch(new RegExp(`^ok +proofs/${f.replace(/\./g, "\\.")} `, "m"));
    expect(r.stdout).toMatch(/every recorded output matches/);
    expect(r.stderr).toBe("");
  }, 300_000); // 18 writeups: about 25 s alone on 2 cores; much more while the rest of the suite runs

  it("every writeup but the index belongs to a registry result and names its id", () => {
    for (const f of readdirSync("proofs").filter((x) => x.endsWith(".md") && x !== "README.md")) {
      const id = f.replace(/\.md$/, "");
      const result = findResult(id);
      expect(result?.writeup, f).toBe(`proofs/${f}`);
    }
  });

  it("every source, test and script file a writeup names exists (a move must update the writeups)", () => {
    const missing: string[] = [];
    for (const f of readdirSync("proofs").filter((x) => x.endsWith(".md"))) {
      const text = readFileSync(`proofs/${f}`, "utf8");
      for (const [, path] of text.matchAll(/`((?:src|test|scripts|bench)\/[\w./-]+\.(?:ts|py|js))`/g))
        if (!existsSync(path!)) missing.push(`${f}: ${path}`);
    }
    expect(missing).toEqual([]);
  });
});
