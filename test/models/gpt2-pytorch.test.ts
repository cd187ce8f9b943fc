/**
 * GPT-2 and nn.TransformerEncoder classifiers made by PyTorch (scripts/gpt2-fixtures.py: HF GPT2ForSequenceClassification
 * ported to plain PyTorch from the reference commit, and torch's own nn.TransformerEncoder with a causal mask), read
 * from safetensors and from torch.save files under the reference names: ccbound's logits must match PyTorch's within
 * 1e-5 in float32 and 1e-12 in float64 (absolute), and both files must load to the same model. Then what the import
 * refuses with one line, and the export that PyTorch loads back.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { modelSha256, readModelFile, validateModel } from "../../src/io/model-file.js";
import { exportPytorchModel } from "../../src/io/pytorch-export.js";
import { importPytorchModel, settingsOf } from "../../src/io/pytorch-import.js";
import { parseSafetensors } from "../../src/io/safetensors.js";
import type { TorchEncoderLayer } from "../../src/models/blocks/torch-encoder.js";
import { compileModel } from "../../src/models/compile.js";
import { randomTransformer } from "../../src/models/random-transformer.js";
import type { TransformerModelSpec } from "../../src/models/spec.js";
import { errorOf, paths } from "../io/expect-error.js";

const DIR = "test/fixtures/gpt2";

interface Fixture {
  name: string;
  dtype: "float32" | "float64";
  block: "gpt2" | "torch-encoder";
  layers: number;
  normFirst?: boolean;
  activation?: "relu" | "gelu";
  finalNorm?: boolean;
  sequences: number[][];
  logits: number[][];
}
const expected = JSON.parse(readFileSync(`${DIR}/expected.json`, "utf8")) as {
  torch: string;
  reference: string;
  models: Fixture[];
};

const TOLERANCE = { float32: 1e-5, float64: 1e-12 };

function transformerOf(path: string): TransformerModelSpec {
  const { spec } = readModelFile(path);
  if (spec.arch !== "transformer") throw new Error(`${path} is read as ${spec.arch}, not as a Transformer`);
  return spec;
}

/** The largest absolute difference from PyTorch's logits over the fixture's sequences. */
function worst(spec: TransformerModelSpec, f: Fixture): number {
  const model = compileModel(spec);
  let max = 0;
  f.sequences.forEach((s, i) =>
    model.logits(Int32Array.from(s)).forEach((v, j) => (max = Math.max(max, Math.abs(v - f.logits[i]![j]!)))),
  );
  return max;
}

describe(`GPT-2 and nn.TransformerEncoder logits from PyTorch ${expected.torch} (GPT-2: ${expected.reference})`, () => {
  it("there is a fixture of every kind: both blocks, 1 and 2 layers, float32 and float64, norm_first both ways, relu and gelu, with and without a final norm", () => {
    const has = (p: (f: Fixture) => boolean) => expected.models.some(p);
    for (const block of ["gpt2", "torch-encoder"] as const)
      for (const layers of [1, 2]) expect(has((f) => f.block === block && f.layers === layers)).toBe(true);
    expect(has((f) => f.dtype === "float32") && has((f) => f.dtype === "float64")).toBe(true);
    expect(has((f) => f.normFirst === true) && has((f) => f.normFirst === false)).toBe(true);
    expect(has((f) => f.activation === "relu") && has((f) => f.activation === "gelu")).toBe(true);
    expect(has((f) => f.finalNorm === true) && has((f) => f.finalNorm === false)).toBe(true);
  });

  for (const f of expected.models) {
    it(`${f.name} (${f.block}, ${f.layers} layer${f.layers > 1 ? "s" : ""}, ${f.dtype}): .safetensors and .pt load to one model, within ${TOLERANCE[f.dtype]} of PyTorch`, () => {
      const fromSafetensors = transformerOf(`${DIR}/${f.name}.safetensors`);
      const fromPt = transformerOf(`${DIR}/${f.name}.pt`);
      expect(modelSha256(fromPt)).toBe(modelSha256(fromSafetensors));
      expect(fromSafetensors.format).toBe(f.dtype);
      expect(fromSafetensors.layers.every((l) => (l as { block?: string }).block === f.block)).toBe(true);
      expect(fromSafetensors.finalNorm !== undefined).toBe(f.block === "gpt2" || f.finalNorm === true);
      expect(fromSafetensors.causal).toBe(true);
      expect(worst(fromSafetensors, f)).toBeLessThan(TOLERANCE[f.dtype]);
    });
  }

  it("the fixtures tell the settings apart: the encoder read with norm_first or the activation flipped misses PyTorch's logits", () => {
    const f = expected.models.find((m) => m.name === "enc-first-gelu.f64")!;
    const spec = transformerOf(`${DIR}/${f.name}.safetensors`);
    const flip = (change: Partial<TorchEncoderLayer>): TransformerModelSpec => ({
      ...spec,
      layers: spec.layers.map((l) => ({ ...(l as TorchEncoderLayer), ...change })),
    });
    expect(worst(flip({ normFirst: false }), f)).toBeGreaterThan(1e-3);
    expect(worst(flip({ activation: "relu" }), f)).toBeGreaterThan(1e-3);
  });
});

