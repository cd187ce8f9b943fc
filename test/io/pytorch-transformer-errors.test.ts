/**
 * Transformer state_dicts of other shapes, and settings that do not fit: each is refused with one line that names the
 * tensor or the setting, never misread.
 */
import type { PaperLayer } from "../../src/models/blocks/paper.js";
import { describe, expect, it } from "vitest";
import { importPytorchModel, settingsOf, type ImportSettings } from "../../src/io/pytorch-import.js";
import { parseSafetensors, safetensorsBytes } from "../../src/io/safetensors.js";
import { errorOf } from "./expect-error.js";

/** A state_dict built in memory: name -> shape, F32 values that fit any format. */
function stateDict(shapes: Record<string, number[]>, metadata: Record<string, string> = {}) {
  const tensors = Object.entries(shapes).map(([name, shape]) => {
    const n = shape.reduce((p, d) => p * d, 1);
    return { name, dtype: "F32" as const, shape, values: Array.from({ length: n }, (_, i) => ((i % 5) - 2) / 4) };
  });
  return parseSafetensors(safetensorsBytes(tensors, metadata), "m.safetensors");
}

/** The docs' Transformer: vocab 3, 4 positions, d 2, one layer of 2 heads of m 2, FFN f 3, norm1, 2 labels. */
function transformerDict(prefix = ""): Record<string, number[]> {
  const heads = Object.fromEntries(
    [0, 1].flatMap((h) => ["query", "key", "value"].map((p) => [`layers.0.heads.${h}.${p}.weight`, [2, 2]])),
  );
  const shapes: Record<string, number[]> = {
    "embed.weight": [3, 2],
    "pos_embed.weight": [4, 2],
    ...heads,
    "layers.0.output.weight": [2, 4],
    "layers.0.linear1.weight": [3, 2],
    "layers.0.linear1.bias": [3],
    "layers.0.linear2.weight": [2, 3],
    "layers.0.linear2.bias": [2],
    "layers.0.norm1.weight": [2],
    "layers.0.norm1.bias": [2],
    "head.weight": [2, 2],
    "head.bias": [2],
  };
  return Object.fromEntries(Object.entries(shapes).map(([n, s]) => [prefix + n, s]));
}

function without(shapes: Record<string, number[]>, ...names: string[]): Record<string, number[]> {
  return Object.fromEntries(Object.entries(shapes).filter(([n]) => !names.includes(n)));
}

function imported(shapes: Record<string, number[]>, metadata: Record<string, string> = {}, flags: ImportSettings = {}) {
  const file = stateDict(shapes, metadata);
  return importPytorchModel(
    file,
    { ...settingsOf(file.metadata, "__metadata__", "m.safetensors", false), ...flags },
    "m.safetensors",
  );
}

describe("the Transformer state_dict the errors below break is imported", () => {
  it("with its sizes, zero biases where PyTorch leaves them out, and under any module prefix", () => {
    const spec = imported(without(transformerDict(), "layers.0.linear2.bias", "head.bias"));
    if (spec.arch !== "transformer") throw new Error("not a Transformer");
    expect((spec.layers[0]! as PaperLayer).heads).toHaveLength(2);
    expect((spec.layers[0]! as PaperLayer).ffn?.bias2).toEqual([0, 0]);
    expect(spec.head.bias).toEqual([0, 0]);
    expect(spec.positionEmbedding).toHaveLength(4);
    expect(imported(transformerDict("encoder.model."))).toEqual(imported(transformerDict()));
  });
});

describe("tensors of another shape: one line naming the tensor", () => {
  const base = transformerDict();
  const cases: [string, Record<string, number[]>, RegExp][] = [
    [
      "a head of another width m",
      { ...base, "layers.0.heads.1.key.weight": [3, 2] },
      /tensor "layers\.0\.heads\.1\.key\.weight" has shape \[3, 2\], expected \[2, 2\] \(the heads of a layer share m = 2, the rows of "layers\.0\.heads\.0\.query\.weight"; d = 2, the columns of "embed\.weight"\)/,
    ],
    [
      "a missing value projection",
      without(base, "layers.0.heads.1.value.weight"),
      /no tensor "layers\.0\.heads\.1\.value\.weight", expected 2 x 2/,
    ],
    [
      "a W_O of the wrong width",
      { ...base, "layers.0.output.weight": [2, 2] },
      /tensor "layers\.0\.output\.weight" has shape \[2, 2\], expected \[2, 4\] \(W_O: d = 2, the columns of "embed\.weight"; m 2 x 2 heads columns\)/,
    ],
    [
      "a position embedding of another width",
      { ...base, "pos_embed.weight": [4, 3] },
      /tensor "pos_embed\.weight" has shape \[4, 3\], expected \[rows, 2\]/,
    ],
    ["no position embedding", without(base, "pos_embed.weight"), /no tensor "pos_embed\.weight"/],
    [
      "a 1-D query",
      { ...base, "layers.0.heads.0.query.weight": [4] },
      /tensor "layers\.0\.heads\.0\.query\.weight" has shape \[4\], expected \[rows, 2\]/,
    ],
    [
      "a head of another width d",
      { ...base, "head.weight": [2, 3] },
      /tensor "head\.weight" has shape \[2, 3\], expected \[rows, 2\]/,
    ],
    [
      "an FFN bias of the wrong length",
      { ...base, "layers.0.linear1.bias": [2] },
      /tensor "layers\.0\.linear1\.bias" has shape \[2\], expected \[3\] \(f = 3, the rows of "layers\.0\.linear1\.weight"\)/,
    ],
    [
      "a second FFN linear without the first",
      without(base, "layers.0.linear1.weight", "layers.0.linear1.bias"),
      /there is "layers\.0\.linear2\.weight" but no "layers\.0\.linear1\.weight": the FFN is two nn\.Linear/,
    ],
    [
      "W_O with a bias",
      { ...base, "layers.0.output.bias": [2] },
      /tensor "layers\.0\.output\.bias" is not part of ccbound's Transformer/,
    ],
    [
      "a layer norm bias without its weight",
      without(base, "layers.0.norm1.weight"),
      /tensor "layers\.0\.norm1\.bias" is not part of ccbound's Transformer/,
    ],
    [
      "layer 2 without layer 1",
      { ...base, "layers.2.heads.0.query.weight": [2, 2] },
      /tensor "layers\.2\.heads\.0\.query\.weight" is not part of ccbound's Transformer/,
    ],
    [
      "two Transformers",
      { ...base, "enc.layers.0.heads.0.query.weight": [2, 2] },
      /2 Transformers \("", "enc\."\), ccbound imports one/,
    ],
    [
      "a wrapped module with its embedding outside the wrapper",
      { ...without(transformerDict("model."), "model.embed.weight"), "embed.weight": [3, 2] },
      /no tensor "model\.embed\.weight"/,
    ],
  ];
  for (const [what, shapes, pattern] of cases) {
    it(what, () => {
      const error = errorOf(() => imported(shapes));
      expect(error.code).toBe("invalid-model");
      expect(error.where).toBe("m.safetensors");
      expect(error.oneLine()).toMatch(pattern);
      expect(error.oneLine()).not.toMatch(/[\r\n]/);
    });
  }
});

