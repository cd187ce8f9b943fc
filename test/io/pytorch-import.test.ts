/**
 * PyTorch state_dicts in safetensors as ccbound models, and back. The fixtures are real PyTorch modules
 * (scripts/pytorch-fixtures.py): ccbound's logits must match PyTorch's within 1e-6 in float32 and 1e-12 in float64.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { modelSha256, readModelFile } from "../../src/io/model-file.js";
import { writeModelFile } from "../../src/io/write-model.js";
import { exportPytorchModel } from "../../src/io/pytorch-export.js";
import { importPytorchModel, readPytorchModel, sidecarPath, type ImportFlags } from "../../src/io/pytorch-import.js";
import { parseSafetensors, readSafetensorsFile, safetensorsBytes, type FloatDtype } from "../../src/io/safetensors.js";
import { compileModel } from "../../src/models/compile.js";
import { feed, type RecurrentModel } from "../../src/models/model.js";
import type { RecurrentModelSpec } from "../../src/models/spec.js";
import { errorOf } from "./expect-error.js";
import { dfaModel, elmanModel, fill, gruModel, linearModel, lstmModel, stackedModel, vec } from "./fixtures.js";

const FIXTURES = "test/fixtures/pytorch";

interface Fixture {
  file: string;
  module: string;
  num_layers: number;
  nonlinearity: "tanh" | "relu" | null;
  dtype: "float32" | "float64";
  flags: string[];
  sequences?: number[][];
  vocab?: string[];
  logits: number[][];
}
const expected = JSON.parse(readFileSync(`${FIXTURES}/expected.json`, "utf8")) as {
  sequences: number[][];
  models: Fixture[];
};

function flagsOf(f: Fixture): ImportFlags {
  return f.flags[0] === "--nonlinearity" ? { nonlinearity: f.flags[1] as "tanh" | "relu" } : {};
}

function logits(model: RecurrentModel, ids: number[]): number[] {
  return Array.from(model.logits(feed(model, model.newState(), Int32Array.from(ids))));
}

function maxDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
}

describe("PyTorch's logits, reproduced from the safetensors files", () => {
  for (const f of expected.models) {
    const tolerance = f.dtype === "float32" ? 1e-6 : 1e-12;
    it(`${f.file}: ${f.module} x${f.num_layers}${f.nonlinearity ? ` (${f.nonlinearity})` : ""}, ${f.dtype}, within ${tolerance}`, () => {
      const { spec } = readModelFile(`${FIXTURES}/${f.file}`, flagsOf(f));
      if (spec.arch !== "recurrent") throw new Error("expected a recurrent model");
      expect(spec.format).toBe(f.dtype);
      expect(spec.layers).toHaveLength(f.num_layers);
      const cell = { "nn.RNN": "elman", "nn.LSTM": "lstm", "nn.GRU": "gru" }[f.module];
      for (const layer of spec.layers) {
        expect(layer.cell).toBe(cell);
        if (layer.cell === "elman") expect(layer.nonlinearity).toBe(f.nonlinearity);
      }
      const model = compileModel(spec);
      const sequences = f.sequences ?? expected.sequences;
      sequences.forEach((ids, i) =>
        expect(maxDiff(logits(model, ids), f.logits[i]!), `sequence ${i}`).toBeLessThanOrEqual(tolerance),
      );
    });
  }
});

describe("what the import infers and what it is told", () => {
  it("tokens and labels are ids unless named; the vocabulary in the metadata is used", () => {
    const { spec } = readModelFile(`${FIXTURES}/lstm-2.safetensors`);
    expect(spec.vocab).toEqual(["0", "1", "2", "3", "4", "5", "6"]);
    expect(spec.labels).toEqual(["0", "1", "2"]);
    const named = readModelFile(`${FIXTURES}/index-lookup-lstm.safetensors`).spec;
    expect(named.vocab).toEqual(["0", "1", "@1", "@2", "@3", "@4", "@5", "@6"]);
    expect(named.labels).toEqual(["0", "1"]);
    expect(named.name).toBe("index-lookup-6");
  });

  it("an nn.RNN without bias gets zero biases", () => {
    const spec = readPytorchModel(`${FIXTURES}/rnn-relu-1.safetensors`);
    expect(spec.layers[0]).toMatchObject({
      cell: "elman",
      nonlinearity: "relu",
      hidden: 4,
      bias_ih: [0, 0, 0, 0],
      bias_hh: [0, 0, 0, 0],
    });
  });

  it("a head without bias, d = hidden: the module names tell embedding (embedding) from head (linear)", () => {
    const spec = readPytorchModel(`${FIXTURES}/gru-1.safetensors`);
    if (spec.arch !== "recurrent") throw new Error("expected a recurrent model");
    const file = readSafetensorsFile(`${FIXTURES}/gru-1.safetensors`);
    expect(spec.embedding.flat()).toEqual(Array.from(file.tensors.get("embedding.weight")!.values!));
    expect(spec.head.weight.flat()).toEqual(Array.from(file.tensors.get("linear.weight")!.values!));
    expect(spec.head.bias).toEqual([0, 0, 0]);
  });

  it("the nonlinearity of an nn.RNN: required, from metadata, sidecar or flag, the flag winning", () => {
    const error = errorOf(() => readModelFile(`${FIXTURES}/rnn-relu-2.safetensors`));
    expect(error.oneLine()).toMatch(
      /rnn-relu-2\.safetensors: the nonlinearity of an nn\.RNN \(tanh or relu\) cannot be read from its weights: give it with --nonlinearity tanh\|relu, or as "ccbound\.nonlinearity" in the file's __metadata__ or in test\/fixtures\/pytorch\/rnn-relu-2\.ccbound\.json/,
    );
    expect(sidecarPath(`${FIXTURES}/rnn-tanh-1.safetensors`)).toBe(`${FIXTURES}/rnn-tanh-1.ccbound.json`);
    const fromSidecar = readPytorchModel(`${FIXTURES}/rnn-tanh-1.safetensors`).layers[0]!;
    expect(fromSidecar).toMatchObject({ cell: "elman", nonlinearity: "tanh" });
    const fromFlag = readPytorchModel(`${FIXTURES}/rnn-tanh-2.safetensors`, { nonlinearity: "relu" }).layers[1]!;
    expect(fromFlag).toMatchObject({ cell: "elman", nonlinearity: "relu" });
  });

  it("a setting the file's cell does not take is refused with one line, from metadata, sidecar or flag", () => {
    const fromMetadata = errorOf(() =>
      readModelFile(writeTemp(stateDict(lstmDict(), { "ccbound.nonlinearity": "tanh" }))),
    );
    expect(fromMetadata.code).toBe("invalid-model");
    expect(fromMetadata.oneLine()).toMatch(
      /\.safetensors: "ccbound\.nonlinearity" \(from __metadata__\) does not apply to an nn\.LSTM, which this file holds/,
    );
    const path = writeTemp(stateDict(lstmDict(), {}));
    writeFileSync(sidecarPath(path), JSON.stringify({ "ccbound.nonlinearity": "relu" }));
    expect(errorOf(() => readModelFile(path)).oneLine()).toMatch(
      /"ccbound\.nonlinearity" \(from .*\.ccbound\.json\) does not apply to an nn\.LSTM, which this file holds/,
    );
    for (const file of ["gru-1.safetensors", "lstm-2.safetensors"]) {
      const fromFlag = errorOf(() => readPytorchModel(`${FIXTURES}/${file}`, { nonlinearity: "tanh" }));
      expect(fromFlag.code).toBe("invalid-flag");
      expect(fromFlag.oneLine()).toMatch(
        new RegExp(`^--nonlinearity: does not apply to an nn\\.(GRU|LSTM), which ${FIXTURES}/${file} holds`),
      );
    }
    // the cell that takes it still does
    expect(readPytorchModel(`${FIXTURES}/rnn-relu-1.safetensors`, { nonlinearity: "relu" }).layers[0]).toMatchObject({
      cell: "elman",
      nonlinearity: "relu",
    });
  });

  it("--vocab and --labels name the rows; a wrong count is refused with the flag", () => {
    const vocab = ["a", "b", "c", "d", "e", "f", "g"];
    expect(readPytorchModel(`${FIXTURES}/lstm-1.safetensors`, { vocab, labels: ["x", "y", "z"] })).toMatchObject({
      vocab,
      labels: ["x", "y", "z"],
    });
    const error = errorOf(() => readPytorchModel(`${FIXTURES}/lstm-1.safetensors`, { vocab: ["a"] }));
    expect(error.code).toBe("invalid-flag");
    expect(error.oneLine()).toMatch(/^--vocab: gives 1 tokens, but the embedding "embedding.weight" has 7 rows/);
    expect(
      errorOf(() => readPytorchModel(`${FIXTURES}/lstm-1.safetensors`, { labels: ["x", "x", "y"] })).oneLine(),
    ).toMatch(/^--labels: "x" appears twice/);
  });

  it("flags that only a safetensors file needs are refused for a JSON model", () => {
    const error = errorOf(() => readModelFile("examples/gru-float32-index16.json", { vocab: ["0"] }));
    expect(error.code).toBe("invalid-flag");
    expect(error.oneLine()).toMatch(/^--vocab: applies to safetensors model files only/);
  });
});

/** A state_dict built in memory: name -> [shape, values]; all F32 unless `dtype` says otherwise. */
function stateDict(
  tensors: Record<string, number[]>,
  metadata: Record<string, string> = {},
  dtype: FloatDtype = "F32",
) {
  const entries = Object.entries(tensors).map(([name, shape]) => {
    const n = shape.reduce((p, d) => p * d, 1);
    return { name, dtype, shape, values: Array.from({ length: n }, (_, i) => ((i % 5) - 2) / 4) };
  });
  return parseSafetensors(safetensorsBytes(entries, metadata), "m.safetensors");
}