describe("the import refuses, with one line naming what is wrong", () => {
  const file = (name: string) => parseSafetensors(readFileSync(`${DIR}/${name}.safetensors`), name);
  const settings = (record: Record<string, unknown>) => settingsOf(record, "the sidecar", "sidecar", true);

  it("a GPT-2 or an encoder without its number of heads", () => {
    expect(errorOf(() => importPytorchModel(file("gpt2-1"), {}, "gpt2-1")).oneLine()).toMatch(
      /n_head\) is not in the tensors: give "ccbound\.heads"/,
    );
    expect(errorOf(() => importPytorchModel(file("enc-post-relu"), {}, "enc")).oneLine()).toMatch(
      /nhead\) is not in the tensors/,
    );
  });

  it("heads that do not divide d, a setting GPT-2 does not take, causal false", () => {
    expect(errorOf(() => importPytorchModel(file("gpt2-1"), settings({ "ccbound.heads": 3 }), "g")).oneLine()).toMatch(
      /"ccbound\.heads" is 3, which does not divide d = 4, the columns of "transformer\.wte\.weight"/,
    );
    const normFirst = settings({ "ccbound.heads": 2, "ccbound.norm_first": true });
    expect(errorOf(() => importPytorchModel(file("gpt2-1"), normFirst, "g")).oneLine()).toMatch(
      /"ccbound\.norm_first" \(from the sidecar\) does not apply to a gpt2 block/,
    );
    const acausal = settings({ "ccbound.heads": 2, "ccbound.causal": false });
    expect(errorOf(() => importPytorchModel(file("enc-post-relu"), acausal, "e")).oneLine()).toMatch(
      /"ccbound\.causal" .* is false, but ccbound runs a torch-encoder block causally/,
    );
    expect(errorOf(() => settings({ "ccbound.activation": "tanh" })).oneLine()).toMatch(/expected relu or gelu/);
  });

  it("a GPT-2 file whose c_attn is not d x 3d (Conv1D keeps in x out)", () => {
    const spec = transformerOf(`${DIR}/gpt2-1.safetensors`);
    const bytes = exportPytorchModel(spec, "g").bytes;
    const text = Buffer.from(bytes)
      .toString("latin1")
      .replace('"transformer.h.0.attn.c_attn.weight"', '"transformer.h.0.attn.c_attn.weigh_"');
    const broken = parseSafetensors(Buffer.from(text, "latin1"), "g");
    expect(errorOf(() => importPytorchModel(broken, {}, "g")).oneLine()).toMatch(/transformer\.h\.0\.attn\.c_attn/);
  });

  it("a c_attn saved in nn.Linear's layout (3d x d) instead of Conv1D's (d x 3d), naming the tensor", () => {
    const f = file("gpt2-1");
    const name = "transformer.h.0.attn.c_attn.weight";
    const t = f.tensors.get(name)!;
    const swapped = new Map([...f.tensors].map(([k, v]) => [k, k === name ? { ...t, shape: [12, 4] } : v]));
    const e = errorOf(() => importPytorchModel({ ...f, tensors: swapped }, settings({ "ccbound.heads": 2 }), "g"));
    expect(e.oneLine()).toMatch(/"transformer\.h\.0\.attn\.c_attn\.weight" .*12.*Conv1D keeps in x out/);
  });

  it("a JSON layer whose heads do not divide d, or a gpt2 model that is not causal, with its path", () => {
    const spec: any = transformerOf(`${DIR}/gpt2-1.safetensors`); // eslint-disable-line @typescript-eslint/no-explicit-any
    spec.layers[0].headCount = 3;
    expect(paths(errorOf(() => validateModel(spec, "m.json")))).toEqual(["/layers/0/headCount"]);
    spec.layers[0].headCount = 2;
    spec.causal = false;
    expect(errorOf(() => validateModel(spec, "m.json")).issues).toEqual([
      { path: "/causal", message: "is false, but layer 0 is a gpt2 block, which ccbound runs causally" },
    ]);
  });
});

describe("export: a random GPT-2 or encoder written as safetensors reads back to the same model", () => {
  it("for both blocks, 1-2 layers, float32 and float64, the encoder's settings both ways (the SHA-256 is kept)", () => {
    const dir = mkdtempSync(join(tmpdir(), "ccbound-gpt2-"));
    fc.assert(
      fc.property(
        fc.constantFrom("gpt2", "torch-encoder"),
        fc.constantFrom("float32", "float64"),
        fc.integer({ min: 1, max: 2 }),
        fc.boolean(),
        fc.constantFrom("relu" as const, "gelu" as const),
        fc.nat(),
        (block, format, layers, normFirst, activation, seed) => {
          const spec = randomTransformer({
            ...{ width: 4, heads: 2, layers, maxLength: 6, format, seed, ffn: 3, block, normFirst, activation },
            vocab: ["0", "1", "2"],
            labels: ["0", "1"],
          });
          const path = join(dir, `m${seed}.safetensors`);
          writeFileSync(path, exportPytorchModel(spec, path).bytes);
          expect(modelSha256(transformerOf(path))).toBe(modelSha256(validateModel(spec, "m")));
        },
      ),
      { seed: 15, numRuns: 30 },
    );
  });
});