describe("settings that do not fit: one line naming the setting", () => {
  const lstm = {
    "embed.weight": [5, 3],
    "rnn.weight_ih_l0": [8, 3],
    "rnn.weight_hh_l0": [8, 2],
    "head.weight": [4, 2],
  };
  const cases: [string, Record<string, number[]>, Record<string, string>, RegExp][] = [
    [
      "an arch that contradicts the tensors",
      transformerDict(),
      { "ccbound.arch": "lstm" },
      /"ccbound\.arch" \(from __metadata__\) is lstm, but the file holds a Transformer's "layers\.0\.heads\.0\.query\.weight"/,
    ],
    [
      "arch transformer without a Transformer",
      lstm,
      { "ccbound.arch": "transformer" },
      /no Transformer layer: no tensor named \[<prefix>\.\]layers\.0\.heads\.0\.query\.weight/,
    ],
    [
      "an nn.RNN's nonlinearity for a Transformer",
      transformerDict(),
      { "ccbound.nonlinearity": "tanh" },
      /"ccbound\.nonlinearity" \(from __metadata__\) does not apply to a Transformer, which this file holds/,
    ],
    [
      "causal for a recurrent model",
      lstm,
      { "ccbound.causal": "true" },
      /"ccbound\.causal" \(from __metadata__\) does not apply to a recurrent model/,
    ],
    [
      "causal that is not a boolean",
      transformerDict(),
      { "ccbound.causal": "yes" },
      /"ccbound\.causal" in __metadata__: expected true or false, got "yes"/,
    ],
    [
      "a negative eps",
      transformerDict(),
      { "ccbound.layer_norm_eps": "-1" },
      /"ccbound\.layer_norm_eps" in __metadata__: expected a number >= 0, or a JSON object of them by layer norm module/,
    ],
    [
      "eps by module, missing one",
      transformerDict(),
      { "ccbound.layer_norm_eps": "{}" },
      /"ccbound\.layer_norm_eps" \(from __metadata__\) gives no eps for the layer norm "layers\.0\.norm1"/,
    ],
    [
      "eps by module, naming one the file lacks",
      transformerDict(),
      { "ccbound.layer_norm_eps": '{"layers.0.norm1":1,"layers.0.norm2":1}' },
      /names "layers\.0\.norm2", which is not a layer norm of the file/,
    ],
    [
      "a vocabulary of another size",
      transformerDict(),
      { "ccbound.vocab": '["a","b"]' },
      /"ccbound\.vocab" in __metadata__ names 2 tokens, but the embedding "embed\.weight" has 3 rows/,
    ],
  ];
  for (const [what, shapes, metadata, pattern] of cases) {
    it(what, () => {
      const error = errorOf(() => imported(shapes, metadata));
      expect(error.code).toBe("invalid-model");
      expect(error.oneLine()).toMatch(pattern);
    });
  }

  it("--nonlinearity on a Transformer is a flag error", () => {
    const error = errorOf(() =>
      imported(transformerDict(), {}, { nonlinearity: { value: "tanh", from: "--nonlinearity" } }),
    );
    expect(error.code).toBe("invalid-flag");
    expect(error.oneLine()).toMatch(/^--nonlinearity: does not apply to a Transformer, which m\.safetensors holds/);
  });

  it("eps as one number or by module; causal from a sidecar's boolean", () => {
    const one = imported(transformerDict(), { "ccbound.layer_norm_eps": "0.5", "ccbound.causal": "true" });
    expect(one).toMatchObject({ causal: true, layers: [{ norm1: { eps: 0.5 } }] });
    const byModule = imported(
      transformerDict(),
      {},
      {
        layerNormEps: { value: { "layers.0.norm1": 0.25 }, from: "m.ccbound.json" },
        causal: { value: true, from: "m.ccbound.json" },
      },
    );
    expect(byModule).toMatchObject({ causal: true, layers: [{ norm1: { eps: 0.25 } }] });
  });
});
