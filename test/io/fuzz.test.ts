/**
 * Whatever the input, the model reader throws nothing but CcboundError, and every error it throws is well formed
 * (one line, issues with JSON pointers). Fixed seeds: a failure names its seed and replays exactly. A hang fails the
 * test by its timeout.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { parseModelJson, validateModel } from "../../src/io/model-file.js";
import { exportPytorchModel } from "../../src/io/pytorch-export.js";
import { importPytorchModel, settingsOf } from "../../src/io/pytorch-import.js";
import { parseSafetensors } from "../../src/io/safetensors.js";
import { ALL_MODELS, clone, transformerModel } from "./fixtures.js";

/** Runs `fn`; passes if it returns or throws a well-formed CcboundError, fails on anything else. */
function onlyCcboundErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof CcboundError)) throw error;
    expect(error.oneLine()).not.toMatch(/[\r\n]/);
    for (const issue of error.issues) {
      expect(issue.path).toMatch(/^(\/[^/]*)*$/);
      expect(issue.message).not.toMatch(/[\r\n]/);
    }
    if (error.code === "invalid-model") expect(error.issues.length).toBeGreaterThan(0);
  }
}

/** All paths into a JSON value (arrays and objects), as key lists. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => pathsOf(v, [...prefix, i])));
  if (value !== null && typeof value === "object")
    return here.concat(...Object.entries(value).map(([k, v]) => pathsOf(v, [...prefix, k])));
  return here;
}

describe("parseModelJson never throws anything but CcboundError", () => {
  it("on random JSON texts", () => {
    fc.assert(
      fc.property(fc.json(), (text) => onlyCcboundErrors(() => parseModelJson(text, "fuzz.json"))),
      { seed: 1, numRuns: 1000 },
    );
  });

  it("on random strings", () => {
    fc.assert(
      fc.property(fc.string(), (text) => onlyCcboundErrors(() => parseModelJson(text, "fuzz.json"))),
      { seed: 2, numRuns: 1000 },
    );
  });

  it("on random values (validateModel)", () => {
    fc.assert(
      fc.property(fc.anything(), (value) => onlyCcboundErrors(() => validateModel(value, "fuzz"))),
      { seed: 3, numRuns: 1000 },
    );
  });

  it("on random objects with the model's keys", () => {
    const keys = [
      "ccbound",
      "version",
      "arch",
      "format",
      "vocab",
      "labels",
      "embedding",
      "layers",
      "head",
      "states",
      "start",
      "transitions",
      "output",
      "cell",
      "hidden",
    ];
    const value = fc.dictionary(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 }));
    fc.assert(
      fc.property(value, (v) => onlyCcboundErrors(() => validateModel({ ccbound: "model", version: 1, ...v }, "fuzz"))),
      { seed: 4, numRuns: 1000 },
    );
  });

  // The shape checks read half-valid data; the dangerous inputs are valid models with one part broken.
  it("on valid models with one value replaced or removed", () => {
    const mutation = fc.record({
      model: fc.constantFrom(...Object.keys(ALL_MODELS)),
      pick: fc.nat(),
      replacement: fc.option(
        fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(0, -1, 1.5, 4097, 1e308, "", [], [[]], {})),
      ),
    });
    fc.assert(
      fc.property(mutation, ({ model, pick, replacement }) => {
        const spec = clone(ALL_MODELS[model]!()) as unknown as Record<string, unknown>;
        mutate(spec, pick, replacement);
        onlyCcboundErrors(() => parseModelJson(JSON.stringify(spec), "fuzz.json"));
      }),
      { seed: 5, numRuns: 3000 },
    );
  });
});

/** A file as the safetensors reader and the import see it: the header as a JSON value, then the data. */
function fileBytes(header: unknown, data: Uint8Array): Uint8Array {
  const json = Buffer.from(JSON.stringify(header) ?? "null");
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, data]);
}

/** Read as the CLI reads a .safetensors model: parse, import with the metadata's settings, validate. */
function readTransformerBytes(bytes: Uint8Array): void {
  const file = parseSafetensors(bytes, "fuzz.safetensors");
  const settings = settingsOf(file.metadata, "__metadata__", "fuzz.safetensors", false);
  validateModel(importPytorchModel(file, settings, "fuzz.safetensors"), "fuzz.safetensors");
}

/** Passes if `fn` returns or throws a one-line CcboundError (the import's errors carry no JSON-pointer issues). */
function onlyOneLineErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof CcboundError)) throw error;
    expect(error.oneLine()).not.toMatch(/[\r\n]/);
  }
}

