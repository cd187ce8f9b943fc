/**
 * Files PyTorch wrote (scripts/pt-fixtures.py; the torch version is in expected.json): every state dict loads to
 * PyTorch's logits (float32 within 1e-5, float64 within 1e-12) and to exactly the tensors of the safetensors file
 * with the same weights; non-contiguous views read right; a GPT-2-named state dict reads into the tensor map with its
 * names, shapes and values; and every hostile file is refused with one line, having run nothing.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { modelSha256, readModelFile } from "../../src/io/model-file.js";
import { readPtFile } from "../../src/io/pt/read.js";
import { readZip } from "../../src/io/pt/zip.js";
import type { ImportFlags } from "../../src/io/pytorch-import.js";
import { readSafetensorsFile, type SafetensorsFile } from "../../src/io/safetensors.js";
import { compileModel } from "../../src/models/compile.js";
import { feed, type RecurrentModel } from "../../src/models/model.js";
import { errorOf } from "./expect-error.js";

const F = "test/fixtures/pt";
const SAFETENSORS = "test/fixtures/pytorch";

interface Fixture {
  file: string;
  module: string;
  num_layers: number;
  nonlinearity: "tanh" | "relu" | null;
  dtype: "float32" | "float64";
  flags: string[];
  safetensors: string | null;
  sequences?: number[][];
  views?: Record<string, { size: number[]; stride: number[]; offset: number }>;
  logits: number[][];
}
const expected = JSON.parse(readFileSync(`${F}/expected.json`, "utf8")) as {
  torch: string;
  sequences: number[][];
  models: Fixture[];
  gpt2: {
    file: string;
    safetensors: string;
    tensors: Record<string, { dtype: string; shape: number[] }>;
    tied: Record<string, string>;
    mask: number[];
  };
  hostile: { file: string; what: string }[];
};

const flagsOf = (f: Fixture): ImportFlags =>
  f.flags[0] === "--nonlinearity" ? { nonlinearity: f.flags[1] as "tanh" | "relu" } : {};

function logits(model: RecurrentModel, ids: number[]): number[] {
  return Array.from(model.logits(feed(model, model.newState(), Int32Array.from(ids))));
}

function expectSameTensors(a: SafetensorsFile, b: SafetensorsFile): void {
  expect([...a.tensors.keys()].sort()).toEqual([...b.tensors.keys()].sort());
  for (const [name, t] of a.tensors) {
    const u = b.tensors.get(name)!;
    expect({ name, dtype: t.dtype, shape: t.shape }).toEqual({ name, dtype: u.dtype, shape: u.shape });
    expect(t.values, name).toEqual(u.values); // bit for bit: both are the stored values, decoded exactly
  }
}

it("the fixtures were written by PyTorch 1.13", () => {
  expect(expected.torch).toMatch(/^1\.13\./);
  expect(expected.models.length).toBeGreaterThanOrEqual(21);
});

describe("PyTorch's logits from its own torch.save files", () => {
  for (const f of expected.models) {
    const tolerance = f.dtype === "float32" ? 1e-5 : 1e-12;
    it(`${f.file}: ${f.module} x${f.num_layers}${f.nonlinearity ? ` (${f.nonlinearity})` : ""}, ${f.dtype}, within ${tolerance}`, () => {
      const { spec } = readModelFile(`${F}/${f.file}`, flagsOf(f));
      if (spec.arch !== "recurrent") throw new Error("expected a recurrent model");
      expect(spec.format).toBe(f.dtype);
      expect(spec.layers).toHaveLength(f.num_layers);
      const cell = { "nn.RNN": "elman", "nn.LSTM": "lstm", "nn.GRU": "gru" }[f.module];
      for (const layer of spec.layers) expect(layer.cell).toBe(cell);
      const model = compileModel(spec);
      (f.sequences ?? expected.sequences).forEach((ids, i) => {
        const got = logits(model, ids);
        const worst = Math.max(...got.map((v, j) => Math.abs(v - f.logits[i]![j]!)));
        expect(worst, `sequence ${i}`).toBeLessThanOrEqual(tolerance);
      });
    });
  }
});

describe("the same tensors as the safetensors file of the same weights", () => {
  for (const f of expected.models) {
    it(`${f.file} = ${f.safetensors}`, () => {
      expect(f.safetensors, "the script found the twin file's weights equal").not.toBeNull();
      const dir = f.views ? F : SAFETENSORS;
      expectSameTensors(readPtFile(`${F}/${f.file}`), readSafetensorsFile(`${dir}/${f.safetensors}`));
    });
  }

  it("and the same model, by its SHA-256, so certificates about one verify against the other", () => {
    for (const f of expected.models.filter((m) => !m.views)) {
      const flags = flagsOf(f);
      const pt = readModelFile(`${F}/${f.file}`, flags);
      // the safetensors twin keeps in its metadata what the .pt file's sidecar says
      const st = readModelFile(`${SAFETENSORS}/${f.safetensors}`, flags);
      expect(pt.sha256, f.file).toBe(st.sha256);
      expect(pt.sha256).toBe(modelSha256(st.spec));
    }
  });
});

it("the variants are what they say: pickle protocol 4, and nn.Parameters", () => {
  const p4 = readZip(readFileSync(`${F}/lstm-1.protocol4.pt`), "p4").get("lstm-1.protocol4/data.pkl")!;
  expect([p4[0], p4[1]]).toEqual([0x80, 4]);
  for (const op of [0x95, 0x8c, 0x94, 0x93]) expect(p4.includes(op), `opcode 0x${op.toString(16)}`).toBe(true);
  const params = readZip(readFileSync(`${F}/lstm-1.params.pt`), "params").get("lstm-1.params/data.pkl")!;
  expect(Buffer.from(params).includes("_rebuild_parameter")).toBe(true);
});

describe("non-contiguous views", () => {
  for (const f of expected.models.filter((m) => m.views)) {
    it(`${f.file}: transposed, offset, strided, expanded and shared tensors`, () => {
      const strides = Object.values(f.views!).map((v) => v.stride.join(","));
      expect(strides).toContain("1,7"); // a transposed matrix
      expect(strides).toContain("0"); // an expanded vector
      expect(Object.values(f.views!).some((v) => v.offset > 0)).toBe(true);
      const file = readPtFile(`${F}/${f.file}`);
      expect(Array.from(file.tensors.get("lstm.bias_hh_l0")!.values!)).toEqual(new Array(24).fill(0.25));
      expect(file.tensors.get("embedding.weight")!.shape).toEqual([7, 5]);
    });
  }
});

describe("a GPT-2 state dict (HF GPT2LMHeadModel names) into the tensor map", () => {
  const g = expected.gpt2;
  const file = readPtFile(`${F}/${g.file}`);

  it("every name, dtype and shape, in the state dict's order", () => {
    const dtypes: Record<string, string> = { F32: "float32", BOOL: "bool" };
    expect([...file.tensors.keys()]).toEqual(Object.keys(g.tensors));
    for (const [name, t] of file.tensors)
      expect({ name, dtype: dtypes[t.dtype], shape: t.shape }).toEqual({ name, ...g.tensors[name] });
    expect(file.tensors.get("transformer.h.0.attn.c_attn.weight")!.shape).toEqual([8, 24]); // Conv1D: (d, 3d)
    expect(file.tensors.get("transformer.h.0.attn.masked_bias")!.shape).toEqual([]); // a 0-d tensor
  });

  it("every float value, bit for bit, and the tied lm_head equal to wte", () => {
    const floats = readSafetensorsFile(`${F}/${g.safetensors}`);
    for (const [name, t] of floats.tensors) expect(file.tensors.get(name)!.values, name).toEqual(t.values);
    for (const [tied, to] of Object.entries(g.tied))
      expect(file.tensors.get(tied)!.values).toEqual(file.tensors.get(to)!.values);
  });

  it("the bool causal mask is size-checked and carries no values (it is no weight)", () => {
    expect(file.tensors.get("transformer.h.0.attn.bias")).toMatchObject({
      dtype: "BOOL",
      shape: [1, 1, 6, 6],
      values: undefined,
    });
    expect(g.mask.filter((x) => x === 1)).toHaveLength(21); // the lower triangle PyTorch saved
  });

  it("as a model file it is read as a GPT-2 block, and refused with one line: no n_head, and an LM head, not a score", () => {
    expect(errorOf(() => readModelFile(`${F}/${g.file}`)).oneLine()).toMatch(
      /the number of heads \(GPT2Config\.n_head\) is not in the tensors: give "ccbound\.heads"/,
    );
  });
});

describe("hostile files: refused with one line, nothing run", () => {
  const patterns: Record<string, [string, RegExp]> = {
    "hostile/os-system.pt": ["refused-pickle", /the global "posix\.system" \(at byte \d+ of os-system\/data\.pkl\)/],
    "hostile/os-system-global.pt": [
      "refused-pickle",
      /the global "os\.system" \(at byte 2 of os-system-global\/data\.pkl\)/,
    ],
    "hostile/builtins-eval.pt": ["refused-pickle", /the global "builtins\.eval" \(at byte \d+/],
    "hostile/inst.pt": ["refused-pickle", /opcode INST \(0x69\) at byte 32 of inst\/data\.pkl/],
    "hostile/huge-memo.pt": ["too-large", /memo index 4294967295 \(LONG_BINPUT at byte 3\)/],
    "hostile/unset-memo.pt": [
      "malformed-pt",
      /LONG_BINGET at byte 2 reads memo index 4294967294, which was never stored/,
    ],
    "hostile/truncated.pt": ["malformed-pt", /no end-of-central-directory record \(a truncated file\?\)/],
    "hostile/truncated-pickle.pt": ["malformed-pt", /but the pickle ends \(a truncated file\?\)/],
    "hostile/zip-slip.pt": [
      "malformed-pt",
      /entry name "\.\.\/\.\.\/\.\.\/tmp\/ccbound-pwned" climbs out of the archive/,
    ],
    "hostile/zip-bomb.pt": ["too-large", /entry "zip-bomb\/data\/0" declares 83886080 bytes, more than 67108864/],
    "hostile/zip-bomb-lying.pt": ["malformed-pt", /inflates to more than the 4096 bytes it declares \(a zip bomb\?\)/],
    "hostile/strides-past-storage.pt": [
      "malformed-pt",
      /tensor "w" \(size \[10\], stride \[1\], offset 0\) reaches element 9 of a storage of 5/,
    ],
    "hostile/strides-overlap-end.pt": ["malformed-pt", /reaches element 6 of a storage of 6/],
    "hostile/complex.pt": ["invalid-model", /a tensor of dtype complex64/],
    "hostile/legacy.pt": ["invalid-model", /PyTorch's legacy format/],
    "hostile/torchscript.pt": ["invalid-model", /a TorchScript archive \(torch\.jit\.save\)/],
  };

  it("every hostile file the script wrote has a test here", () => {
    expect(expected.hostile.map((h) => h.file).sort()).toEqual(Object.keys(patterns).sort());
  });

  for (const h of expected.hostile) {
    it(`${h.file}: ${h.what}`, () => {
      const [code, pattern] = patterns[h.file]!;
      const e = errorOf(() => readModelFile(`${F}/${h.file}`));
      expect(e.code).toBe(code);
      expect(e.oneLine()).toMatch(pattern);
      expect(e.oneLine()).not.toContain("\n");
      expect(existsSync("/tmp/ccbound-pwned")).toBe(false);
    });
  }
});
