/**
 * Transformers in safetensors, in and out. The fixtures are real PyTorch modules (the `Transformer` of
 * scripts/pytorch-transformer-fixtures.py, which docs/safetensors.md shows): ccbound's logits must match PyTorch's
 * within 1e-6 in float32 and 1e-12 in float64, absolute. Writing a model and reading it back must give the same model
 * object and the same SHA-256.
 */
import type { PaperLayer } from "../../src/models/blocks/paper.js";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { modelSha256, readModelFile } from "../../src/io/model-file.js";
import { exportPytorchModel } from "../../src/io/pytorch-export.js";
import { parseSafetensors, readSafetensorsFile } from "../../src/io/safetensors.js";
import { writeModelFile } from "../../src/io/write-model.js";
import { compileModel } from "../../src/models/compile.js";
import { randomTransformer } from "../../src/models/random-transformer.js";
import type { TransformerModelSpec } from "../../src/models/spec.js";
import { transformerModel } from "./fixtures.js";

const FIXTURES = "test/fixtures/pytorch-transformer";

interface TransformerFixture {
  file: string;
  dtype: "float32" | "float64";
  layers: number;
  heads: number;
  ffn: number;
  norms: [boolean, boolean];
  causal: boolean;
  prefix: string;
  settings: "metadata" | "sidecar" | null;
  vocab: string[];
  labels: string[];
  sequences: number[][];
  logits: number[][];
}
const expected = JSON.parse(readFileSync(`${FIXTURES}/expected.json`, "utf8")) as {
  torch: string;
  models: TransformerFixture[];
};

function transformerOf(path: string): TransformerModelSpec {
  const { spec } = readModelFile(path);
  if (spec.arch !== "transformer") throw new Error(`${path} is read as ${spec.arch}, not as a Transformer`);
  return spec;
}

function maxDiff(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
}

describe(`PyTorch's logits, reproduced from its Transformers' safetensors files (torch ${expected.torch})`, () => {
  it("there is a fixture of every kind the import must handle", () => {
    const has = (p: (f: TransformerFixture) => boolean) => expected.models.some(p);
    expect([1, 2].every((l) => has((f) => f.layers === l))).toBe(true);
    expect(has((f) => f.ffn > 0) && has((f) => f.ffn === 0)).toBe(true);
    expect(has((f) => f.norms.includes(true)) && has((f) => !f.norms.includes(true))).toBe(true);
    expect(has((f) => f.causal && f.layers > 1) && has((f) => !f.causal)).toBe(true);
    expect(has((f) => f.dtype === "float32") && has((f) => f.dtype === "float64")).toBe(true);
  });

  for (const f of expected.models) {
    const tolerance = f.dtype === "float32" ? 1e-6 : 1e-12;
    it(`${f.file}: ${f.layers} layer(s), ${f.heads} head(s), ${f.causal ? "causal" : "bidirectional"}, settings in ${f.settings ?? "nowhere"}; within ${tolerance}`, () => {
      const spec = transformerOf(`${FIXTURES}/${f.file}`);
      expect(spec).toMatchObject({ format: f.dtype, causal: f.causal, vocab: f.vocab, labels: f.labels });
      expect(
        (spec.layers as PaperLayer[]).map((l) => [
          l.heads.length,
          l.ffn?.bias1.length ?? 0,
          l.norm1 !== undefined,
          l.norm2 !== undefined,
        ]),
      ).toEqual(Array.from({ length: f.layers }, () => [f.heads, f.ffn, ...f.norms]));
      const model = compileModel(spec);
      if (model.kind !== "transformer") throw new Error("not compiled as a Transformer");
      f.sequences.forEach((ids, i) => {
        expect(
          maxDiff(Array.from(model.logits(Int32Array.from(ids))), f.logits[i]!),
          `sequence ${i}`,
        ).toBeLessThanOrEqual(tolerance);
      });
    });
  }
});

