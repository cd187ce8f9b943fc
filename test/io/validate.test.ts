import { describe, expect, it } from "vitest";
import { validateModel } from "../../src/io/model-file.js";
import { jsonPointer } from "../../src/io/validate.js";
import { dfaModel, elmanModel } from "./fixtures.js";
import { errorOf, paths } from "./expect-error.js";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("every problem is reported", () => {
  it("lists each issue with its path and counts the rest in the one line", () => {
    const m: Json = elmanModel();
    m.vocab = ["0", "0"]; // duplicate
    m.layers[0].weight_hh.pop(); // shape
    m.layers[0].bias_ih = [0, "x", 0]; // type
    m.head.bias.push(1); // shape
    const error = errorOf(() => validateModel(m, "m.json"));
    expect(error.code).toBe("invalid-model");
    expect(paths(error).sort()).toEqual(["/head/bias", "/layers/0/bias_ih/1", "/layers/0/weight_hh", "/vocab/1"]);
    expect(error.message).toMatch(/^invalid model: \/\S+: .*; and 3 more problems$/);
    expect(error.hint).toMatch(/docs\/model-format\.md/);
  });

  it("reports shape problems even when other fields have type errors", () => {
    const m: Json = elmanModel();
    m.name = 42;
    m.description = ["not", "a", "string"];
    m.layers[0].weight_ih[0].push(0);
    m.extra = 1;
    const error = errorOf(() => validateModel(m, "m.json"));
    expect(paths(error).sort()).toEqual(["/description", "/extra", "/layers/0/weight_ih/0", "/name"]);
  });

  it("one problem has no count", () => {
    const m: Json = dfaModel();
    m.start = 9;
    expect(errorOf(() => validateModel(m, "m.json")).message).toBe(
      "invalid model: /start: start state 9 is out of range, states are 0 to 1",
    );
  });

  it("a wrong hidden flags every matrix of the layer and the head, each with its path", () => {
    const m: Json = elmanModel();
    m.layers[0].hidden = 2;
    const error = errorOf(() => validateModel(m, "m.json"));
    expect(paths(error)).toEqual(
      expect.arrayContaining([
        "/layers/0/weight_ih",
        "/layers/0/weight_hh",
        "/layers/0/bias_ih",
        "/layers/0/bias_hh",
        "/head/weight",
      ]),
    );
  });
});

describe("jsonPointer", () => {
  it("follows RFC 6901", () => {
    expect(jsonPointer([])).toBe("");
    expect(jsonPointer(["layers", 0, "weight_hh", 2])).toBe("/layers/0/weight_hh/2");
    expect(jsonPointer(["a/b", "m~n"])).toBe("/a~1b/m~0n");
  });
});

it("a newline in a quoted value does not break the line", () => {
  const m: Json = elmanModel();
  m.format = "float\n32";
  const error = errorOf(() => validateModel(m, "m.json"));
  expect(paths(error)).toEqual(["/format"]);
  expect(error.oneLine()).not.toMatch(/\n/);
});
