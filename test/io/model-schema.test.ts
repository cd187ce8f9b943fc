import { describe, expect, it } from "vitest";
import { parseModelJson, validateModel } from "../../src/io/model-file.js";
import {
  ALL_MODELS,
  clone,
  dfaModel,
  elmanModel,
  fill,
  gruModel,
  linearModel,
  lstmModel,
  positionalModel,
  stackedModel,
  transformerModel,
} from "./fixtures.js";
import { errorOf, paths } from "./expect-error.js";

// Tests break fixtures through an untyped view: the point is input the types forbid.
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("valid models parse", () => {
  for (const [name, make] of Object.entries(ALL_MODELS)) {
    it(name, () => {
      const spec = make();
      expect(parseModelJson(JSON.stringify(spec), "m.json")).toEqual(spec);
    });
  }

  it("accepts other format names that parseFormat accepts", () => {
    for (const format of ["float64", "float16", "bfloat16", "fixed:1.2", "fixed:3.4:nearest"]) {
      expect(validateModel({ ...elmanModel(), format }, "m.json").arch).toBe("recurrent");
    }
  });
});

interface BadCase {
  name: string;
  make: () => Json;
  path: string;
  message?: RegExp;
}

function broken(make: () => Json, change: (m: Json) => void): () => Json {
  return () => {
    const m = clone(make());
    change(m);
    return m;
  };
}

