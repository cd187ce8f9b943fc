/**
 * writeModelFile: JSON or safetensors by the path's extension, validated and written atomically, and a description of
 * what it stored. A model it refuses, or a name it cannot write, leaves no file behind.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { modelSha256, readModelFile } from "../../src/io/model-file.js";
import { writeModelFile } from "../../src/io/write-model.js";
import { dfaModel, gruModel, lstmModel, transformerModel } from "./fixtures.js";
import { errorOf } from "./expect-error.js";

const dir = mkdtempSync(join(tmpdir(), "ccbound-write-model-"));

describe("writeModelFile", () => {
  it("writes JSON for .json and says so", () => {
    const path = join(dir, "m.json");
    const written = writeModelFile(path, dfaModel());
    expect(written).toEqual({ kind: "json", bytes: readFileSync(path).length, stored: "JSON" });
    expect(readModelFile(path).spec).toEqual(dfaModel());
  });

  it("writes safetensors for .safetensors (any case), in the format's dtype", () => {
    const path = join(dir, "m.SafeTensors");
    const written = writeModelFile(path, { ...transformerModel(), format: "float32" });
    expect(written).toEqual({
      kind: "safetensors",
      bytes: readFileSync(path).length,
      dtype: "F32",
      stored: "F32 tensors",
    });
    expect(readModelFile(path).sha256).toBe(modelSha256({ ...transformerModel(), format: "float32" }));
  });

  it("says why a file is F64 when the weights are no values of the format's dtype", () => {
    const spec = {
      ...gruModel(),
      embedding: [
        [0.1, 0],
        [0, 1],
      ],
    };
    const written = writeModelFile(join(dir, "wide.safetensors"), spec);
    expect(written).toMatchObject({ kind: "safetensors", dtype: "F64", widenedFrom: "F32" });
    expect(written.stored).toBe(
      "F64 tensors: some weights are not F32 values, and F64 keeps them exactly (the model rounds them to its format when it runs)",
    );
  });

  it("refuses an output name of another kind, an invalid model and a model with no PyTorch module, writing nothing", () => {
    const before = readdirSync(dir).length;
    expect(errorOf(() => writeModelFile(join(dir, "m.txt"), lstmModel())).oneLine()).toMatch(
      /m\.txt: the output file must end in \.json or \.safetensors/,
    );
    expect(errorOf(() => writeModelFile(join(dir, "bad.safetensors"), { ...dfaModel(), start: 5 })).code).toBe(
      "invalid-model",
    );
    expect(errorOf(() => writeModelFile(join(dir, "dfa.safetensors"), dfaModel())).oneLine()).toMatch(
      /dfa\.safetensors: a DFA model has no PyTorch module/,
    );
    expect(errorOf(() => writeModelFile(join(dir, "no-such-dir", "m.json"), lstmModel())).code).toBe("io");
    expect(readdirSync(dir).length).toBe(before);
    expect(existsSync(join(dir, "dfa.safetensors"))).toBe(false);
  });
});
