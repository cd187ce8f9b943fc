/**
 * Issue 15, item 4: catching silent misreads. `eval --expect` holds ccbound's logits to a framework's (a PyTorch-made
 * fixture, scripts/expect-fixtures.py), and fails on a model whose weights ccbound reads in its own layout while
 * PyTorch ran them otherwise (a head on the mean of the LSTM's outputs saves the tensors of a last-step head); a head
 * that does not fit the task's labels is refused; a task token the flags leave unused gets a note.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { modelSha256, readModelFile } from "../../src/io/model-file.js";
import { ccbound, expectBadInput, tempDir } from "./cli.js";

const F = "test/fixtures/expect";
const dir = tempDir();

function write(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

function randomModel(name: string, ...flags: string[]): string {
  const r = ccbound("random-model", "--hidden", "2", "--format", "fixed:1.2", ...flags);
  expect(r.status, r.stderr).toBe(0);
  return write(name, r.stdout);
}

describe("eval --expect", () => {
  it("PyTorch's logits of an LSTM classifier (.pt): within float32's default tolerance, exit 0", () => {
    const r = ccbound("eval", `${F}/lstm.pt`, "--expect", `${F}/lstm.expect.json`, "--json");
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.within).toBe(true);
    expect(out.tolerance).toBe(1e-5);
    expect(out.inputs).toHaveLength(5);
    expect(out.maxAbs).toBeLessThan(1e-6); // measured 6.0e-8
    expect(out.answersDiffer).toBe(0);
    const human = ccbound("eval", `${F}/lstm.pt`, "--expect", `${F}/lstm.expect.json`);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/^within\s+the tolerance 0\.00001 \(float32's default\)/m);
  });

  it("a mean-pooled head saved with a last-step head's tensors loads without a word, and --expect fails it (exit 1)", () => {
    // the two state dicts have the same names and shapes: only the forward pass PyTorch ran differs
    const plain = ccbound("eval", `${F}/mean-pooled.pt`, "--input", "0 1 2");
    expect(plain.status).toBe(0);
    expect(plain.stderr).toBe("");
    const r = ccbound("eval", `${F}/mean-pooled.pt`, "--expect", `${F}/mean-pooled.expect.json`);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^FAILED\s+the largest difference 0\.0990 is beyond the tolerance 0\.00001/m);
    const json = JSON.parse(
      ccbound("eval", `${F}/mean-pooled.pt`, "--expect", `${F}/mean-pooled.expect.json`, "--json").stdout,
    );
    expect(json.within).toBe(false);
    expect(json.maxAbs).toBeGreaterThan(1e-3);
    // a one-token input is the one where the mean and the last step agree
    expect(json.inputs[0].maxAbs).toBe(0);
  });

  it("a looser --tolerance passes the same file; a fixed-point run needs --tolerance", () => {
    const loose = ["--expect", `${F}/mean-pooled.expect.json`, "--tolerance", "0.5"];
    expect(ccbound("eval", `${F}/mean-pooled.pt`, ...loose).status).toBe(0);
    expectBadInput(
      ["eval", `${F}/lstm.pt`, "--expect", `${F}/lstm.expect.json`, "--format", "fixed:2.5"],
      /--tolerance: the model runs in fixed:2\.5, for which --expect has no default tolerance/,
    );
  });

  it("string inputs and non-finite references: NaN against a finite logit is an infinite difference", () => {
    const f = write("strings.json", { inputs: ["0 1 2"], logits: [["NaN", 0.1]] });
    const r = JSON.parse(ccbound("eval", `${F}/lstm.pt`, "--expect", f, "--json").stdout);
    expect(r.within).toBe(false);
    expect(r.maxAbs).toBe("Infinity");
  });

  it("bad files get one line with the path into the file, exit 2", () => {
    const cases: [unknown, RegExp][] = [
      ['{"inputs": [[1]], "logits": [[NaN, 0]]}', /malformed JSON at line 1/],
      [
        { inputs: [[1, 2]], logits: [[0.1, 0.2, 0.3]] },
        /\/logits\/0: has 3 logits, and the model's head has 2 outputs/,
      ],
      [
        { inputs: [[1, 9]], logits: [[0.1, 0.2]] },
        /\/inputs\/0\/1: token id 9 is not below the model's vocabulary size 6/,
      ],
      [{ inputs: ["1 x"], logits: [[0.1, 0.2]] }, /\/inputs\/0: token 2, "x", is not in the model's vocabulary/],
      [{ inputs: [[1], [2]], logits: [[0.1, 0.2]] }, /\/logits: has 1 rows for 2 inputs/],
      [{ inputs: [[]], logits: [[0.1, 0.2]] }, /\/inputs\/0: must not be empty/],
      [{ inputs: [[1]], logits: [[0.1, 0.2]], epoch: 3 }, /unknown field "epoch"/],
      [{ inputs: [[-1]], logits: [[0.1, 0.2]] }, /\/inputs\/0/],
      ['{"inputs": [' + "[".repeat(10) + "]".repeat(10) + "]}", /nest|deep/],
    ];
    cases.forEach(([value, pattern], i) =>
      expectBadInput(["eval", `${F}/lstm.pt`, "--expect", write(`bad-${i}.json`, value)], pattern),
    );
    mkdirSync(join(dir, "a-directory"), { recursive: true });
    expectBadInput(["eval", `${F}/lstm.pt`, "--expect", join(dir, "a-directory")], /regular file|directory/);
    expectBadInput(["eval", `${F}/lstm.pt`], /give either --input TOKENS or --expect FILE/);
    expectBadInput(["eval", `${F}/lstm.pt`, "--input", "1", "--tolerance", "1"], /--tolerance is for --expect/);
  });

  it("an input list over the limit is refused before anything runs, in bounded time", () => {
    const f = write("huge.json", `{"inputs": [${"[1],".repeat(1 << 17)}[1]], "logits": []}`);
    const start = Date.now();
    expectBadInput(["eval", `${F}/lstm.pt`, "--expect", f], /\/inputs: has 131073 entries, at most 65536 allowed/);
    expect(Date.now() - start).toBeLessThan(10_000);
  });
});

describe("a head that does not fit the task's labels is refused (exit 2)", () => {
  // an 8-output head on a 2-label task: labels 0..7 hold the task's 0 and 1, so the tokens and labels alone bind
  const wide = randomModel("wide.json", "--arch", "lstm", "--vocab", "2", "--labels", "8", "--seed", "1");
  const line =
    /the model's head has 8 outputs \(labels 0 1 2 \.\.\. 6 7 \(8 tokens\)\) and equality has 2 labels \(0 1\): the head does not fit the task/;

  it("check, simulate and eval --task", () => {
    expectBadInput(["check", wide, "--task", "equality", "--n", "4", "--budget", "16", "--seed", "1"], line);
    expectBadInput(["simulate", wide, "--task", "equality", "--n", "4", "--input", "0 1 0 1", "--split", "2"], line);
    expectBadInput(["eval", wide, "--task", "equality", "--n", "4", "--input", "0 1 0 1"], line);
  });

  it("verify, with a certificate naming the wide model", () => {
    const narrow = randomModel("narrow.json", "--arch", "lstm", "--task", "equality", "--n", "4", "--seed", "1");
    const cert = join(dir, "narrow.cert.json");
    const check = ccbound("check", narrow, "--task", "equality", "--n", "4", "--seed", "1", "--cert", cert);
    expect(check.status, check.stderr).toBe(1);
    const c = JSON.parse(readFileSync(cert, "utf8"));
    c.model.sha256 = modelSha256(readModelFile(wide).spec);
    expectBadInput(["verify", write("wide.cert.json", c), "--model", wide], line);
  });

  it("index lookup over alphabet 2 on a model of alphabet 4: its head has 4 outputs", () => {
    const four = randomModel(
      "four.json",
      "--arch",
      "elman",
      "--task",
      "index-lookup",
      "--n",
      "6",
      "--alphabet",
      "4",
      "--seed",
      "2",
    );
    expectBadInput(
      ["eval", four, "--task", "index-lookup", "--n", "6", "--input", "0 1 0 1 0 1 @2"],
      /the model's head has 4 outputs \(labels 0 1 2 3\) and index-lookup has 2 labels \(0 1\)/,
    );
  });

  it("without a task there is nothing to fit: eval runs", () => {
    expect(ccbound("eval", wide, "--input", "0 1 0 1").status).toBe(0);
  });
});

describe("a task token in the vocabulary that the task's flags leave unused gets a note", () => {
  const sep = randomModel("sep.json", "--arch", "gru", "--task", "equality", "--n", "4", "--separator", "--seed", "2");
  const note =
    /^ccbound: note: the model's vocabulary has the token "\|", which equality uses with --separator; this run is equality without --separator, which does not$/m;

  it("check, simulate and eval --task without --separator: one note line on stderr", () => {
    for (const args of [
      ["check", sep, "--task", "equality", "--n", "4", "--budget", "64", "--seed", "1"],
      ["simulate", sep, "--task", "equality", "--n", "4", "--input", "0 1 0 1", "--split", "2"],
      ["eval", sep, "--task", "equality", "--n", "4", "--input", "0 1 0 1"],
    ]) {
      const r = ccbound(...args);
      expect([0, 1, 3], r.stderr).toContain(r.status);
      expect(r.stderr).toMatch(note);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  it("with --separator, no note", () => {
    const r = ccbound("check", sep, "--task", "equality", "--n", "4", "--separator", "--budget", "64", "--seed", "1");
    expect(r.stderr).toBe("");
  });
});