const SHAPE_CASES: BadCase[] = [
  {
    name: "position embedding width",
    make: broken(positionalModel, (m) => m.positionEmbedding[1].push(0)),
    path: "/positionEmbedding/1",
    message: /row has 3 entries, expected 2 \(the embedding width d\)/,
  },
  {
    name: "transformer: a head's key rows",
    make: broken(transformerModel, (m) => m.layers[0].heads[1].key.pop()),
    path: "/layers/0/heads/1/key",
    message: /has 1 row, expected 2 \(the head width m of head 0\)/,
  },
  {
    name: "transformer: W_O width",
    make: broken(transformerModel, (m) => (m.layers[0].output = fill(2, 3))),
    path: "/layers/0/output",
    message: /every row has 3 entries, expected 4 \(m 2 x 2 heads\)/,
  },
  {
    name: "transformer: FFN second matrix",
    make: broken(transformerModel, (m) => m.layers[0].ffn.weight2.pop()),
    path: "/layers/0/ffn/weight2",
    message: /has 1 row, expected 2 \(the embedding width d\)/,
  },
  {
    name: "transformer: layer norm weight",
    make: broken(transformerModel, (m) => m.layers[0].norm1.weight.push(1)),
    path: "/layers/0/norm1/weight",
    message: /has 3 entries, expected 2/,
  },
  {
    name: "transformer: head width",
    make: broken(transformerModel, (m) => (m.head.weight = fill(2, 3))),
    path: "/head/weight",
    message: /expected 2 \(the embedding width d\)/,
  },
  {
    name: "transformer: position embedding width",
    make: broken(transformerModel, (m) => m.positionEmbedding[0].pop()),
    path: "/positionEmbedding/0",
    message: /expected 2 \(the embedding width d\)/,
  },
  {
    name: "embedding row count",
    make: broken(elmanModel, (m) => m.embedding.pop()),
    path: "/embedding",
    message: /has 1 row, expected 2 \(one row per vocab token\)/,
  },
  {
    name: "embedding row width",
    make: broken(elmanModel, (m) => m.embedding[1].push(0)),
    path: "/embedding/1",
    message: /row has 3 entries, expected 2/,
  },
  {
    name: "embedding width 0",
    make: broken(elmanModel, (m) => (m.embedding = [[], []])),
    path: "/embedding",
    message: /at least 1/,
  },
  {
    name: "elman weight_ih rows",
    make: broken(elmanModel, (m) => m.layers[0].weight_ih.pop()),
    path: "/layers/0/weight_ih",
    message: /expected 3 \(hidden 3\)/,
  },
  {
    name: "elman weight_ih cols",
    make: broken(elmanModel, (m) => m.layers[0].weight_ih[2].push(1)),
    path: "/layers/0/weight_ih/2",
    message: /expected 2 \(the embedding width d\)/,
  },
  {
    name: "elman weight_hh cols",
    make: broken(elmanModel, (m) => m.layers[0].weight_hh[1].pop()),
    path: "/layers/0/weight_hh/1",
    message: /expected 3 \(hidden 3\)/,
  },
  {
    name: "elman bias_hh",
    make: broken(elmanModel, (m) => m.layers[0].bias_hh.push(0)),
    path: "/layers/0/bias_hh",
    message: /has 4 entries, expected 3/,
  },
  {
    name: "lstm weight_ih rows",
    make: broken(lstmModel, (m) => m.layers[0].weight_ih.pop()),
    path: "/layers/0/weight_ih",
    message: /expected 8 \(4 gates \(i\|f\|g\|o\) x hidden 2\)/,
  },
  {
    name: "lstm weight_hh rows",
    make: broken(lstmModel, (m) => m.layers[0].weight_hh.push([0, 0])),
    path: "/layers/0/weight_hh",
  },
  {
    name: "lstm bias_ih",
    make: broken(lstmModel, (m) => m.layers[0].bias_ih.pop()),
    path: "/layers/0/bias_ih",
    message: /expected 8/,
  },
  {
    name: "gru weight_ih rows",
    make: broken(gruModel, (m) => (m.layers[0].weight_ih = fill(4, 2))),
    path: "/layers/0/weight_ih",
    message: /3 gates \(r\|z\|n\)/,
  },
  {
    name: "gru weight_hh cols",
    make: broken(gruModel, (m) => (m.layers[0].weight_hh = fill(6, 3))),
    path: "/layers/0/weight_hh",
    message: /every row has 3 entries, expected 2 \(hidden 2\)/,
  },
  { name: "gru bias_hh", make: broken(gruModel, (m) => m.layers[0].bias_hh.pop()), path: "/layers/0/bias_hh" },
  { name: "linear a", make: broken(linearModel, (m) => m.layers[0].a.push(0)), path: "/layers/0/a" },
  { name: "linear b rows", make: broken(linearModel, (m) => m.layers[0].b.pop()), path: "/layers/0/b" },
  { name: "linear b cols", make: broken(linearModel, (m) => m.layers[0].b[0].push(0)), path: "/layers/0/b/0" },
  { name: "linear bias", make: broken(linearModel, (m) => m.layers[0].bias.pop()), path: "/layers/0/bias" },
  {
    name: "second layer input is the first layer's hidden",
    make: broken(stackedModel, (m) => (m.layers[1].weight_ih = fill(12, 3))),
    path: "/layers/1/weight_ih",
    message: /expected 2 \(hidden 2 of layer 0\)/,
  },
  {
    name: "head weight rows",
    make: broken(elmanModel, (m) => m.head.weight.pop()),
    path: "/head/weight",
    message: /one per label/,
  },
  {
    name: "head weight cols",
    make: broken(stackedModel, (m) => (m.head.weight = fill(2, 2))),
    path: "/head/weight",
    message: /expected 4 \(hidden 4 of layer 1\)/,
  },
  { name: "head bias", make: broken(elmanModel, (m) => m.head.bias.push(0)), path: "/head/bias" },
  {
    name: "dfa transitions rows",
    make: broken(dfaModel, (m) => m.transitions.pop()),
    path: "/transitions",
    message: /one per state/,
  },
  {
    name: "dfa transitions cols",
    make: broken(dfaModel, (m) => m.transitions[1].push(0)),
    path: "/transitions/1",
    message: /one column per vocab token/,
  },
  { name: "dfa output length", make: broken(dfaModel, (m) => m.output.pop()), path: "/output" },
];

