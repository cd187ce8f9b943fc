/** `--format F`: the same model with its weights rounded to F, or one line saying why there is none. */
import { describe, expect, it } from "vitest";
import { inFormat } from "../../src/models/in-format.js";
import type { ElmanLayer, RecurrentModelSpec } from "../../src/models/spec.js";
import { parseFormat } from "../../src/numeric/parse.js";
import { errorOf } from "../io/expect-error.js";
import { dfaModel, elmanModel, transformerModel } from "../io/fixtures.js";

const elman = (spec: RecurrentModelSpec) => spec.layers[0] as ElmanLayer;

describe("inFormat", () => {
  it("rounds every weight of a recurrent model and names the new format", () => {
    const spec = { ...elmanModel(), format: "float64" };
    elman(spec).weight_hh[1]![2] = 0.1;
    const rounded = inFormat(spec, "fixed:1.2");
    expect(rounded.format).toBe("fixed:1.2");
    expect(elman(rounded).weight_hh[1]![2]).toBe(0);
    const format = parseFormat("fixed:1.2");
    const all = [rounded.embedding, rounded.head.weight, ...Object.values(rounded.layers[0]!).filter(Array.isArray)];
    expect(all.flat(2).every((v) => typeof v !== "number" || format.isRepresentable(v))).toBe(true);
  });

  it("refuses, with the weight and its path, a weight beyond the format's range (a file holds finite numbers)", () => {
    const spec = elmanModel();
    elman(spec).weight_ih[2]![1] = 1e6;
    const error = errorOf(() => inFormat(spec, "float16"));
    expect(error.code).toBe("invalid-flag");
    expect(error.oneLine()).toBe(
      "--format: the weight 1000000 at /layers/0/weight_ih/2/1 is beyond the range of float16 (it would be Infinity); a model file holds finite numbers only",
    );
    const negative = transformerModel();
    negative.head.bias[1] = -1e39;
    expect(errorOf(() => inFormat(negative, "float32")).oneLine()).toMatch(
      /the weight -1e\+39 at \/head\/bias\/1 is beyond the range of float32 \(it would be -Infinity\)/,
    );
    // fixed point saturates instead: no refusal
    expect(elman(inFormat(spec, "fixed:3.4")).weight_ih[2]![1]).toBe(parseFormat("fixed:3.4").round(1e6));
  });

  it("a DFA has no number format; a bad format name is reported first, with the flag", () => {
    expect(errorOf(() => inFormat(dfaModel(), "float16")).oneLine()).toBe("--format: a DFA has no number format");
    expect(errorOf(() => inFormat(dfaModel(), "float8")).oneLine()).toMatch(
      /^--format: unknown number format "float8"/,
    );
  });
});
