/**
 * Mamba and linear attention from the command line: a random model below Theorem 3's bound on index lookup is
 * refuted by the collision search alone (`--feeds dedup`), its certificate is a collision that `verify` accepts,
 * and `check` names the state's bits, values and parts.
 */
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ccbound, tempDir } from "./cli.js";

describe("random Mamba and linear attention -> check --feeds dedup -> verify", () => {
  const dir = tempDir();
  const sizes = {
    mamba: ["--d-state", "1", "--d-conv", "2", "--expand", "1"],
    "linear-attention": ["--heads", "1", "--ffn", "2"],
  };
  for (const [arch, flags] of Object.entries(sizes))
    it(`${arch}: refuted at n = 24 by a collision that verify accepts`, () => {
      const model = join(dir, `${arch}.json`);
      const cert = join(dir, `${arch}.cert.json`);
      const made = ccbound(
        "random-model",
        "--arch",
        arch,
        "--hidden",
        "1",
        ...flags,
        "--format",
        "fixed:1.2",
        "--task",
        "index-lookup",
        "--n",
        "24",
        "--seed",
        "7",
      );
      expect(made.status, made.stderr).toBe(0);
      writeFileSync(model, made.stdout);
      const check = ccbound("check", model, "--task", "index-lookup", "--n", "24", "--feeds", "dedup", "--cert", cert);
      expect(check.status, check.stderr).toBe(1);
      expect(check.stdout).toMatch(/REFUTED \(collision\)/);
      const parts = arch === "mamba" ? "1 conv buffer \\+ 1 SSM state" : "1 S \\+ 1 z";
      expect(check.stdout).toMatch(
        new RegExp(`8 bits cross the cut at 24 \\(Theorem 2: .*2 values x 4 bits: ${parts}\\)`),
      );
      expect(ccbound("verify", cert, "--model", model).status).toBe(0);
    });
});