const VALUE_CASES: BadCase[] = [
  {
    name: "unknown arch",
    make: broken(elmanModel, (m) => (m.arch = "transformr")),
    path: "/arch",
    message: /unknown arch "transformr", expected "recurrent", "dfa" or "transformer"/,
  },
  {
    name: "missing arch",
    make: broken(elmanModel, (m) => delete m.arch),
    path: "/arch",
    message: /missing required field "arch"/,
  },
  {
    name: "unknown cell",
    make: broken(lstmModel, (m) => (m.layers[0].cell = "lstn")),
    path: "/layers/0/cell",
    message: /unknown cell "lstn".*did you mean "lstm"/,
  },
  {
    name: "unknown format name",
    make: broken(elmanModel, (m) => (m.format = "float8")),
    path: "/format",
    message: /unknown number format "float8"/,
  },
  {
    name: "duplicate vocab",
    make: broken(elmanModel, (m) => (m.vocab = ["a", "a"])),
    path: "/vocab/1",
    message: /duplicate token "a" \(also at index 0\)/,
  },
  { name: "duplicate labels", make: broken(dfaModel, (m) => (m.labels = ["x", "x"])), path: "/labels/1" },
  {
    name: "a token with a space",
    make: broken(elmanModel, (m) => (m.vocab = ["a b", "c"])),
    path: "/vocab/0",
    message: /no white space/,
  },
  {
    name: "an empty label",
    make: broken(dfaModel, (m) => (m.labels = ["", "x"])),
    path: "/labels/0",
    message: /non-empty/,
  },
  { name: "empty vocab", make: broken(dfaModel, (m) => (m.vocab = [])), path: "/vocab", message: /must not be empty/ },
  {
    name: "unknown key",
    make: broken(elmanModel, (m) => (m.layers[0].weight_hhh = [])),
    path: "/layers/0/weight_hhh",
    message: /unknown field "weight_hhh" \(did you mean "weight_hh"\?\)/,
  },
  {
    name: "unknown top-level key",
    make: broken(dfaModel, (m) => (m.Vocab = [])),
    path: "/Vocab",
    message: /did you mean "vocab"/,
  },
  {
    name: "missing field",
    make: broken(gruModel, (m) => delete m.layers[0].hidden),
    path: "/layers/0/hidden",
    message: /missing required field "hidden"/,
  },
  {
    name: "hidden 0",
    make: broken(elmanModel, (m) => (m.layers[0].hidden = 0)),
    path: "/layers/0/hidden",
    message: /at least 1/,
  },
  {
    name: "hidden not an integer",
    make: broken(elmanModel, (m) => (m.layers[0].hidden = 1.5)),
    path: "/layers/0/hidden",
    message: /expected an integer, got 1.5/,
  },
  {
    name: "bad nonlinearity",
    make: broken(elmanModel, (m) => (m.layers[0].nonlinearity = "sigmoid")),
    path: "/layers/0/nonlinearity",
    message: /expected "tanh" or "relu", got "sigmoid"/,
  },
  {
    name: "string weight",
    make: broken(elmanModel, (m) => (m.layers[0].weight_hh[0][0] = "0.5")),
    path: "/layers/0/weight_hh/0/0",
    message: /expected a number, got "0.5"/,
  },
  { name: "no layers", make: broken(elmanModel, (m) => (m.layers = [])), path: "/layers" },
  { name: "wrong ccbound", make: broken(dfaModel, (m) => (m.ccbound = "modle")), path: "/ccbound" },
  {
    name: "start out of range",
    make: broken(dfaModel, (m) => (m.start = 2)),
    path: "/start",
    message: /start state 2 is out of range, states are 0 to 1/,
  },
  { name: "negative start", make: broken(dfaModel, (m) => (m.start = -1)), path: "/start" },
  {
    name: "transition out of range",
    make: broken(dfaModel, (m) => (m.transitions[1][0] = 5)),
    path: "/transitions/1/0",
    message: /next state 5 is out of range/,
  },
  {
    name: "transition not an integer",
    make: broken(dfaModel, (m) => (m.transitions[0][1] = 0.5)),
    path: "/transitions/0/1",
  },
  {
    name: "output out of range",
    make: broken(dfaModel, (m) => (m.output[1] = 2)),
    path: "/output/1",
    message: /label index 2 is out of range/,
  },
  {
    name: "matrix too tall",
    make: broken(elmanModel, (m) => (m.head.weight = Array.from({ length: 4097 }, () => [0, 0]))),
    path: "/head/weight",
    message: /has 4097 entries, at most 4096 allowed/,
  },
  {
    name: "row too wide",
    make: broken(elmanModel, (m) => (m.embedding[0] = new Array(4097).fill(0))),
    path: "/embedding/0",
    message: /at most 4096/,
  },
];

