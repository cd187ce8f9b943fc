/**
 * Issue 5 through the command line: PyTorch models in safetensors (recurrent and Transformers) are evaluated and
 * checked, JSON and safetensors convert both ways, --format re-runs any model in another number format, and every
 * malformed file gets exit 2 with one line.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ccbound, expectBadInput, tempDir } from "./cli.js";

const F = "test/fixtures/pytorch";
const expected = JSON.parse(readFileSync(`${F}/expected.json`, "utf8")) as {
  sequences: number[][];
  models: { file: string; flags: string[]; logits: number[][] }[];
};
const dir = tempDir();

function json(args: string[]): any {
  const r = ccbound(...args);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe("ccbound eval reproduces PyTorch's logits within 1e-5 (done when 1)", () => {
  for (const file of [
    "lstm-2.safetensors",
    "gru-2.safetensors",
    "gru-1.safetensors",
    "rnn-relu-1.safetensors",
    "rnn-relu-2.safetensors",
    "rnn-tanh-2.safetensors",
  ]) {
    it(file, () => {
      const fixture = expected.models.find((m) => m.file === file)!;
      expected.sequences.forEach((ids, i) => {
        const out = json(["eval", `${F}/${file}`, "--input", ids.join(" "), "--json", ...fixture.flags]);
        const want = fixture.logits[i]!;
        const got = want.map((_, j) => out.logits[String(j)] as number);
        got.forEach((v, j) => expect(Math.abs(v - want[j]!), `sequence ${i}, logit ${j}`).toBeLessThanOrEqual(1e-5));
        expect(out.output).toBe(String(want.indexOf(Math.max(...want))));
      });
    });
  }
});

describe("ccbound check on an imported model (done when 2)", () => {
  const model = `${F}/index-lookup-lstm.safetensors`;

  it("reports its state bits in float32: LSTM hidden 4 keeps 8 values of 32 bits", () => {
    const r = ccbound("check", model, "--task", "index-lookup", "--n", "6", "--seed", "1");
    expect(r.status, r.stderr).toBe(1); // a random LSTM: refuted
    expect(r.stdout).toMatch(
      /model +test\/fixtures\/pytorch\/index-lookup-lstm\.safetensors \(lstm, hidden 4, float32\)/,
    );
    expect(r.stdout).toMatch(/state +256 bits cross the cut/);
    const report = JSON.parse(
      ccbound("check", model, "--task", "index-lookup", "--n", "6", "--seed", "1", "--json").stdout,
    );
    expect(report.model).toMatchObject({ path: model, stateBits: 256 });
    expect(report.model.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("and in --format fixed:1.2: 8 values of 4 bits; the certificate verifies with the same flags", () => {
    const cert = join(dir, "fixed.json");
    const r = ccbound(
      "check",
      model,
      "--task",
      "index-lookup",
      "--n",
      "6",
      "--seed",
      "1",
      "--format",
      "fixed:1.2",
      "--cert",
      cert,
      "--json",
    );
    expect(r.status, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.model.stateBits).toBe(32);
    expect(report.replay).toBe(`ccbound verify ${cert} --model ${model} --format fixed:1.2`);
    expect(ccbound("verify", cert, "--model", model, "--format", "fixed:1.2").status).toBe(0);
    expect(ccbound("verify", cert, "--model", model).status).toBe(1); // in float32 it is another model (another hash)
  });

  it("a model with id tokens binds to the task through --vocab, and the replay keeps the flag", () => {
    // the classifier has 3 outputs: index lookup over 3 symbols (labels 0 1 2) at n = 4 takes its 7 tokens
    const base = ["check", `${F}/rnn-tanh-2.safetensors`, "--task", "index-lookup", "--n", "4", "--alphabet", "3"];
    const without = ccbound(...base, "--seed", "1");
    expect(without.status).toBe(2);
    expect(without.stderr).toMatch(/no token "@1", which index-lookup at n=4 uses/);
    const r = ccbound(...base, "--seed", "1", "--vocab", "0 1 2 @1 @2 @3 @4", "--json");
    expect([0, 1, 3], r.stderr).toContain(r.status);
    const report = JSON.parse(r.stdout);
    expect(report.model.stateBits).toBe(2 * 4 * 32);
    expect(report.replay).toContain("--vocab '0 1 2 @1 @2 @3 @4'");
    // a binary task's 2 labels are among the head's 0 1 2, but the head does not fit it (issue 15)
    const binary = ["check", `${F}/rnn-tanh-2.safetensors`, "--task", "index-lookup", "--n", "5", "--seed", "1"];
    const wide = ccbound(...binary, "--vocab", "0 1 @1 @2 @3 @4 @5");
    expect(wide.status).toBe(2);
    expect(wide.stderr).toMatch(/the model's head has 3 outputs \(labels 0 1 2\) and index-lookup has 2 labels/);
  });
});

describe("--format re-runs any model in another number format", () => {
  it("a JSON model in float16: 16 bits per state value, the same tokens", () => {
    const input = ["--input", "0 1 1 0 @2", "--json"];
    const f32 = json(["eval", "examples/gru-float32-index16.json", ...input]);
    const f16 = json(["eval", "examples/gru-float32-index16.json", ...input, "--format", "float16"]);
    expect(f16.stateBits * 2).toBe(f32.stateBits);
    expect(f16.state).not.toEqual(f32.state);
  });

  it("simulate takes it too; a DFA has no format to change", () => {
    const r = json([
      "simulate",
      `${F}/lstm-1.safetensors`,
      "--input",
      "1 2 3",
      "--split",
      "2",
      "--format",
      "bfloat16",
      "--json",
    ]);
    expect(r.cost).toBe(2 * 6 * 16);
    const dfa = ccbound("eval", "examples/lookup-dfa-10.json", "--input", "0", "--format", "float16");
    expect(dfa.status).toBe(2);
    expect(dfa.stderr).toBe("ccbound: --format: a DFA has no number format\n");
  });
});

describe("ccbound convert", () => {
  it("JSON -> safetensors -> JSON: the same model, the same SHA-256, the same answers", () => {
    const st = join(dir, "gru.safetensors");
    const back = join(dir, "gru.json");
    const a = ccbound("convert", "examples/gru-float32-index16.json", st);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/stored +F32 tensors/);
    expect(ccbound("convert", st, back).status).toBe(0);
    expect(JSON.parse(readFileSync(back, "utf8"))).toEqual(
      JSON.parse(readFileSync("examples/gru-float32-index16.json", "utf8")),
    );
    const sha = (args: string[]) => /sha256 +([0-9a-f]{64})/.exec(ccbound(...args).stdout)?.[1];
    expect(sha(["convert", st, join(dir, "again.json")])).toBe(
      sha(["convert", "examples/gru-float32-index16.json", join(dir, "again2.json")]),
    );
    const input = ["--input", "1 0 0 1 1 0 1 0 0 0 1 1 0 1 0 1 @7", "--json"];
    expect(json(["eval", st, ...input])).toEqual(json(["eval", "examples/gru-float32-index16.json", ...input]));
  });

  it("a certificate about a JSON model verifies against its safetensors conversion", () => {
    const st = join(dir, "lstm.safetensors");
    const cert = join(dir, "lstm-cert.json");
    expect(ccbound("convert", "examples/lstm-fixed1.2-index40.json", st).stdout).toMatch(/stored +F64 tensors/);
    expect(
      ccbound(
        "check",
        "examples/lstm-fixed1.2-index40.json",
        "--task",
        "index-lookup",
        "--n",
        "40",
        "--seed",
        "3",
        "--cert",
        cert,
      ).status,
    ).toBe(1);
    expect(ccbound("verify", cert, "--model", st).status).toBe(0);
  });

  it("--format rounds the weights into the file: F16 tensors, and the hash check --format would give", () => {
    const st = join(dir, "gru16.safetensors");
    const r = ccbound("convert", "examples/gru-float32-index16.json", st, "--format", "float16");
    expect(r.stdout).toMatch(/stored +F16 tensors/);
    const direct = json([
      "eval",
      "examples/gru-float32-index16.json",
      "--input",
      "0 1 @2",
      "--json",
      "--format",
      "float16",
    ]);
    expect(json(["eval", st, "--input", "0 1 @2", "--json"])).toEqual(direct);
    expect(/sha256 +([0-9a-f]{64})/.exec(r.stdout)?.[1]).toBe(
      /sha256 +([0-9a-f]{64})/.exec(ccbound("convert", st, join(dir, "gru16.json")).stdout)?.[1],
    );
  });

  it("refuses what has no PyTorch module, and an output it cannot name, without writing anything", () => {
    const out = join(dir, "dfa.safetensors");
    const dfa = ccbound("convert", "examples/lookup-dfa-10.json", out);
    expect(dfa.status).toBe(2);
    expect(dfa.stderr).toMatch(/^ccbound: .*dfa\.safetensors: a DFA model has no PyTorch module.*\n$/);
    expect(existsSync(out)).toBe(false);
    const txt = ccbound("convert", "examples/gru-float32-index16.json", join(dir, "m.txt"));
    expect(txt.status).toBe(2);
    expect(txt.stderr).toMatch(/m\.txt: the output file must end in \.json or \.safetensors/);
  });
});

/** A safetensors file from a header and data. */
function stFile(name: string, header: unknown, data: Uint8Array, headerText = JSON.stringify(header)): string {
  const json = Buffer.from(headerText);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([len, json, data]));
  return path;
}
const f32 = (...v: number[]) => new Uint8Array(Float32Array.from(v).buffer);
const lstm = readFileSync(`${F}/lstm-1.safetensors`);

