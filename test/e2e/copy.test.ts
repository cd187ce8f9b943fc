// Copying end to end through the CLI (issue 16 item 2): random recurrent models below the bound refuted by a
// collision, verify accepting the certificate and refusing a tampered one, eval and simulate printing sequences.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ccbound, expectBadInput, tempDir } from "./cli.js";

const dir = tempDir();

function model(arch: string, seed: number, n = 20): string {
  const path = join(dir, `${arch}-${seed}-${n}.json`);
  const made = ccbound(
    "random-model",
    "--arch",
    arch,
    "--hidden",
    "2",
    "--format",
    "fixed:1.2",
    "--task",
    "copy",
    "--n",
    String(n),
    "--seed",
    String(seed),
  );
  expect(made.status, made.stderr).toBe(0);
  writeFileSync(path, made.stdout);
  return path;
}

describe("ccbound check --task copy", () => {
  for (const arch of ["elman", "lstm", "gru", "linear"])
    it(`${arch}: below the bound, refuted by a collision citing jelassi-copy, which verify accepts`, () => {
      const m = model(arch, 1);
      const cert = join(dir, `${arch}.cert.json`);
      const check = ccbound("check", m, "--task", "copy", "--n", "20", "--seed", "1", "--json", "--cert", cert);
      expect(check.status, check.stderr).toBe(1);
      const report = JSON.parse(check.stdout);
      expect(report.bound).toMatchObject({ theorem: "jelassi-copy", requiredBits: 20, below: true });
      const c = JSON.parse(readFileSync(cert, "utf8"));
      expect(c).toMatchObject({ kind: "collision", theorem: "jelassi-copy", collision: { split: "20" } });
      expect(c.answer.split(" ")).toHaveLength(20);
      expect(c.collision.inputs[0]).not.toEqual(c.collision.inputs[1]);
      expect(ccbound("verify", cert, "--model", m).status).toBe(0);
      // The pair made one string twice (no collision), and the recorded continuation edited: both refused.
      const tampered = join(dir, `${arch}.tampered.json`);
      writeFileSync(tampered, JSON.stringify({ ...c, collision: { ...c.collision, inputs: [c.input, c.input] } }));
      const same = ccbound("verify", tampered, "--model", m);
      expect(same.status, same.stdout).toBe(1);
      expect(same.stdout).toMatch(/the two inputs are the same/);
      const flipped = c.answer.replace(/^./, (t: string) => (t === "0" ? "1" : "0"));
      writeFileSync(tampered, JSON.stringify({ ...c, answer: flipped }));
      const bad = ccbound("verify", tampered, "--model", m);
      expect(bad.status, bad.stdout).toBe(1);
    });

  it("eval prints the greedy continuation; simulate shows it equals Bob's from Theorem 2's message", () => {
    const m = model("gru", 3, 12);
    const input = "1 0 1 1 0 0 1 0 1 1 1 0 |";
    const e = ccbound("eval", m, "--task", "copy", "--n", "12", "--input", input, "--json");
    expect(e.status, e.stderr).toBe(0);
    const out = JSON.parse(e.stdout);
    expect(out.expected).toBe("1 0 1 1 0 0 1 0 1 1 1 0");
    expect(out.output.split(" ")).toHaveLength(12);
    const s = ccbound("simulate", m, "--task", "copy", "--n", "12", "--input", input, "--split", "12", "--json");
    expect(s.status, s.stderr).toBe(0);
    const sim = JSON.parse(s.stdout);
    expect(sim.output).toBe(out.output);
    expect(sim.forward).toBe(out.output);
    expect(sim.messages).toHaveLength(1);
    expect(sim.cost).toBe(8);
  });

  it("--at-bound runs at the least L whose strings need more bits than the state has: L = 9 for 8 bits", () => {
    const m = model("gru", 3, 12);
    const r = ccbound("check", m, "--task", "copy", "--at-bound", "--seed", "1", "--json");
    expect(r.status, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.bound).toMatchObject({ theorem: "jelassi-copy", requiredBits: 9, below: true });
    expect(report.certificate).toMatchObject({ kind: "collision", task: { name: "copy", n: 9 } });
  });

  it("bad input: a string without the delimiter; a model without the symbols of --alphabet 3", () => {
    const m = model("gru", 3, 4);
    expectBadInput(["eval", m, "--task", "copy", "--n", "4", "--input", "0 1 1 0 1"], /delimiter/);
    expectBadInput(["check", m, "--task", "copy", "--n", "4", "--alphabet", "3"], /no token "2"/);
  });
});