/** Embedding(5, 3) -> LSTM(3, 2) -> Linear(2, 4), under the given names. */
function lstmDict(names = { embed: "embed", rnn: "rnn", head: "head" }, extra: Record<string, number[]> = {}) {
  return {
    [`${names.embed}.weight`]: [5, 3],
    [`${names.rnn}.weight_ih_l0`]: [8, 3],
    [`${names.rnn}.weight_hh_l0`]: [8, 2],
    [`${names.rnn}.bias_ih_l0`]: [8],
    [`${names.rnn}.bias_hh_l0`]: [8],
    [`${names.head}.weight`]: [4, 2],
    [`${names.head}.bias`]: [4],
    ...extra,
  };
}

function importError(tensors: Record<string, number[]>, metadata: Record<string, string> = {}) {
  const file = stateDict(tensors, metadata);
  return errorOf(() => importPytorchModel(file, {}, "m.safetensors"));
}

describe("state_dicts of other shapes: one clear line naming what is missing or extra", () => {
  it("any prefix is found by convention", () => {
    const spec = importPytorchModel(
      stateDict(lstmDict({ embed: "model.tok", rnn: "model.encoder.lstm", head: "model.cls" })),
      {},
      "m",
    );
    expect(spec).toMatchObject({ vocab: ["0", "1", "2", "3", "4"], labels: ["0", "1", "2", "3"], format: "float32" });
    expect(spec.layers[0]).toMatchObject({ cell: "lstm", hidden: 2 });
  });

  const cases: [string, Record<string, number[]>, RegExp][] = [
    [
      "no recurrent module",
      { "embed.weight": [5, 3], "head.weight": [4, 3] },
      /no recurrent layer: no tensor named <module>\.weight_ih_l0 \(nn\.RNN, nn\.LSTM or nn\.GRU\), nor a Transformer's layers\.0\.heads\.0\.query\.weight or transformer\.h\.0\.attn\.c_attn\.weight or encoder\.layers\.0\.self_attn\.in_proj_weight; name the module with "ccbound\.rnn"/,
    ],
    [
      "two recurrent modules",
      lstmDict(undefined, { "rnn2.weight_ih_l0": [8, 3] }),
      /2 recurrent modules \("rnn", "rnn2"\), ccbound imports one/,
    ],
    [
      "a bidirectional module",
      lstmDict(undefined, { "rnn.weight_ih_l0_reverse": [8, 3] }),
      /"rnn\.weight_ih_l0_reverse": bidirectional recurrent layers are not supported/,
    ],
    [
      "an LSTM with proj_size",
      lstmDict(undefined, { "rnn.weight_hr_l0": [2, 2] }),
      /LSTM projections \(proj_size > 0\) are not supported/,
    ],
    [
      "a missing weight_hh",
      Object.fromEntries(Object.entries(lstmDict()).filter(([k]) => k !== "rnn.weight_hh_l0")),
      /there is rnn\.weight_ih_l0 but no tensor "rnn\.weight_hh_l0"/,
    ],
    [
      "one bias without the other",
      Object.fromEntries(Object.entries(lstmDict()).filter(([k]) => k !== "rnn.bias_hh_l0")),
      /there is "rnn\.bias_ih_l0" but no tensor "rnn\.bias_hh_l0"/,
    ],
    [
      "a weight_hh of no cell's shape",
      { ...lstmDict(), "rnn.weight_hh_l0": [4, 2] },
      /"rnn\.weight_hh_l0" has shape \[4, 2\], expected \[G\*h, h\] with G = 1 \(nn\.RNN\), 3 \(nn\.GRU\) or 4 \(nn\.LSTM\)/,
    ],
    [
      "a weight_ih of the wrong width",
      { ...lstmDict(), "rnn.weight_ih_l0": [8, 3], "rnn.weight_ih_l1": [8, 3], "rnn.weight_hh_l1": [8, 2] },
      /"rnn\.weight_ih_l1" has shape \[8, 3\], expected \[8, 2\] \(4 gates \(i\|f\|g\|o\) x hidden 2, by the hidden size of layer 0 2\)/,
    ],
    [
      "a wrong bias length",
      { ...lstmDict(), "rnn.bias_ih_l0": [6] },
      /"rnn\.bias_ih_l0" has shape \[6\], expected \[8\]/,
    ],
    [
      "no embedding",
      Object.fromEntries(Object.entries(lstmDict()).filter(([k]) => k !== "embed.weight")),
      /no embedding: no 2-D tensor <module>\.weight with 3 columns/,
    ],
    [
      "no head",
      Object.fromEntries(Object.entries(lstmDict()).filter(([k]) => !k.startsWith("head"))),
      /no head: no 2-D tensor <module>\.weight with 2 columns/,
    ],
    [
      "a head bias of the wrong length",
      { ...lstmDict(), "head.bias": [3] },
      /"head\.bias" has shape \[3\], expected \[4\] \(the rows of head\.weight\)/,
    ],
    [
      "an extra Linear layer",
      lstmDict(undefined, { "fc2.weight": [4, 4], "fc2.bias": [4] }),
      /tensors? "fc2\.(weight|bias)".* not part of Embedding -> RNN\/LSTM\/GRU -> Linear/,
    ],
    [
      "two embeddings",
      lstmDict({ embed: "tok", rnn: "rnn", head: "head" }, { "pos.weight": [6, 3] }),
      /cannot tell the embedding among "tok\.weight", "pos\.weight"; name the modules with "ccbound\.embedding" and "ccbound\.head"/,
    ],
  ];
  for (const [what, tensors, pattern] of cases) {
    it(what, () => {
      const error = importError(tensors);
      expect(error.code).toBe("invalid-model");
      expect(error.where).toBe("m.safetensors");
      expect(error.oneLine()).toMatch(pattern);
      expect(error.oneLine()).not.toMatch(/[\r\n]/);
    });
  }

  it("a weight of an integer dtype", () => {
    const file = parseSafetensors(
      Buffer.concat([
        header({ "rnn.weight_ih_l0": { dtype: "I32", shape: [1, 1], data_offsets: [0, 4] } }),
        Buffer.alloc(4),
      ]),
      "m.safetensors",
    );
    expect(errorOf(() => importPytorchModel(file, {}, "m.safetensors")).oneLine()).toMatch(
      /tensor "rnn\.weight_ih_l0" has dtype I32; weights must be F64, F32, F16 or BF16/,
    );
  });

  it("settings in __metadata__: checked, a misspelt key refused with a suggestion, arch cross-checked", () => {
    const read = (metadata: Record<string, string>) =>
      errorOf(() => readModelFile(writeTemp(stateDict(lstmDict(), metadata))));
    expect(read({ "ccbound.nonlinerity": "tanh" }).oneLine()).toMatch(
      /unknown setting "ccbound\.nonlinerity" in __metadata__ \(did you mean "ccbound\.nonlinearity"\?\)/,
    );
    expect(read({ "ccbound.vocab": "[0, 1]" }).oneLine()).toMatch(
      /"ccbound\.vocab" in __metadata__: expected a JSON list of strings/,
    );
    expect(read({ "ccbound.vocab": '["a","b"]' }).oneLine()).toMatch(
      /"ccbound\.vocab" in __metadata__ names 2 tokens, but the embedding "embed\.weight" has 5 rows/,
    );
    expect(read({ "ccbound.arch": "gru" }).oneLine()).toMatch(
      /"ccbound\.arch" \(from __metadata__\) is gru, but "rnn\.weight_hh_l0" has shape \[8, 2\]: 4 x hidden 2 rows, an nn\.LSTM/,
    );
    expect(read({ "ccbound.format": "float8" }).oneLine()).toMatch(/unknown number format "float8"/);
    expect(read({ "ccbound.rnn": "encoder" }).oneLine()).toMatch(
      /"ccbound\.rnn" \(from __metadata__\) is "encoder", but there is no tensor "encoder\.weight_ih_l0"/,
    );
    // other tools' metadata is left alone
    expect(readModelFile(writeTemp(stateDict(lstmDict(), { format: "pt", "other.key": "x" }))).spec.arch).toBe(
      "recurrent",
    );
  });

  it("a sidecar overrides the file's metadata, and its keys must all be ours", () => {
    const path = writeTemp(stateDict(lstmDict(), { "ccbound.labels": '["a","b","c","d"]' }));
    writeFileSync(
      sidecarPath(path),
      JSON.stringify({ "ccbound.labels": ["w", "x", "y", "z"], "ccbound.format": "fixed:2.5" }),
    );
    expect(readModelFile(path).spec).toMatchObject({ labels: ["w", "x", "y", "z"], format: "fixed:2.5" });
    writeFileSync(sidecarPath(path), JSON.stringify({ labels: ["w"] }));
    const error = errorOf(() => readModelFile(path));
    expect(error.where).toBe(sidecarPath(path));
    expect(error.oneLine()).toMatch(/unknown setting "labels" in .*\.ccbound\.json \(known keys: ccbound\.embedding/);
  });

  it("naming all three modules lets the file hold other tensors", () => {
    const tensors = lstmDict(undefined, { "decoder.weight": [9, 9] });
    expect(errorOf(() => readModelFile(writeTemp(stateDict(tensors)))).oneLine()).toMatch(
      /tensor "decoder\.weight" is not part of/,
    );
    const named = { "ccbound.embedding": "embed", "ccbound.rnn": "rnn.", "ccbound.head": "head.weight" };
    const { spec } = readModelFile(writeTemp(stateDict(tensors, named)));
    expect(spec.arch === "recurrent" && spec.embedding).toHaveLength(5);
  });

  it("the format follows the dtype: F16 -> float16, BF16 -> bfloat16, F64 -> float64", () => {
    for (const [dtype, format] of [
      ["F16", "float16"],
      ["BF16", "bfloat16"],
      ["F64", "float64"],
    ] as const) {
      expect(importPytorchModel(stateDict(lstmDict(), {}, dtype), {}, "m").format).toBe(format);
    }
  });
});

function header(h: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(h));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json]);
}

