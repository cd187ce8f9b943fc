/**
 * Mamba-1 and linear Transformers that PyTorch wrote in the reference implementations' names
 * (scripts/mamba-fixtures.py: HF transformers' MambaModel, fast-transformers' RecurrentTransformerEncoder), as
 * safetensors and as torch.save files: each loads to PyTorch's logits (float32 within 1e-5, float64 within 1e-12;
 * ccbound rounds every operation once in the model's format, PyTorch in its own order, so they agree to rounding),
 * the two files of one model are one model by its SHA-256, and a broken file gets one line naming the tensor.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readModelFile } from "../../src/io/model-file.js";
import { importPytorchModel } from "../../src/io/pytorch-import.js";
import { readSafetensorsFile, type SafetensorsFile } from "../../src/io/safetensors.js";
import { compileModel } from "../../src/models/compile.js";
import { feed, type RecurrentModel } from "../../src/models/model.js";
import { errorOf } from "./expect-error.js";

const F = "test/fixtures/mamba";
const expected = JSON.parse(readFileSync(`${F}/expected.json`, "utf8")) as {
  torch: string;
  sequences: number[][];
  models: { file: string; dtype: "float32" | "float64"; config: Record<string, unknown>; logits: number[][] }[];
};

function logits(model: RecurrentModel, ids: number[]): number[] {
  return Array.from(model.logits(feed(model, model.newState(), Int32Array.from(ids))));
}

it("the fixtures were written by PyTorch 1.13: two Mamba and two linear Transformer models, float32 and float64", () => {
  expect(expected.torch).toMatch(/^1\.13\./);
  expect(expected.models.map((m) => m.file)).toHaveLength(8);
});

describe("PyTorch's logits", () => {
  for (const f of expected.models)
    for (const ext of ["safetensors", "pt"]) {
      const tolerance = f.dtype === "float32" ? 1e-5 : 1e-12;
      it(`${f.file}.${ext}, ${f.dtype}, within ${tolerance}`, () => {
        const { spec } = readModelFile(`${F}/${f.file}.${ext}`);
        if (spec.arch !== "recurrent") throw new Error("expected a recurrent model");
        expect(spec.format).toBe(f.dtype);
        expect(spec.layers).toHaveLength(f.config["layers"] as number);
        expect(spec.layers[0]!.cell).toBe(f.file.startsWith("mamba") ? "mamba" : "linear-attention");
        const model = compileModel(spec);
        if (model.kind !== "recurrent") throw new Error("recurrent");
        expected.sequences.forEach((ids, i) => {
          const got = logits(model, ids);
          const worst = Math.max(...got.map((v, j) => Math.abs(v - f.logits[i]![j]!)));
          expect(worst, `sequence ${i}`).toBeLessThanOrEqual(tolerance);
          // Not the same by accident: the logits differ between inputs by far more than the tolerance.
          if (i > 0) expect(Math.max(...got.map((v, j) => Math.abs(v - f.logits[0]![j]!)))).toBeGreaterThan(1e-3);
        });
      });
    }

  it("the .pt and the .safetensors file of one model are one model (SHA-256)", () => {
    for (const f of expected.models)
      expect(readModelFile(`${F}/${f.file}.pt`).sha256, f.file).toBe(
        readModelFile(`${F}/${f.file}.safetensors`).sha256,
      );
  });

  it("the state counts every layer's conv buffer and SSM state (Mamba), or S and z (linear attention)", () => {
    const mamba = compileModel(readModelFile(`${F}/mamba-2.safetensors`).spec);
    if (mamba.kind !== "recurrent") throw new Error("recurrent");
    expect(mamba.stateUnits).toBe(2 * (6 * 2 + 6 * 2)); // d_inner 6 x (d_conv 3 - 1) + d_inner 6 x d_state 2
    const la = compileModel(readModelFile(`${F}/linear-attention-1.safetensors`).spec);
    if (la.kind !== "recurrent") throw new Error("recurrent");
    expect(la.stateUnits).toBe(2 * (2 * 2 + 2)); // 2 heads x (d_keys 2 x d_values 2 + d_keys 2)
  });
});

/** The fixture's tensors with one changed (`undefined` removes it). */
function edited(file: string, name: string, shape?: number[]): SafetensorsFile {
  const f = readSafetensorsFile(`${F}/${file}`);
  const tensors = new Map(f.tensors);
  const t = tensors.get(name)!;
  if (shape === undefined) tensors.delete(name);
  else tensors.set(name, { ...t, shape, values: new Float64Array(shape.reduce((a, b) => a * b, 1)) });
  return { ...f, tensors };
}

describe("a broken file gets one line naming the tensor", () => {
  const importOf =
    (f: SafetensorsFile, settings = {}) =>
    () =>
      importPytorchModel(f, settings, "m.safetensors");
  it("a missing tensor", () => {
    expect(errorOf(importOf(edited("mamba-1.safetensors", "backbone.layers.0.mixer.D"))).message).toBe(
      'no tensor "backbone.layers.0.mixer.D"',
    );
    expect(errorOf(importOf(edited("mamba-1.safetensors", "backbone.norm_f.weight"))).message).toBe(
      'no tensor "backbone.norm_f.weight"',
    );
  });

  it("a wrong shape, with the reason for the expected one", () => {
    expect(
      errorOf(importOf(edited("mamba-1.safetensors", "backbone.layers.0.mixer.conv1d.weight", [8, 4]))).message,
    ).toBe(
      'tensor "backbone.layers.0.mixer.conv1d.weight" has shape [8, 4], expected [8, 1, d_conv] (depthwise, d_inner 8)',
    );
    expect(
      errorOf(importOf(edited("mamba-1.safetensors", "backbone.layers.0.mixer.dt_proj.weight", [8, 2]))).message,
    ).toBe('tensor "backbone.layers.0.mixer.dt_proj.weight" has shape [8, 2], expected [8, 1] (d_inner 8 x dt_rank 1)');
  });

  it("a tensor left over, a bias the reference does not have, heads not given", () => {
    const f = readSafetensorsFile(`${F}/mamba-1.safetensors`);
    const extra = new Map(f.tensors);
    extra.set("backbone.layers.0.mixer.out_proj.bias", {
      ...f.tensors.get("backbone.norm_f.weight")!,
      name: "backbone.layers.0.mixer.out_proj.bias",
    });
    expect(errorOf(importOf({ ...f, tensors: extra })).message).toMatch(
      /out_proj\.bias": a Mamba with use_bias = True/,
    );
    const la = readSafetensorsFile(`${F}/linear-attention-1.safetensors`);
    expect(errorOf(importOf({ ...la, metadata: {} })).message).toMatch(/number of heads .* "ccbound\.heads"/);
    expect(errorOf(importOf(f, { heads: { value: 2, from: "--x" } })).oneLine()).toMatch(/does not apply to a Mamba/);
  });
});
