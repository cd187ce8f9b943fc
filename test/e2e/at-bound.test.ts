/**
 * Issue 15, item 6, through the command line: `check --at-bound` runs at the least N where the bound binds and
 * prints it; a run that will not fit in memory is refused before it starts, with one line.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ccbound, expectBadInput, tempDir } from "./cli.js";

const dir = tempDir();

function randomModel(name: string, ...flags: string[]): string {
  const r = ccbound("random-model", ...flags);
  expect(r.status, r.stderr).toBe(0);
  const path = join(dir, name);
  writeFileSync(path, r.stdout);
  return path;
}

describe("check --at-bound", () => {
  it("an LSTM of 16 state bits on index lookup: N = 17, where Theorem 3 requires 17 bits; refuted there", () => {
    const m = randomModel(
      "lstm.json",
      "--arch",
      "lstm",
      "--hidden",
      "2",
      "--format",
      "fixed:1.2",
      "--task",
      "index-lookup",
      "--n",
      "64",
      "--seed",
      "3",
    );
    const r = ccbound("check", m, "--task", "index-lookup", "--at-bound", "--seed", "1", "--budget", "4096");
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(
      /^at-bound\s+N = 17 is the least N where Theorem 3 requires more than the model's 16 state bits \(17 bits\); at N = 16 it requires 16 against 16$/m,
    );
    expect(r.stdout).toMatch(/^replay\s+ccbound check \S+ --task index-lookup --n 17 /m);
    const json = JSON.parse(
      ccbound("check", m, "--task", "index-lookup", "--at-bound", "--seed", "1", "--budget", "4096", "--json").stdout,
    );
    expect(json.atBound).toEqual({
      n: 17,
      theorem: "thm3",
      requiredBits: 17,
      messageBits: 16,
      before: { n: 16, requiredBits: 16, messageBits: 16 },
    });
    expect(json.bound).toMatchObject({ requiredBits: 17, below: true });
  });

  it("a one-layer Transformer on equality: the least N where Theorem 12 requires more than its transcript", () => {
    const t = randomModel(
      "t.json",
      "--arch",
      "transformer",
      "--hidden",
      "2",
      "--heads",
      "1",
      "--format",
      "fixed:2.5",
      "--vocab",
      "2",
      "--max-length",
      "1024",
      "--seed",
      "1",
    );
    const r = ccbound("check", t, "--task", "equality", "--at-bound", "--seed", "1", "--budget", "256", "--json");
    expect([1, 3], r.stderr).toContain(r.status);
    const json = JSON.parse(r.stdout);
    expect(json.atBound.theorem).toBe("thm12");
    expect(json.atBound.requiredBits).toBeGreaterThan(json.atBound.messageBits);
    expect(json.atBound.before.requiredBits).toBeLessThanOrEqual(json.atBound.before.messageBits);
  });

  it("refused with one line: no bound applies, --n and --at-bound together, the vocabulary stops first", () => {
    const m = randomModel(
      "dyck.json",
      "--arch",
      "lstm",
      "--hidden",
      "2",
      "--format",
      "fixed:1.2",
      "--task",
      "dyck",
      "--n",
      "8",
      "--seed",
      "1",
    );
    expectBadInput(
      ["check", m, "--task", "dyck", "--at-bound"],
      /--at-bound: no lower bound applies to this model on dyck: the paper proves no lower bound for recurrent models on dyck/,
    );
    expectBadInput(["check", m, "--task", "dyck", "--n", "8", "--at-bound"], /give either --n N or --at-bound/);
    expectBadInput(["check", m, "--task", "dyck"], /give either --n N or --at-bound/);
    const short = randomModel(
      "short.json",
      "--arch",
      "lstm",
      "--hidden",
      "2",
      "--format",
      "fixed:1.2",
      "--task",
      "index-lookup",
      "--n",
      "10",
      "--seed",
      "1",
    );
    expectBadInput(
      ["check", short, "--task", "index-lookup", "--at-bound"],
      /no n up to 10 puts the model below Theorem 3's bound .* the model does not take n = 11: the model's vocabulary has no token "@11"/,
    );
  });
});

describe("the memory a run needs is estimated before it starts", () => {
  it("a budget whose tables the main thread's heap cannot hold: one line, exit 2, in seconds", () => {
    const start = Date.now();
    expectBadInput(
      [
        "check",
        "examples/lstm-fixed1.2-index40.json",
        "--task",
        "index-lookup",
        "--n",
        "40",
        "--budget",
        "100000000",
        "--seed",
        "1",
      ],
      /--budget: this run keeps about 7\.5 GiB in the main thread's heap \(the search's tables 7\.5 GiB, the model's arrays and the task the rest\), more than its limit of/,
    );
    expect(Date.now() - start).toBeLessThan(20_000);
  });
});