const dir = mkdtempSync(join(tmpdir(), "ccbound-pytorch-"));
let counter = 0;
/** Writes a parsed file back to disk (through the writer) so readModelFile sees metadata and sidecars. */
function writeTemp(file: ReturnType<typeof stateDict>): string {
  const path = join(dir, `m${counter++}.safetensors`);
  const tensors = [...file.tensors.values()].map((t) => ({
    name: t.name,
    dtype: t.dtype as FloatDtype,
    shape: t.shape,
    values: t.values!,
  }));
  writeFileSync(path, safetensorsBytes(tensors, file.metadata));
  return path;
}

describe("writing safetensors: PyTorch names, and a lossless round trip", () => {
  const twoLayerGru = (): RecurrentModelSpec => ({
    ...gruModel(),
    name: "two-layer",
    description: "GRU x2",
    layers: [0, 1].map((k) => ({
      cell: "gru",
      hidden: 2,
      weight_ih: fill(6, 2, k),
      weight_hh: fill(6, 2, k + 1),
      bias_ih: vec(6, k),
      bias_hh: vec(6, k + 2),
    })),
  });
  const models: [string, () => RecurrentModelSpec][] = [
    ["elman", elmanModel],
    ["lstm", lstmModel],
    ["gru x2 with name and description", twoLayerGru],
    [
      "float64",
      () => ({
        ...lstmModel(),
        format: "float64",
        embedding: [
          [0.1, -0.2],
          [1 / 3, 2e-300],
        ],
      }),
    ],
    ["float16", () => ({ ...gruModel(), format: "float16" })],
    ["bfloat16", () => ({ ...gruModel(), format: "bfloat16" })],
    ["fixed point", () => ({ ...elmanModel(), format: "fixed:2.5" })],
  ];

  for (const [what, make] of models) {
    it(`${what}: JSON -> safetensors -> JSON gives the same model and hash`, () => {
      const spec = make();
      const path = join(dir, `${what.replace(/\W+/g, "-")}.safetensors`);
      writeModelFile(path, spec);
      const back = readModelFile(path);
      expect(back.spec).toEqual(spec);
      expect(back.sha256).toBe(modelSha256(spec));
      const json = join(dir, `${what.replace(/\W+/g, "-")}.json`);
      writeModelFile(json, back.spec);
      expect(readModelFile(json).spec).toEqual(spec);
    });
  }

  it("the tensors carry PyTorch's names and shapes, the dtype the format's", () => {
    const spec = twoLayerGru();
    const file = parseSafetensors(exportPytorchModel(spec, "m").bytes, "m");
    expect([...file.tensors.keys()]).toEqual([
      "embed.weight",
      "rnn.weight_ih_l0",
      "rnn.weight_hh_l0",
      "rnn.bias_ih_l0",
      "rnn.bias_hh_l0",
      "rnn.weight_ih_l1",
      "rnn.weight_hh_l1",
      "rnn.bias_ih_l1",
      "rnn.bias_hh_l1",
      "head.weight",
      "head.bias",
    ]);
    expect(file.tensors.get("rnn.weight_ih_l1")).toMatchObject({ dtype: "F32", shape: [6, 2] });
    expect(file.tensors.get("rnn.bias_hh_l0")).toMatchObject({ shape: [6] });
    expect(file.metadata).toMatchObject({
      format: "pt",
      "ccbound.arch": "gru",
      "ccbound.format": "float32",
      "ccbound.vocab": '["0","1"]',
      "ccbound.labels": '["no","yes"]',
      "ccbound.name": "two-layer",
    });
    const dtypes = (s: RecurrentModelSpec) => exportPytorchModel(s, "m").dtype;
    expect([
      dtypes({ ...spec, format: "float16" }),
      dtypes({ ...spec, format: "bfloat16" }),
      dtypes({ ...spec, format: "float64" }),
      dtypes({ ...spec, format: "fixed:1.2" }),
    ]).toEqual(["F16", "BF16", "F64", "F64"]);
  });

  it("a weight that is not a value of the format widens the file to F64 rather than change it", () => {
    const spec = {
      ...lstmModel(),
      embedding: [
        [0.1, 0],
        [0, 1],
      ],
    };
    const exported = exportPytorchModel(spec, "m");
    expect(exported).toMatchObject({ dtype: "F64", widenedFrom: "F32" });
    const path = join(dir, "widened.safetensors");
    writeFileSync(path, exported.bytes);
    expect(readModelFile(path).spec).toEqual(spec);
  });

  it("models with no PyTorch module are refused with one line", () => {
    const refuse = (spec: Parameters<typeof exportPytorchModel>[0]) =>
      errorOf(() => exportPytorchModel(spec, "m.json")).oneLine();
    expect(refuse(dfaModel())).toMatch(
      /^m\.json: a DFA model has no PyTorch module; recurrent models \(rnn, lstm, gru\) and Transformers can be written as safetensors/,
    );
    expect(refuse(linearModel())).toMatch(
      /layer 0 is a diagonal linear recurrence \("linear" cell\), which has no PyTorch module/,
    );
    expect(refuse(stackedModel())).toMatch(/layer 1 is gru but layer 0 is lstm; one PyTorch module has one cell type/);
    const twoWidths = {
      ...lstmModel(),
      layers: [
        lstmModel().layers[0]!,
        {
          ...lstmModel().layers[0]!,
          hidden: 3,
          weight_ih: fill(12, 2),
          weight_hh: fill(12, 3),
          bias_ih: vec(12),
          bias_hh: vec(12),
        },
      ],
    };
    expect(refuse(twoWidths)).toMatch(/layer 1 has hidden 3 but layer 0 has 2; one PyTorch module has one hidden_size/);
  });
});

