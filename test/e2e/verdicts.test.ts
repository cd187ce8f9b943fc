import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ccbound, tempDir } from "./cli.js";

/*
 * Verdicts that say exactly what was established (issue 12's done-when): a model that is simply inaccurate is refuted
 * by a plain wrong answer whatever its size, with no theorem cited; a budget too small to sample anything says so.
 */
describe("verdicts say what was established", () => {
  const dir = tempDir();

  /** A random Elman network whose head bias makes it answer "1" to everything, as a trained one that gave up would. */
  function alwaysOne(n: number): string {
    const path = join(dir, `one-${n}.json`);
    const made = ccbound(
      "random-model",
      "--arch",
      "elman",
      "--hidden",
      "16",
      "--format",
      "float32",
      "--task",
      "equality",
      "--n",
      String(n),
      "--separator",
      "--seed",
      "1",
    );
    expect(made.status, made.stderr).toBe(0);
    const spec = JSON.parse(made.stdout);
    spec.head.bias = spec.labels.map((l: string) => (l === "1" ? 100 : 0));
    writeFileSync(path, JSON.stringify(spec));
    return path;
  }

  it("a long input is shown by its two ends and its length; --json and the certificate hold every token", () => {
    const model = alwaysOne(2048);
    const cert = join(dir, "long.cert.json");
    const args = [model, "--task", "equality", "--n", "2048", "--separator", "--seed", "1", "--cert", cert];
    const text = ccbound("check", ...args);
    expect(text.status, text.stderr).toBe(1);
    const line = text.stdout.split("\n").find((l) => l.startsWith("input"))!;
    expect(line).toMatch(/ \.\.\. .* \(2,049 tokens: every one in --json and in --cert's certificate\)$/);
    expect(line.length).toBeLessThan(300);
    const json = JSON.parse(ccbound("check", ...args, "--json").stdout);
    expect(json.certificate.input).toHaveLength(2049);
    expect(JSON.parse(readFileSync(cert, "utf8")).input).toHaveLength(2049);
  });

  for (const n of [24, 2048]) {
    it(`a model that always answers "1" on equality --separator at n = ${n} is refuted by a wrong answer, and verify accepts it`, () => {
      const model = alwaysOne(n);
      const cert = join(dir, `one-${n}.cert.json`);
      const r = ccbound(
        "check",
        model,
        "--task",
        "equality",
        "--n",
        String(n),
        "--separator",
        "--seed",
        "1",
        "--cert",
        cert,
        "--json",
      );
      expect(r.status, r.stderr).toBe(1);
      const report = JSON.parse(r.stdout);
      expect(report).toMatchObject({
        verdict: "refuted",
        kind: "wrong-answer",
        certificate: { kind: "wrong-answer", theorem: null, answer: "1", expected: "0" },
      });
      // The fooling set (x, x) is all "1" instances: the error is on the task's own inputs or the crossed ones.
      expect(["probe", "crossed"]).toContain(report.certificate.search.feed);
      expect(report.search.runs).toBeLessThanOrEqual(8);
      const v = ccbound("verify", cert, "--model", model, "--json");
      expect(v.status).toBe(0);
      expect(JSON.parse(v.stdout)).toMatchObject({
        valid: true,
        kind: "wrong-answer",
        theorem: null,
        task: { name: "equality", n, params: { separator: 1, ineq: 0 } },
      });
    });
  }

  it("a random float32 LSTM of hidden 8 at index-lookup n = 1024 is refuted within 1,000 runs", () => {
    const model = join(dir, "lstm1024.json");
    expect(
      ccbound(
        "random-model",
        "--arch",
        "lstm",
        "--hidden",
        "8",
        "--format",
        "float32",
        "--task",
        "index-lookup",
        "--n",
        "1024",
        "--seed",
        "1",
        "--out",
        model,
      ).status,
    ).toBe(0);
    const r = ccbound("check", model, "--task", "index-lookup", "--n", "1024", "--seed", "1", "--json");
    expect(r.status, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.verdict).toBe("refuted");
    expect(report.search.runs).toBeLessThanOrEqual(1000);
  });

  it("--strategy sample --budget 1 is inconclusive and says how little it sampled (never survived)", () => {
    const r = ccbound(
      "check",
      "examples/lookup-dfa-10.json",
      "--task",
      "index-lookup",
      "--n",
      "10",
      "--strategy",
      "sample",
      "--budget",
      "1",
      "--seed",
      "1",
      "--json",
    );
    expect(r.status).toBe(3);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ verdict: "inconclusive", budgetCanHelp: true });
    expect(report.reason).toMatch(/only 1 input of the task's distribution ran/);
  });

  it("a sampled survival names k, the seed and the 95% bound 3/k", () => {
    const r = ccbound(
      "check",
      "examples/index-lookup-construction-64.json",
      "--task",
      "index-lookup",
      "--n",
      "64",
      "--budget",
      "300",
      "--seed",
      "2",
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^bound\s+none: the paper proves no lower bound for one-layer Transformers on index-lookup/m,
    );
    expect(r.stdout).toMatch(
      /^verdict\s+SURVIVED \(sampled\): right on 300 inputs of the task's own distribution \(seed 2\): its error rate there is below 0\.010 with 95% confidence \(3\/k\); not a proof$/m,
    );
  });
});