describe("what the import infers when the file does not say", () => {
  it("a bare state_dict: id tokens and labels, not causal, the dtype's format, nn.LayerNorm's eps 1e-5", () => {
    const spec = transformerOf(`${FIXTURES}/t2-ffn-norm.safetensors`);
    expect(spec).toMatchObject({
      vocab: ["0", "1", "2", "3", "4"],
      labels: ["0", "1", "2"],
      causal: false,
      format: "float32",
    });
    expect((spec.layers as PaperLayer[]).flatMap((l) => [l.norm1?.eps, l.norm2?.eps])).toEqual([
      1e-5, 1e-5, 1e-5, 1e-5,
    ]);
    expect(spec.name).toBeUndefined();
  });

  it("a wrapped module's names (model.embed.weight, ...) are found under their prefix; eps and causal from the metadata", () => {
    const spec = transformerOf(`${FIXTURES}/t2-norm-causal.f64.safetensors`);
    expect(spec).toMatchObject({ causal: true, format: "float64", labels: ["x", "y", "z"] });
    expect((spec.layers as PaperLayer[]).flatMap((l) => [l.norm1?.eps, l.norm2?.eps])).toEqual([
      1e-3, 1e-3, 1e-3, 1e-3,
    ]);
  });

  it("settings from a sidecar file", () => {
    expect(transformerOf(`${FIXTURES}/t2-causal-ffn.safetensors`)).toMatchObject({
      causal: true,
      vocab: ["a", "b", "c", "d", "e"],
    });
  });

  // Otherwise the fixtures could not tell a causal import from a bidirectional one.
  it("causal matters in the two-layer causal fixtures: run bidirectionally, their logits are far from PyTorch's", () => {
    for (const f of expected.models.filter((m) => m.causal && m.layers > 1)) {
      const model = compileModel({ ...transformerOf(`${FIXTURES}/${f.file}`), causal: false });
      if (model.kind !== "transformer") throw new Error("not compiled as a Transformer");
      const diffs = f.sequences.map((ids, i) => maxDiff(Array.from(model.logits(Int32Array.from(ids))), f.logits[i]!));
      expect(Math.max(...diffs), f.file).toBeGreaterThan(1e-3);
    }
  });
});

const dir = mkdtempSync(join(tmpdir(), "ccbound-transformer-"));

/** Writes `spec` as safetensors and as JSON, reads both back: the same model object and hash, both ways. */
function expectRoundTrip(spec: TransformerModelSpec, name: string): void {
  const st = join(dir, `${name}.safetensors`);
  writeModelFile(st, spec);
  const back = readModelFile(st);
  expect(back.spec).toEqual(spec);
  expect(back.sha256).toBe(modelSha256(spec));
  const json = join(dir, `${name}.json`);
  writeModelFile(json, back.spec);
  expect(readModelFile(json).sha256).toBe(modelSha256(spec));
}

