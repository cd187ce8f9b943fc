/**
 * Issue 15, item 3, through the command line: `torch.save(model.state_dict(), "m.pt")` files are evaluated, checked,
 * verified and converted like safetensors, with the sidecar and the import flags; a hostile pickle gets exit 2 with
 * one line, and nothing it asks for is run.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ccbound, expectBadInput, tempDir } from "./cli.js";

const F = "test/fixtures/pt";
const expected = JSON.parse(readFileSync(`${F}/expected.json`, "utf8")) as {
  sequences: number[][];
  models: { file: string; flags: string[]; dtype: string; logits: number[][]; sequences?: number[][] }[];
  hostile: { file: string }[];
};
const dir = tempDir();

function json(args: string[]): any {
  const r = ccbound(...args);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe("ccbound eval on a .pt file reproduces PyTorch's logits", () => {
  for (const file of ["lstm-2.pt", "gru-2.f64.pt", "rnn-relu-2.pt", "rnn-tanh-1.pt", "views.pt"]) {
    it(file, () => {
      const f = expected.models.find((m) => m.file === file)!;
      const tolerance = f.dtype === "float32" ? 1e-5 : 1e-12;
      expected.sequences.forEach((ids, i) => {
        const out = json(["eval", `${F}/${file}`, "--input", ids.join(" "), "--json", ...f.flags]);
        const want = f.logits[i]!;
        want.forEach((v, j) =>
          expect(Math.abs(out.logits[String(j)] - v), `sequence ${i}`).toBeLessThanOrEqual(tolerance),
        );
      });
    });
  }

  it("an nn.RNN without its nonlinearity is refused with the flag and the sidecar to give it", () => {
    expectBadInput(
      ["eval", `${F}/rnn-relu-2.pt`, "--input", "1 2"],
      /--nonlinearity tanh\|relu.*rnn-relu-2\.ccbound\.json/,
    );
  });

  it("--vocab and --labels name the rows, as for safetensors", () => {
    const out = json([
      "eval",
      `${F}/lstm-1.pt`,
      "--input",
      "d a b",
      "--vocab",
      "a b c d e f g",
      "--labels",
      "x y z",
      "--json",
    ]);
    const direct = json(["eval", `${F}/lstm-1.pt`, "--input", "3 0 1", "--json"]);
    expect(Object.keys(out.logits)).toEqual(["x", "y", "z"]);
    expect(Object.values(out.logits)).toEqual(Object.values(direct.logits));
  });
});

describe("check, verify and convert", () => {
  const model = `${F}/index-lookup-lstm.pt`;

  it("check reads the vocabulary from the sidecar; its certificate verifies against the .pt and the safetensors twin", () => {
    const cert = join(dir, "pt-cert.json");
    const r = ccbound("check", model, "--task", "index-lookup", "--n", "6", "--seed", "1", "--cert", cert);
    expect(r.status, r.stderr).toBe(1); // a random LSTM: refuted
    expect(r.stdout).toMatch(/\(lstm, hidden 4, float32\)/);
    expect(ccbound("verify", cert, "--model", model).status).toBe(0);
    expect(ccbound("verify", cert, "--model", "test/fixtures/pytorch/index-lookup-lstm.safetensors").status).toBe(0);
  });

  it("convert m.pt m.json and m.pt m.safetensors keep the model and its SHA-256", () => {
    const sha = (args: string[]) => /sha256 +([0-9a-f]{64})/.exec(ccbound(...args).stdout)?.[1];
    const a = sha(["convert", `${F}/gru-1.pt`, join(dir, "gru-1.json")]);
    const b = sha(["convert", `${F}/gru-1.pt`, join(dir, "gru-1.safetensors")]);
    const c = sha(["convert", "test/fixtures/pytorch/gru-1.safetensors", join(dir, "gru-1b.json")]);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(readFileSync(join(dir, "gru-1.json"), "utf8")).toBe(readFileSync(join(dir, "gru-1b.json"), "utf8"));
  });

  it("a .pt file is not an output format", () => {
    expectBadInput(
      ["convert", `${F}/gru-1.pt`, join(dir, "out.pt")],
      /the output file must end in \.json or \.safetensors/,
    );
  });
});

describe("hostile files: exit 2, one line, nothing run", () => {
  for (const { file } of expected.hostile) {
    it(file, () => {
      expectBadInput(["eval", `${F}/${file}`, "--input", "0 1"], /^ccbound: test\/fixtures\/pt\/hostile\/.*\.pt: /);
      expect(existsSync("/tmp/ccbound-pwned")).toBe(false);
    });
  }

  it("the refusal names the global and its byte offset", () => {
    expectBadInput(
      ["eval", `${F}/hostile/os-system-global.pt`, "--input", "0 1"],
      /refused: the pickle asks for the global "os\.system" \(at byte 2 of os-system-global\/data\.pkl\)/,
    );
  });
});
