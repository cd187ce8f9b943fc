import { mkdtempSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { modelSha256, parseModelJson, readModelFile } from "../../src/io/model-file.js";
import { writeModelFile } from "../../src/io/write-model.js";
import { canonicalJson } from "../../src/io/canonical.js";
import { MODEL_JSON_LIMITS } from "../../src/io/limits.js";
import { dfaModel, elmanModel, lstmModel } from "./fixtures.js";
import { errorOf } from "./expect-error.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ccbound-io-"));
});

function write(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe("readModelFile", () => {
  it("reads, validates and names a model by its hash", () => {
    const spec = lstmModel();
    const path = write("lstm.json", JSON.stringify(spec, null, 2));
    const loaded = readModelFile(path);
    expect(loaded).toEqual({ spec, sha256: modelSha256(spec), path });
    expect(loaded.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("the hash ignores key order and whitespace", () => {
    const spec = dfaModel();
    const reversed = Object.fromEntries(Object.entries(spec).reverse());
    const a = readModelFile(write("a.json", JSON.stringify(spec))).sha256;
    const b = readModelFile(write("b.json", `\n${JSON.stringify(reversed, null, 4)}\n`)).sha256;
    expect(a).toBe(b);
  });

  it("a missing file is an io error naming the path", () => {
    const path = join(dir, "nope.json");
    const error = errorOf(() => readModelFile(path));
    expect(error.code).toBe("io");
    expect(error.oneLine()).toBe(`${path}: cannot read: no such file or directory`);
  });

  it("a directory is an io error", () => {
    const path = join(dir, "a-directory.json");
    mkdirSync(path);
    expect(errorOf(() => readModelFile(path)).code).toBe("io");
  });

  it("a file over the model file limit (64 MiB) is refused without reading it", () => {
    const path = write("huge.json", "");
    truncateSync(path, MODEL_JSON_LIMITS.maxBytes + 1); // sparse: no real disk use
    const error = errorOf(() => readModelFile(path));
    expect(error.code).toBe("too-large");
    expect(error.where).toBe(path);
  });

  it("a .safetensors path is read as safetensors: a missing one is an io error naming the path", () => {
    const path = join(dir, "model.safetensors");
    const error = errorOf(() => readModelFile(path));
    expect(error.code).toBe("io");
    expect(error.oneLine()).toBe(`${path}: cannot read: no such file or directory`);
  });

  it("malformed JSON names the file, line and column in one line", () => {
    const path = write("bad.json", '{\n  "ccbound": "model",\n  "vocab": ["0" "1"]\n}\n');
    const error = errorOf(() => readModelFile(path));
    expect(error.code).toBe("malformed-json");
    expect(error.oneLine()).toBe(`${path}: malformed JSON at line 3, column 17: unexpected "\\"", expected "," or "]"`);
  });

  it("a byte-order mark is accepted; bytes that are not UTF-8 are not", () => {
    const spec = dfaModel();
    expect(readModelFile(write("bom.json", `\uFEFF${JSON.stringify(spec)}`)).spec).toEqual(spec);
    const error = errorOf(() => readModelFile(write("binary.json", Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))));
    expect(error.code).toBe("malformed-json");
    expect(error.message).toMatch(/not UTF-8/);
  });

  it("validation errors name the file", () => {
    const path = write("invalid.json", JSON.stringify({ ...dfaModel(), start: 7 }));
    const error = errorOf(() => readModelFile(path));
    expect(error.code).toBe("invalid-model");
    expect(error.where).toBe(path);
  });
});

describe("modelSha256", () => {
  it("is pinned for a fixture (certificates name models by it; a change breaks every certificate)", () => {
    // the canonical text, hashed independently: printf '%s' '<text>' | sha256sum
    expect(canonicalJson(dfaModel())).toBe(DFA_CANONICAL);
    expect(modelSha256(dfaModel())).toBe(DFA_SHA256);
  });

  it("changes when a weight changes", () => {
    const a = elmanModel();
    const b = elmanModel();
    expect(modelSha256(a)).toBe(modelSha256(b));
    (b.head.bias as number[])[0] = 0.5;
    expect(modelSha256(a)).not.toBe(modelSha256(b));
  });
});

describe("writeModelFile", () => {
  it("round-trips, one matrix row per line", () => {
    const spec = lstmModel();
    const path = join(dir, "written.json");
    writeModelFile(path, spec);
    const text = readFileSync(path, "utf8");
    expect(parseModelJson(text, path)).toEqual(spec);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toContain("\n        [-0.375, -0.25],\n");
  });

  it("refuses an invalid model and writes nothing", () => {
    const path = join(dir, "never.json");
    const error = errorOf(() => writeModelFile(path, { ...dfaModel(), start: 5 }));
    expect(error.code).toBe("invalid-model");
    expect(() => readFileSync(path)).toThrow();
  });
});

const DFA_CANONICAL =
  '{"arch":"dfa","ccbound":"model","labels":["even","odd"],"output":[0,1],"start":0,"states":2,"transitions":[[0,1],[1,0]],"version":1,"vocab":["0","1"]}';
const DFA_SHA256 = "c0531560aaf8dc1900dfbb1330b66d9ee043575fae9efc3eaa9fb709db3c649e";