describe("each bad input is reported with code invalid-model and its path", () => {
  for (const c of [...SHAPE_CASES, ...VALUE_CASES]) {
    it(c.name, () => {
      const error = errorOf(() => parseModelJson(JSON.stringify(c.make()), "m.json"));
      expect(error.code).toBe("invalid-model");
      expect(error.where).toBe("m.json");
      expect(paths(error)).toEqual([c.path]);
      if (c.message) expect(error.issues[0]?.message).toMatch(c.message);
      expect(error.oneLine()).toContain(`m.json: invalid model: ${c.path}: `);
      expect(error.oneLine()).not.toContain("\n");
    });
  }
});

describe("non-finite numbers", () => {
  it.each([
    ["1e999", "Infinity"],
    ["-1e999", "-Infinity"],
  ])("%s in a weight is reported with its path", (literal, shown) => {
    const m: Json = elmanModel();
    m.layers[0].weight_hh[1][2] = 12345.5; // a marker to replace in the text
    const text = JSON.stringify(m).replace("12345.5", literal);
    const error = errorOf(() => parseModelJson(text, "m.json"));
    expect(error.code).toBe("invalid-model");
    expect(error.issues).toEqual([
      { path: "/layers/0/weight_hh/1/2", message: `weight_hh entry is not finite (${shown})` },
    ]);
  });

  it("in a scalar field", () => {
    const text = JSON.stringify(dfaModel()).replace('"states":2', '"states":1e999');
    expect(errorOf(() => parseModelJson(text, "m.json")).issues[0]).toEqual({
      path: "/states",
      message: "states is not finite (Infinity)",
    });
  });
});

describe("files that are not version-1 models get one issue", () => {
  it("a certificate", () => {
    const error = errorOf(() => validateModel({ ccbound: "certificate", version: 1 }, "c.json"));
    expect(error.issues).toEqual([
      { path: "/ccbound", message: "this is a ccbound certificate file, not a model file" },
    ]);
  });

  it("a newer version", () => {
    const error = errorOf(() => validateModel({ ...dfaModel(), version: 2, extra: true }, "m.json"));
    expect(error.issues).toEqual([
      { path: "/version", message: "model file version 2 is not supported, this ccbound reads version 1" },
    ]);
  });

  it("not an object", () => {
    for (const value of [null, 3, "model", [1, 2]]) {
      const error = errorOf(() => validateModel(value, "m.json"));
      expect(error.code).toBe("invalid-model");
      expect(paths(error)).toEqual([""]);
    }
  });
});

describe("size limits", () => {
  it("more than a million numbers is too large", () => {
    const m: Json = elmanModel();
    m.embedding = Array.from({ length: 1001 }, () => new Array(1000).fill(0));
    const error = errorOf(() => validateModel(m, "m.json"));
    expect(error.code).toBe("too-large");
    expect(error.message).toMatch(/more than 1000000 numbers/);
  });

  it("more than two million values of any kind is too large", () => {
    const error = errorOf(() => validateModel({ ...dfaModel(), junk: new Array(2_000_001).fill(null) }, "m.json"));
    expect(error.code).toBe("too-large");
  });
});