describe("the safetensors reader never throws anything but CcboundError on a corrupted Transformer", () => {
  // two layers, both norms, an FFN: every kind of tensor the import reads
  const layer = transformerModel().layers[0]!;
  const spec = {
    ...transformerModel(),
    format: "float32",
    layers: [layer, { ...layer, ffn: null, norm2: { weight: [1, 2], bias: [0, 1], eps: 0.5 } }],
  };
  const bytes = exportPytorchModel(spec, "fuzz").bytes;
  const n = Number(Buffer.from(bytes).readBigUInt64LE(0));
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString("utf8")) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const data = bytes.subarray(8 + n);
  const names = Object.keys(header).filter((k) => k !== "__metadata__");

  it("the uncorrupted file reads", () => {
    expect(() => readTransformerBytes(bytes)).not.toThrow();
  });

  it("on headers with one value replaced or removed anywhere", () => {
    const mutation = fc.record({
      pick: fc.nat(),
      replacement: fc.option(
        fc.oneof(
          fc.jsonValue({ maxDepth: 2 }),
          fc.constantFrom(0, -1, 3, 2 ** 53, "F16", "I32", "transformer", "true", "1e-5", [], [2], [2, 2], [0, 4], {}),
        ),
      ),
    });
    fc.assert(
      fc.property(mutation, ({ pick, replacement }) => {
        const h = clone(header) as unknown as Record<string, unknown>;
        mutate(h, pick, replacement);
        onlyOneLineErrors(() => readTransformerBytes(fileBytes(h, data)));
      }),
      { seed: 41, numRuns: 3000 },
    );
  });

  // Edits that keep the file well formed (the data re-tiled after each) reach the import itself, past the format's checks.
  it("on well-formed files whose tensors are renamed, reshaped, dropped or copied, and whose metadata is changed", () => {
    const pool = [
      ...names,
      "layers.2.heads.0.query.weight",
      "layers.1.heads.1.query.weight",
      "layers.0.output.bias",
      "model.embed.weight",
      "enc.layers.0.heads.0.query.weight",
      "rnn.weight_ih_l0",
      "layers.1.linear2.weight",
      "layers.1.norm1.bias",
    ];
    const keys = [
      "ccbound.arch",
      "ccbound.causal",
      "ccbound.layer_norm_eps",
      "ccbound.vocab",
      "ccbound.labels",
      "ccbound.format",
      "ccbound.nonlinearity",
      "ccbound.rnn",
      "ccbound.x",
    ];
    const values = [
      "transformer",
      "lstm",
      "true",
      "no",
      "0",
      "-1",
      '{"layers.0.norm1":1}',
      '["a"]',
      '["a","b","c"]',
      "float16",
      "tanh",
      "",
    ];
    const edit = fc.record({
      tensor: fc.nat(),
      kind: fc.constantFrom("rename", "reshape", "drop", "copy"),
      name: fc.constantFrom(...pool),
      shape: fc.nat(3),
      // most edits leave the metadata alone, so that most files get as far as the tensors
      metadata: fc.oneof(
        { arbitrary: fc.constant({}), weight: 4 },
        {
          arbitrary: fc.dictionary(
            fc.constantFrom(...keys),
            fc.oneof(fc.constantFrom(...values), fc.string({ maxLength: 4 })),
            { maxKeys: 2 },
          ),
          weight: 1,
        },
      ),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        const tensors = names.map((name) => ({
          name,
          ...header[name]!,
          raw: data.subarray(...header[name]!.data_offsets),
        }));
        const metadata = { ...(header["__metadata__"] as unknown as Record<string, string>) };
        for (const e of edits) {
          Object.assign(metadata, e.metadata);
          const t = tensors[e.tensor % tensors.length];
          if (t === undefined) continue;
          if (e.kind === "rename") t.name = e.name;
          else if (e.kind === "reshape") t.shape = reshape(t.shape, e.shape);
          else if (e.kind === "drop") tensors.splice(e.tensor % tensors.length, 1);
          else tensors.push({ ...t, name: e.name });
        }
        onlyOneLineErrors(() => readTransformerBytes(tiled(tensors, metadata)));
      }),
      { seed: 42, numRuns: 3000 },
    );
  });
});

/** Another shape with as many values: [n], [1, n], [n, 1] or the dimensions reversed. */
function reshape(shape: number[], pick: number): number[] {
  const count = shape.reduce((p, d) => p * d, 1);
  return [[count], [1, count], [count, 1], [...shape].reverse()][pick]!;
}

/** A well-formed file of these tensors: each name once (the last wins, as in a JSON header), data back to back. */
function tiled(
  tensors: { name: string; dtype: string; shape: number[]; raw: Uint8Array }[],
  metadata: Record<string, string>,
): Uint8Array {
  const last = new Map(tensors.map((t) => [t.name, t]));
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of last.values()) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.raw.length] };
    offset += t.raw.length;
  }
  return fileBytes(header, Buffer.concat([...last.values()].map((t) => t.raw)));
}

/** Replace (or, with null, delete) the value at one of the object's paths, chosen by `pick`. In place. */
function mutate(root: Record<string, unknown>, pick: number, replacement: unknown): void {
  const all = pathsOf(root).filter((p) => p.length > 0);
  const path = all[pick % all.length]!;
  let parent: any = root; // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const key of path.slice(0, -1)) parent = parent[key];
  const last = path.at(-1)!;
  if (replacement === null) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = replacement;
}
