import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ccbound, expectBadInput, tempDir } from "./cli.js";

describe("ccbound construct and verify-construction", () => {
  const dir = tempDir();

  it("construct index-lookup --n 64 --out m.json: verified, written, and accepted by verify-construction and check", () => {
    const out = join(dir, "m.json");
    const r = ccbound("construct", "index-lookup", "--n", "64", "--out", out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^construction\s+index-lookup \(thm1\)$/m);
    expect(r.stdout).toMatch(/^size\s+width 13 \(20\.31% of N\), 1 layer, 1 head, p = 5 bits/m);
    expect(r.stdout).toMatch(/^verified\s+yes, on every query of seeded strings \(64 inputs, seed 1\)$/m);
    expect(existsSync(out)).toBe(true);
    expect(ccbound("verify-construction", out, "--task", "index-lookup", "--n", "64").status).toBe(0);
    const check = ccbound("check", out, "--task", "index-lookup", "--n", "64");
    expect(check.status, check.stderr + check.stdout).toBe(0);
  });

  it("--json reports the size, the chosen parameters, the paper's, and how it was verified", () => {
    const r = ccbound("construct", "equality", "--n", "8", "--variant", "ineq", "--json");
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      construction: "equality",
      theorem: "thm6",
      task: { name: "equality", n: 8, params: { ineq: 1 } },
      size: { layers: 2, heads: 1 },
      verification: { verified: true, mode: "exhaustive", inputs: 256 },
    });
    expect(report.paper).toMatchObject({ layers: 2, heads: 2 });
  });

  it("safetensors out: the file loads back and verifies", () => {
    const out = join(dir, "d.safetensors");
    expect(ccbound("construct", "disjointness", "--n", "6", "--out", out).status).toBe(0);
    expect(ccbound("verify-construction", out, "--task", "disjointness", "--n", "6").status).toBe(0);
  });

  it("weights that are wrong exit 1 with the input they get wrong; bad input exits 2", () => {
    const out = join(dir, "il.json");
    expect(ccbound("construct", "index-lookup", "--n", "8", "--out", out).status).toBe(0);
    // The same weights asked about another task's answers: a real wrong answer, found and printed.
    const spec = JSON.parse(readFileSync(out, "utf8"));
    spec.head.weight.reverse(); // swap the two labels' readouts
    writeFileSync(out, JSON.stringify(spec));
    const r = ccbound("verify-construction", out, "--task", "index-lookup", "--n", "8");
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^verified\s+NO: input 16 of the exhaustive run/m); // 00000001 @8, the first with a 1 read
    expect(r.stdout).toMatch(/^wrong on\s+(\d ){8}@\d: expected \d, got \d$/m);
  });

  it("bad flags: one line and exit 2, nothing written", () => {
    const out = join(dir, "never.json");
    expectBadInput(["construct", "sorting", "--n", "8"], /no construction "sorting"/);
    expectBadInput(["construct", "equality", "--n", "7", "--out", out], /even N/);
    expectBadInput(["construct", "equality", "--n", "8", "--alphabet", "3"], /equality takes no --alphabet/);
    expectBadInput(
      ["construct", "index-lookup", "--n", "8", "--out", join(dir, "m.txt")],
      /must end in \.json or \.safetensors/,
    );
    expectBadInput(["construct", "index-lookup", "--n", "0"], /--n must be between 1 and 65536/);
    expectBadInput(["construct", "equality", "--n", "8192"], /equality is built up to N = 4096/);
    expectBadInput(
      ["construct", "index-lookup", "--n", "64", "--code", "random", "--k", "8"],
      /has <T\(i\), T\(j\)> = \d+ > 2 .*larger k or another seed/,
    );
    expectBadInput(["construct", "index-lookup", "--n", "8", "--gamma", "nan"], /--gamma must be a number/);
    expect(existsSync(out)).toBe(false);
  });
});
