import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ccbound, tempDir } from "./cli.js";

const dir = tempDir();
const good = JSON.parse(readFileSync("examples/lstm-fixed1.2-index40.json", "utf8"));
function modelFile(name: string, edit: (m: any) => void): string {
  const m = structuredClone(good);
  edit(m);
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(m));
  return path;
}
function rawFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Exit 2, exactly one line on stderr that matches, no stack trace, nothing on stdout, no certificate written. */
function expectBadInput(args: string[], pattern: RegExp): void {
  const cert = join(dir, `cert-${Math.random().toString(36).slice(2)}.json`);
  const r = ccbound(...args, ...(args[0] === "check" ? ["--cert", cert] : []));
  expect(r.status, r.stderr + r.stdout).toBe(2);
  const lines = r.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(lines[0]).toMatch(/^ccbound: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe("");
  expect(existsSync(cert)).toBe(false);
}

const check = (model: string, ...rest: string[]) => ["check", model, "--task", "index-lookup", "--n", "40", ...rest];

describe("bad input: one clear line, exit 2 (issue 2, command line)", () => {
  it("malformed JSON, with where", () =>
    expectBadInput(
      check(rawFile("bad.json", '{"ccbound": "model",')),
      /bad\.json: malformed JSON at line 1, column \d+: unexpected end of input/,
    ));
  it("a missing file", () =>
    expectBadInput(check(join(dir, "nope.json")), /nope\.json: cannot read: no such file or directory/));
  it("wrong shape of a weight matrix, with its path", () =>
    expectBadInput(check(modelFile("shape.json", (m) => m.layers[0].weight_hh[1].pop())), /\/layers\/0\/weight_hh\/1/));
  it("wrong length of the head's bias", () =>
    expectBadInput(check(modelFile("bias.json", (m) => m.head.bias.push(0))), /\/head\/bias/));
  it("an infinite weight (1e999)", () =>
    expectBadInput(
      check(rawFile("inf.json", JSON.stringify(good).replace(/("bias_ih":\[)[^,\]]+/, "$11e999"))),
      /\/layers\/0\/bias_ih\/0.*finite/,
    ));
  it("NaN in the file (not JSON)", () =>
    expectBadInput(
      check(rawFile("nan.json", JSON.stringify(good).replace(/("bias_ih":\[)[^,\]]+/, "$1NaN"))),
      /nan\.json: malformed JSON at line 1, column \d+: unexpected "N", expected a value/,
    ));
  it("an unknown architecture", () =>
    expectBadInput(
      check(modelFile("arch.json", (m) => (m.arch = "transformerz"))),
      /arch\.json: invalid model: \/arch: unknown arch "transformerz"/,
    ));
  it("an unknown cell", () =>
    expectBadInput(check(modelFile("cell.json", (m) => (m.layers[0].cell = "hyena"))), /\/layers\/0\/cell/));
  it("an unknown number format", () =>
    expectBadInput(check(modelFile("fmt.json", (m) => (m.format = "float8"))), /\/format.*float8/));
  it("a task the model's vocabulary cannot express", () =>
    expectBadInput(
      ["check", "examples/lstm-fixed1.2-index40.json", "--task", "index-lookup", "--n", "41"],
      /no token "@41"/,
    ));
  it("a task whose answers the model cannot give", () =>
    expectBadInput(
      ["check", "examples/lstm-fixed1.2-index40.json", "--task", "index-lookup", "--n", "40", "--alphabet", "3"],
      /token "2"|label "2"/,
    ));
  it("N < 1", () =>
    expectBadInput(
      check("examples/lstm-fixed1.2-index40.json").map((a) => (a === "40" ? "0" : a)),
      /--n must be between 1 and/,
    ));
  it("N not a number", () =>
    expectBadInput(
      check("examples/lstm-fixed1.2-index40.json").map((a) => (a === "40" ? "forty" : a)),
      /--n.*whole number/,
    ));
  it("huge N", () =>
    expectBadInput(
      check("examples/lstm-fixed1.2-index40.json").map((a) => (a === "40" ? "1000000000" : a)),
      /n = 1000000000 is over/,
    ));
  it("N too large for the chosen strategy", () =>
    expectBadInput(
      check("examples/lstm-fixed1.2-index40.json", "--strategy", "exhaustive"),
      /exhaustive search over \d+ inputs is over the limit/,
    ));
  it("a budget whose search would not fit in memory, with the largest that fits", () =>
    expectBadInput(
      check("examples/lstm-fixed1.2-index40.json", "--strategy", "dedup", "--budget", "67108864"),
      /--budget: the dedup search would keep about [\d.]+ GiB for \d+ runs .*use --budget \d+ or less, or --strategy rho/,
    ));
  it("an unknown strategy", () =>
    expectBadInput(check("examples/lstm-fixed1.2-index40.json", "--strategy", "magic"), /--strategy must be one of/));
  it("an unknown option", () =>
    expectBadInput(check("examples/lstm-fixed1.2-index40.json", "--frobnicate"), /unknown option/));
  it("no command at all: usage on stderr, exit 2; --help and --version exit 0", () => {
    const none = ccbound();
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^Usage: ccbound/);
    expect(ccbound("--help").status).toBe(0);
    expect(ccbound("--version").stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
  it("a missing required option", () =>
    expectBadInput(["check", "examples/lstm-fixed1.2-index40.json"], /required option '--task <task>' not specified/));
  it("an unknown command", () => expectBadInput(["frobnicate"], /unknown command/));
  it("a token the model does not know", () =>
    expectBadInput(["eval", "examples/lstm-fixed1.2-index40.json", "--input", "0 1 banana"], /token "banana"/));
  it("random-model with an unknown format", () =>
    expectBadInput(
      ["random-model", "--arch", "lstm", "--hidden", "2", "--format", "fixed:x", "--task", "index-lookup", "--n", "4"],
      /fixed:x/,
    ));
  it("random-model with neither --task nor --vocab", () =>
    expectBadInput(["random-model", "--arch", "lstm", "--hidden", "2"], /either --task/));
  it("a malformed certificate", () =>
    expectBadInput(
      ["verify", rawFile("cert.json", '{"ccbound":"certificate"}'), "--model", "examples/lstm-fixed1.2-index40.json"],
      /cert\.json: invalid certificate: \/version: expected 2, got nothing; and 10 more problems/,
    ));
  it("simulate with a split past the input", () =>
    expectBadInput(["simulate", "examples/lstm-fixed1.2-index40.json", "--input", "0 1", "--split", "3"], /--split/));
});