describe("malformed safetensors files: exit 2 and one line (done when 3)", () => {
  const bad: [string, () => string, RegExp][] = [
    [
      "a file too short for the header length",
      () => {
        const path = join(dir, "short.safetensors");
        writeFileSync(path, lstm.subarray(0, 5));
        return path;
      },
      /short\.safetensors: malformed safetensors: the file is 5 bytes, too short for the 8-byte header length/,
    ],
    [
      "a header length beyond the file",
      () => {
        const path = join(dir, "cut.safetensors");
        writeFileSync(path, lstm.subarray(0, 100));
        return path;
      },
      /cut\.safetensors: malformed safetensors: header length \d+ is beyond the end of the file/,
    ],
    [
      "a header length over the limit (16 MiB)",
      () => {
        const path = join(dir, "huge-header.safetensors");
        const b = Buffer.from(lstm);
        b.writeBigUInt64LE(200_000_000n, 0);
        writeFileSync(path, b);
        return path;
      },
      /header length 200000000 is over the limit of 16777216 bytes/,
    ],
    [
      "a header that is not JSON",
      () => stFile("notjson.safetensors", null, new Uint8Array(0), "{nope}"),
      /the header is not valid JSON/,
    ],
    [
      "a header that is not an object",
      () => stFile("list.safetensors", [1], new Uint8Array(0)),
      /the header is \[1\], not a JSON object/,
    ],
    [
      "an unknown dtype",
      () => stFile("dtype.safetensors", { w: { dtype: "F12", shape: [1], data_offsets: [0, 4] } }, f32(1)),
      /tensor "w" has unknown dtype "F12"/,
    ],
    [
      "offsets out of range",
      () => stFile("range.safetensors", { w: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }, f32(1)),
      /tensor "w" has data_offsets \[0, 8\], out of range/,
    ],
    [
      "overlapping tensors",
      () =>
        stFile(
          "overlap.safetensors",
          {
            a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
            b: { dtype: "F32", shape: [1], data_offsets: [4, 8] },
          },
          f32(1, 2),
        ),
      /tensor "b" overlaps/,
    ],
    [
      "a hole",
      () => stFile("hole.safetensors", { a: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, f32(1, 2)),
      /bytes 0\.\.4 before tensor "a" belong to no tensor/,
    ],
    [
      "bytes that do not match shape x dtype",
      () => stFile("size.safetensors", { w: { dtype: "F16", shape: [3], data_offsets: [0, 4] } }, f32(1)),
      /tensor "w" has 4 bytes of data, but shape \[3\] of F16 needs 6/,
    ],
    [
      "a non-finite weight",
      () => {
        const b = Buffer.from(lstm);
        const n = Number(b.readBigUInt64LE(0));
        b.writeFloatLE(Infinity, 8 + n + 4 * 3);
        const path = join(dir, "inf.safetensors");
        writeFileSync(path, b);
        return path;
      },
      /tensor "embedding\.weight" holds Infinity at flat index 3 \(row 0, column 3\); weights must be finite/,
    ],
    [
      "an nn.RNN without its nonlinearity",
      () => `${F}/rnn-relu-2.safetensors`,
      /cannot be read from its weights: give it with --nonlinearity tanh\|relu/,
    ],
    [
      "not a recurrent model",
      () => stFile("mlp.safetensors", { "fc.weight": { dtype: "F32", shape: [1, 1], data_offsets: [0, 4] } }, f32(1)),
      /no recurrent layer: no tensor named <module>\.weight_ih_l0/,
    ],
  ];
  for (const [what, make, pattern] of bad) {
    it(what, () => expectBadInput(["eval", make(), "--input", "1"], pattern));
  }

  it("the same for check, simulate and convert", () => {
    const path = stFile("dtype2.safetensors", { w: { dtype: "F12", shape: [1], data_offsets: [0, 4] } }, f32(1));
    expectBadInput(["check", path, "--task", "index-lookup", "--n", "4"], /unknown dtype "F12"/);
    expectBadInput(["simulate", path, "--input", "1", "--split", "0"], /unknown dtype "F12"/);
    expectBadInput(["convert", path, join(dir, "out.json")], /unknown dtype "F12"/);
    expect(existsSync(join(dir, "out.json"))).toBe(false);
  });

  it("bad flags: --vocab on a JSON model, a wrong --vocab count, an unknown --format or --nonlinearity", () => {
    expectBadInput(
      ["eval", "examples/gru-float32-index16.json", "--input", "0", "--vocab", "0 1"],
      /^ccbound: --vocab: applies to safetensors model files only/,
    );
    expectBadInput(
      ["eval", `${F}/lstm-1.safetensors`, "--input", "0", "--vocab", "a b"],
      /^ccbound: --vocab: gives 2 tokens, but the embedding "embedding\.weight" has 7 rows/,
    );
    expectBadInput(
      ["eval", `${F}/lstm-1.safetensors`, "--input", "0", "--format", "float8"],
      /--format: unknown number format "float8"/,
    );
    expectBadInput(
      ["eval", `${F}/rnn-relu-2.safetensors`, "--input", "0", "--nonlinearity", "gelu"],
      /--nonlinearity must be one of tanh, relu/,
    );
  });
});

const T = "test/fixtures/pytorch-transformer";
const transformers = JSON.parse(readFileSync(`${T}/expected.json`, "utf8")) as {
  models: {
    file: string;
    dtype: "float32" | "float64";
    vocab: string[];
    labels: string[];
    sequences: number[][];
    logits: number[][];
  }[];
};

// One process per file, on its longest sequence (the library test, test/io/pytorch-transformer.test.ts, runs them all).
describe("Transformers: ccbound eval reproduces PyTorch's logits within 1e-6 (float32) and 1e-12 (float64)", () => {
  for (const f of transformers.models) {
    const tolerance = f.dtype === "float32" ? 1e-6 : 1e-12;
    it(f.file, () => {
      const longest = f.sequences.reduce((a, b) => (b.length > a.length ? b : a));
      const want = f.logits[f.sequences.indexOf(longest)]!;
      const out = json(["eval", `${T}/${f.file}`, "--input", longest.map((id) => f.vocab[id]).join(" "), "--json"]);
      f.labels.forEach((label, j) =>
        expect(Math.abs(out.logits[label] - want[j]!), `logit ${label}`).toBeLessThanOrEqual(tolerance),
      );
      expect(out.output).toBe(f.labels[want.indexOf(Math.max(...want))]);
    });
  }
});

describe("Transformers: ccbound convert", () => {
  const example = "examples/transformer-fixed2.5-dyck8.json";
  const sha = (stdout: string) => /sha256 +([0-9a-f]{64})/.exec(stdout)?.[1];

  it("JSON -> safetensors -> JSON: the same model, the same SHA-256, the same answers", () => {
    const st = join(dir, "dyck.safetensors");
    const back = join(dir, "dyck.json");
    const there = ccbound("convert", example, st);
    expect(there.status, there.stderr).toBe(0);
    expect(there.stdout).toMatch(/stored +F64 tensors\n/); // fixed point is stored exactly in binary64
    const again = ccbound("convert", st, back);
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(readFileSync(back, "utf8"))).toEqual(JSON.parse(readFileSync(example, "utf8")));
    expect(sha(again.stdout)).toBe(sha(there.stdout));
    const input = ["--input", "( [ ] ) [ ] ( )", "--json"];
    expect(json(["eval", st, ...input])).toEqual(json(["eval", example, ...input]));
  });

  it("a PyTorch Transformer -> JSON -> safetensors keeps its name and its logits", () => {
    const file = `${T}/t2-norm-causal.safetensors`;
    const first = ccbound("convert", file, join(dir, "t2.json"));
    const second = ccbound("convert", join(dir, "t2.json"), join(dir, "t2.safetensors"));
    expect([first.status, second.status]).toEqual([0, 0]);
    expect(second.stdout).toMatch(/stored +F32 tensors\n/);
    expect(sha(second.stdout)).toBe(sha(first.stdout));
    const input = ["--input", "a b c d e a", "--json"];
    expect(json(["eval", join(dir, "t2.safetensors"), ...input])).toEqual(json(["eval", file, ...input]));
  });

  it("bad Transformer files and flags: exit 2, one line", () => {
    const path = stFile(
      "query-only.safetensors",
      { "layers.0.heads.0.query.weight": { dtype: "F32", shape: [1, 1], data_offsets: [0, 4] } },
      f32(1),
    );
    expectBadInput(
      ["eval", path, "--input", "0"],
      /query-only\.safetensors: no tensor "embed\.weight", expected rows x columns \(the token embedding, vocab x d\)/,
    );
    expectBadInput(
      ["eval", `${T}/t1-plain.safetensors`, "--input", "0", "--nonlinearity", "tanh"],
      /^ccbound: --nonlinearity: does not apply to a Transformer, which .*t1-plain\.safetensors holds/,
    );
  });
});