describe("fuzzing the import: only CcboundErrors, whatever the state_dict holds", () => {
  const source = readSafetensorsFile(`${FIXTURES}/gru-2.safetensors`);
  const names = [...source.tensors.keys()];
  const pool = [
    ...names,
    "rnn.weight_ih_l2",
    "rnn.weight_hh_l1_reverse",
    "embed.weight",
    "head.bias",
    "x.weight",
    "weight",
    "fc.bias",
  ];

  it("on subsets of a real state_dict's tensors under shuffled names, with random settings", () => {
    const arb = fc.record({
      keep: fc.array(fc.boolean(), { minLength: names.length, maxLength: names.length }),
      renames: fc.array(fc.constantFrom(...pool), { minLength: names.length, maxLength: names.length }),
      rename: fc.array(fc.boolean(), { minLength: names.length, maxLength: names.length }),
      metadata: fc.dictionary(
        fc.constantFrom(
          "ccbound.arch",
          "ccbound.nonlinearity",
          "ccbound.vocab",
          "ccbound.rnn",
          "ccbound.head",
          "ccbound.embedding",
          "ccbound.format",
          "ccbound.x",
        ),
        fc.oneof(
          fc.string({ maxLength: 6 }),
          fc.constantFrom("gru", "rnn", "tanh", '["a"]', "embedding", "fc.weight", "float16"),
        ),
        { maxKeys: 3 },
      ),
    });
    fc.assert(
      fc.property(arb, ({ keep, renames, rename, metadata }) => {
        const tensors = new Map<
          string,
          { name: string; dtype: FloatDtype; shape: readonly number[]; values: Float64Array }
        >();
        names.forEach((n, i) => {
          if (!keep[i]) return;
          const t = source.tensors.get(n)!;
          const name = rename[i] ? renames[i]! : n;
          tensors.set(name, { name, dtype: t.dtype as FloatDtype, shape: t.shape, values: t.values! });
        });
        const path = join(dir, "fuzz.safetensors");
        writeFileSync(path, safetensorsBytes([...tensors.values()], metadata));
        try {
          readModelFile(path);
        } catch (error) {
          if (!(error instanceof CcboundError)) throw error;
          expect(error.oneLine()).not.toMatch(/[\r\n]/);
        }
      }),
      { seed: 21, numRuns: 1500 },
    );
  });

  it("a safetensors file is recognised by its first bytes whatever its name", () => {
    const path = join(dir, "model.bin");
    writeFileSync(path, readFileSync(`${FIXTURES}/gru-2.safetensors`));
    expect(readModelFile(path).spec).toEqual(readModelFile(`${FIXTURES}/gru-2.safetensors`).spec);
  });
});