describe("writing Transformers: PyTorch names, and a lossless round trip", () => {
  const base = transformerModel();
  const layer = base.layers[0]! as PaperLayer;
  const cases: [string, () => TransformerModelSpec][] = [
    ["fixed point (F64), norm1 only, causal, named", transformerModel],
    [
      "float32 with a weight that is no float32 value (widened to F64)",
      () => ({
        ...base,
        format: "float32",
        tokenEmbedding: [
          [0.1, 0],
          [0, 1],
          [1, 1],
        ],
      }),
    ],
    [
      "float16, no FFN, both norms with different eps",
      () => ({
        ...base,
        format: "float16",
        description: "d",
        layers: [
          {
            ...layer,
            ffn: null,
            norm1: { weight: [1, 2], bias: [0, 0.5], eps: 0.25 },
            norm2: { weight: [0.5, 1], bias: [1, 0], eps: 0.5 },
          },
        ],
      }),
    ],
    [
      "bfloat16, norm2 only, not causal, no name",
      () =>
        ({
          ...base,
          name: undefined,
          format: "bfloat16",
          causal: false,
          layers: [
            { heads: layer.heads, output: layer.output, ffn: null, norm2: { weight: [1, 1], bias: [0, 0], eps: 1e-5 } },
          ],
        }) as TransformerModelSpec,
    ],
    [
      "two layers, the second without norm",
      () => ({ ...base, layers: [layer, { heads: layer.heads, output: layer.output, ffn: null }] }),
    ],
  ];
  for (const [what, make] of cases) {
    it(what, () => {
      const spec = make();
      if (spec.name === undefined) delete spec.name; // an absent name, not an undefined one: what a reader gives back
      expectRoundTrip(spec, what.replace(/\W+/g, "-"));
    });
  }

  it("the models of fixtures.json (float64, 1 to 3 layers)", () => {
    const data = JSON.parse(readFileSync(`${FIXTURES}/fixtures.json`, "utf8")) as {
      fixtures: { model: TransformerModelSpec }[];
    };
    data.fixtures.forEach((f, i) => expectRoundTrip(f.model, `fixtures-${i}`));
  });

  it("random Transformers in every kind of format (fast-check, seed 31)", () => {
    const options = fc.record({
      width: fc.integer({ min: 1, max: 4 }),
      headWidth: fc.integer({ min: 1, max: 3 }),
      heads: fc.integer({ min: 1, max: 3 }),
      layers: fc.integer({ min: 1, max: 3 }),
      maxLength: fc.integer({ min: 1, max: 6 }),
      ffn: fc.integer({ min: 0, max: 4 }),
      causal: fc.boolean(),
      layerNorm: fc.boolean(),
      format: fc.constantFrom("float64", "float32", "float16", "bfloat16", "fixed:2.5", "fixed:1.3:nearest"),
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(options, (o) =>
        expectRoundTrip(randomTransformer({ ...o, vocab: ["a", "b"], labels: ["0", "1", "2"] }), "random"),
      ),
      { seed: 31, numRuns: 150 },
    );
  });

  it("the tensors carry the names of the docs' nn.Module, the dtype the format's, the metadata what tensors cannot say", () => {
    const spec: TransformerModelSpec = {
      ...base,
      format: "float32",
      layers: [layer, { ...layer, norm1: undefined, norm2: { ...layer.norm1!, eps: 0.125 } }],
    };
    delete (spec.layers[1]! as PaperLayer).norm1;
    const file = parseSafetensors(exportPytorchModel(spec, "m").bytes, "m");
    const layerNames = (l: number, norms: string[]) => [
      ...[0, 1].flatMap((h) => ["query", "key", "value"].map((p) => `layers.${l}.heads.${h}.${p}.weight`)),
      `layers.${l}.output.weight`,
      ...["linear1", "linear2"].flatMap((m) => [`layers.${l}.${m}.weight`, `layers.${l}.${m}.bias`]),
      ...norms.flatMap((m) => [`layers.${l}.${m}.weight`, `layers.${l}.${m}.bias`]),
    ];
    expect([...file.tensors.keys()]).toEqual([
      "embed.weight",
      "pos_embed.weight",
      ...layerNames(0, ["norm1"]),
      ...layerNames(1, ["norm2"]),
      "head.weight",
      "head.bias",
    ]);
    expect(file.tensors.get("layers.0.heads.1.key.weight")).toMatchObject({ dtype: "F32", shape: [2, 2] });
    expect(file.tensors.get("layers.0.output.weight")).toMatchObject({ shape: [2, 4] });
    expect(file.tensors.get("layers.0.linear1.bias")).toMatchObject({ shape: [3] });
    expect(file.tensors.get("layers.1.norm2.weight")).toMatchObject({ shape: [2] });
    expect(file.metadata).toEqual({
      format: "pt",
      "ccbound.arch": "transformer",
      "ccbound.format": "float32",
      "ccbound.vocab": '["0","1","2"]',
      "ccbound.labels": '["no","yes"]',
      "ccbound.causal": "true",
      "ccbound.layer_norm_eps": '{"layers.0.norm1":0.0625,"layers.1.norm2":0.125}',
      "ccbound.name": "fixture",
    });
    expect(
      parseSafetensors(exportPytorchModel({ ...spec, layers: [layer] }, "m").bytes, "m").metadata[
        "ccbound.layer_norm_eps"
      ],
    ).toBe("0.0625");
  });
});

describe("what PyTorch's module loads is what ccbound writes", () => {
  // load_state_dict(strict=True) needs exactly the module's names: those of the files PyTorch wrote.
  it("the tensor names and shapes of every unwrapped fixture, read and written back", () => {
    for (const f of expected.models.filter((m) => m.prefix === "")) {
      const file = readSafetensorsFile(`${FIXTURES}/${f.file}`);
      const written = parseSafetensors(exportPytorchModel(transformerOf(`${FIXTURES}/${f.file}`), "m").bytes, "m");
      const shapes = (t: typeof file) =>
        [...t.tensors.values()].map((x) => `${x.name} [${x.shape.join(", ")}] ${x.dtype}`).sort();
      expect(shapes(written), f.file).toEqual(shapes(file));
    }
  });

  it("docs/safetensors.md shows the fixture script's module, letter for letter", () => {
    const docs = readFileSync("docs/safetensors.md", "utf8");
    const block = /```python\n(class Head\(nn\.Module\):[\s\S]*?)\n\n\ntensors, metadata = /.exec(docs)?.[1];
    expect(block).toMatch(/def transformer_from\(tensors, metadata\):/);
    expect(readFileSync("scripts/pytorch-transformer-fixtures.py", "utf8")).toContain(block);
  });
});
