/**
 * Issue 15, item 2, through the command line: a GPT-2 and an nn.TransformerEncoder saved by PyTorch evaluate to
 * PyTorch's logits, random ones are made with `random-model --arch gpt2|torch-encoder`, `check` prints Theorem 4's
 * closed-form cost for one layer and refutes below Theorem 12's bound, and bad sizes get one line.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ccbound, expectBadInput, tempDir } from "./cli.js";

const F = "test/fixtures/gpt2";
const expected = JSON.parse(readFileSync(`${F}/expected.json`, "utf8")) as {
  models: { name: string; dtype: string; sequences: number[][]; logits: number[][] }[];
};
const dir = tempDir();

describe("GPT-2 and nn.TransformerEncoder on the command line", () => {
  for (const name of ["gpt2-1", "enc-first-gelu.f64"]) {
    it(`ccbound eval ${name}.pt gives PyTorch's logits`, () => {
      const f = expected.models.find((m) => m.name === name)!;
      const tolerance = f.dtype === "float32" ? 1e-5 : 1e-12;
      // The two longest sequences (each run is a process; gpt2-pytorch.test.ts checks every sequence in-process).
      [3, 4].forEach((i) => {
        const ids = f.sequences[i]!;
        const r = ccbound("eval", `${F}/${name}.pt`, "--input", ids.join(" "), "--json");
        expect(r.status, r.stderr).toBe(0);
        const logits = JSON.parse(r.stdout).logits as Record<string, number>;
        f.logits[i]!.forEach((v, j) => expect(Math.abs(logits[String(j)]! - v)).toBeLessThanOrEqual(tolerance));
      });
    });
  }

  it("random-model --arch gpt2 and torch-encoder; check prints the Theorem 4 cost and the bound", () => {
    const gpt2 = join(dir, "gpt2.json");
    const make = ccbound(
      ...["random-model", "--arch", "gpt2", "--hidden", "2", "--ffn", "2", "--task", "equality", "--n", "64"],
      ...["--format", "fixed:1.2", "--seed", "3", "--out", gpt2],
    );
    expect(make.status, make.stderr).toBe(0);
    const r = ccbound("check", gpt2, "--task", "equality", "--n", "64");
    expect(r.stdout).toMatch(/transformer, 1 layer, d 2, gpt2, m 2, heads 1, fixed:1\.2/);
    expect(r.stdout).toMatch(/protocol\s+63 bits cross the split 32 \(Theorem 4/);
    expect(r.stdout).toMatch(/bound\s+Theorem 12/);
    const enc = join(dir, "enc.json");
    const e = ccbound(
      ...["random-model", "--arch", "torch-encoder", "--norm-first", "--activation", "gelu", "--hidden", "4"],
      ...["--heads", "2", "--ffn", "3", "--vocab", "3", "--max-length", "6", "--out", enc],
    );
    expect(e.status, e.stderr).toBe(0);
    expect(ccbound("eval", enc, "--input", "0 1 2").status).toBe(0);
  });

  it("heads that do not divide the width: one line", () => {
    expectBadInput(
      ["random-model", "--arch", "gpt2", "--hidden", "4", "--heads", "3", "--vocab", "3", "--max-length", "4"],
      /3 heads must divide the width d 4/,
    );
  });
});
