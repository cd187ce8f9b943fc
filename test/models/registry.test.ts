/**
 * A new cell is one file plus one registration line, and so is a new Transformer block: this test registers a cell
 * (test/models/toy-cell.ts) and a block (test/models/toy-block.ts) that ccbound does not have, one line each in the
 * mocks below, and runs every part of ccbound that reads the registries on them: the file schema and its shape
 * checks, compiling and the forward pass, sizes, `--format`, descriptions, random models, the JSON Schema and the
 * safetensors import and export; for the block, the forward pass and the KV cache with a computation before
 * attention (a pre-norm layer).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import * as z from "zod";
import { modelSha256, parseModelJson, readModelFile, validateModel } from "../../src/io/model-file.js";
import { modelSchema } from "../../src/io/model-schema.js";
import { exportPytorchModel } from "../../src/io/pytorch-export.js";
import { readSafetensorsFile } from "../../src/io/safetensors.js";
import { RANDOM_KINDS } from "../../src/models/archs/index.js";
import { recurrent } from "../../src/models/archs/recurrent.js";
import { compileModel } from "../../src/models/compile.js";
import { describeModel } from "../../src/models/describe.js";
import { inFormat } from "../../src/models/in-format.js";
import { lastTokenRunner } from "../../src/models/kv-cache.js";
import { feed, stateBits } from "../../src/models/model.js";
import { randomTransformer } from "../../src/models/random-transformer.js";
import { blockTable, cellTable } from "../../src/models/registry-doc.js";
import type { ModelSpec, RecurrentModelSpec, TransformerModelSpec } from "../../src/models/spec.js";
import { arithFor } from "../../src/numeric/arith.js";
import { parseFormat } from "../../src/numeric/parse.js";
import { Rng } from "../../src/random.js";
import { errorOf, paths } from "../io/expect-error.js";
import { prenorm } from "./toy-block.js";
import type { MguLayer } from "./toy-cell.js";

vi.mock("../../src/models/cells/index.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/models/cells/index.js")>();
  const { mgu } = await import("./toy-cell.js");
  return { ...real, ...real.cellRegistry([...real.CELLS, mgu]) };
});
vi.mock("../../src/models/blocks/index.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/models/blocks/index.js")>();
  const { prenorm } = await import("./toy-block.js");
  return { ...real, ...real.blockRegistry([...real.BLOCKS, prenorm]) };
});

// Tests break files through an untyped view: the point is input the types forbid.
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const vocab = ["a", "b", "c"];
const labels = ["x", "y"];

function mguModel(format: string, seed: number, layers = 2): RecurrentModelSpec {
  return recurrent.random({ kind: "mgu", hidden: 3, format, vocab, labels, seed, layers, embed: 2 });
}

/** MGU's step written out with plain arrays, one rounding per operation (the format's own tanh and sigmoid). */
function referenceLogits(spec: RecurrentModelSpec, tokens: readonly number[]): number[] {
  const format = parseFormat(spec.format);
  const arith = arithFor(format);
  const r = format.round;
  const affine = (m: number[][], v: number[], b: number[]) =>
    m.map((row, i) => r(row.reduce((acc, w, j) => r(acc + r(r(w) * v[j]!)), 0) + r(b[i]!)));
  const layers = spec.layers as unknown as MguLayer[];
  const h = layers.map((l) => new Array<number>(l.hidden).fill(0));
  for (const token of tokens) {
    let x = spec.embedding[token]!.map(r);
    layers.forEach((layer, l) => {
      const n = layer.hidden;
      const gi = affine(layer.weight_ih, x, layer.bias_ih);
      const gh = affine(layer.weight_hh, h[l]!, layer.bias_hh);
      h[l] = h[l]!.map((old, j) => {
        const f = arith.sigmoid(r(gi[j]! + gh[j]!));
        const cand = arith.tanh(r(gi[n + j]! + r(f * gh[n + j]!)));
        return r(old + r(f * r(cand - old)));
      });
      x = h[l]!;
    });
  }
  return affine(spec.head.weight, h.at(-1)!, spec.head.bias);
}

describe("a cell registered with one line (test/models/toy-cell.ts)", () => {
  it("is a random-model --arch, between the other cells and the other architectures", () => {
    // A block other than the paper's is an --arch of its own name (the registered toy block too).
    expect(RANDOM_KINDS.map((k) => k.name)).toEqual([
      "elman",
      "lstm",
      "gru",
      "linear",
      "mamba",
      "linear-attention",
      "s4d",
      "retnet",
      "mgu",
      "dfa",
      "transformer",
      "gpt2",
      "torch-encoder",
      "prenorm",
    ]);
  });

  it("its model files validate, and ccbound writes them back as they were read", () => {
    const spec = mguModel("float32", 1);
    expect(validateModel(spec, "m.json")).toEqual(spec);
    expect(parseModelJson(JSON.stringify(spec), "m.json")).toEqual(spec);
  });

  it("its forward pass is its step, bit for bit, in every kind of format", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("float64", "float32", "bfloat16", "fixed:2.5", "fixed:3.4:nearest"),
        fc.nat(),
        fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 10 }),
        (format, seed, tokens) => {
          const spec = mguModel(format, seed);
          const model = compileModel(spec);
          expect(Array.from(model.logits(feed(model, model.newState(), tokens)))).toEqual(
            referenceLogits(spec, tokens),
          );
        },
      ),
      { seed: 515, numRuns: 100 },
    );
  });

  it("its size: the state and the parameters come from the descriptor", () => {
    const spec = mguModel("fixed:2.5", 2);
    const model = compileModel(spec);
    expect(stateBits(model)).toBe(2 * 3 * 8);
    const layers = 2 * 3 * (2 + 3 + 2) + 2 * 3 * (3 + 3 + 2); // 2h rows x (input + hidden + two biases)
    expect(model.parameterBits).toBe((3 * 2 + layers + 2 * 3 + 2) * 8);
    expect(describeModel(spec)).toBe("mgu x2, hidden 3/3, fixed:2.5");
  });

  it("its shapes are checked with the reason for every size, and its name is suggested for a typo", () => {
    const broken: Json = structuredClone(mguModel("float32", 3));
    broken.layers[0].weight_ih.pop();
    broken.layers[1].weight_hh[2].push(0);
    const error = errorOf(() => validateModel(broken, "m.json"));
    expect(paths(error)).toEqual(["/layers/0/weight_ih", "/layers/1/weight_hh/2"]);
    expect(error.issues[0]!.message).toBe("has 5 rows, expected 6 (2 gates (f|n) x hidden 3)");
    expect(error.issues[1]!.message).toBe("row has 4 entries, expected 3 (hidden 3)");
    const typo: Json = structuredClone(mguModel("float32", 3));
    typo.layers[0].cell = "mgv";
    expect(errorOf(() => validateModel(typo, "m.json")).issues[0]!.message).toMatch(
      /unknown cell "mgv", expected .*"mgu".*\(did you mean "mgu"\?\)/,
    );
  });

  it("--format rounds its tensors, and the JSON Schema carries its descriptions", () => {
    const spec = mguModel("float64", 4);
    const rounded = inFormat(spec, "fixed:2.5");
    const format = parseFormat("fixed:2.5");
    const layer = rounded.layers[1] as unknown as MguLayer;
    expect([...layer.weight_ih.flat(), ...layer.bias_hh].every((v) => format.isRepresentable(v))).toBe(true);
    expect(layer.weight_ih).not.toEqual((spec.layers[1] as unknown as MguLayer).weight_ih);
    const schema = JSON.stringify(z.toJSONSchema(modelSchema, { io: "input" }));
    expect(schema).toContain("a minimal gated unit, gate rows f|n");
    expect(schema).toContain("2*hidden x input, gate rows f|n");
  });

  it("is in docs/model-format.md's table of cells, as scripts/gen-schema.ts would write it", () => {
    expect(cellTable()).toContain("| `mgu` | a minimal gated unit, gate rows f\\|n | `hidden`: hidden units;");
    expect(blockTable()).toContain('| prenorm | `"prenorm"` | the paper\'s layer with a layer norm before attention |');
  });

  it("goes to safetensors under its module's names and comes back the same model", () => {
    const spec = mguModel("float32", 5);
    const dir = mkdtempSync(join(tmpdir(), "ccbound-registry-"));
    const path = join(dir, "mgu.safetensors");
    writeFileSync(path, exportPytorchModel(spec, path).bytes);
    const file = readSafetensorsFile(path);
    expect(file.metadata["ccbound.arch"]).toBe("mgu");
    expect(file.tensors.get("rnn.weight_hh_l1")?.shape).toEqual([6, 3]);
    const back = readModelFile(path).spec;
    expect(modelSha256(back)).toBe(modelSha256(spec));
    expect(errorOf(() => readModelFile(path, { nonlinearity: "tanh" })).oneLine()).toMatch(
      /^--nonlinearity: does not apply to an nn\.MGU/,
    );
  });
});

/** A causal model whose layers are the registered pre-norm block, its layer norms drawn at random. */
function prenormModel(format: string, seed: number, layers: number): TransformerModelSpec {
  const base = randomTransformer({ width: 3, heads: 2, layers, maxLength: 8, format, vocab, labels, seed, ffn: 4 });
  const rng = new Rng(seed);
  const round = parseFormat(format).round;
  const vec = (n: number) => Array.from({ length: n }, () => round(2 * rng.float() - 1));
  const mat = (r: number, c: number) => Array.from({ length: r }, () => vec(c));
  const o = { d: 3, m: 3, heads: 2, ffn: 4, layerNorm: false, round, vec, mat };
  return { ...base, layers: Array.from({ length: layers }, () => prenorm.random(o)) as never[] };
}

describe("a Transformer block registered with one line (test/models/toy-block.ts)", () => {
  it("its layers name it in `block`; the default block's layers do not", () => {
    const spec: Json = prenormModel("float32", 1, 2);
    spec.layers[0] = randomTransformer({ ...spec, width: 3, heads: 2, layers: 1, maxLength: 8, seed: 2 }).layers[0];
    expect((validateModel(spec, "m.json") as Json).layers.map((l: Json) => l.block)).toEqual([undefined, "prenorm"]);
    expect(describeModel(spec)).toBe("transformer, 2 layers, d 3, m 3, heads 2/2, float32");
    const unknown: Json = structuredClone(spec);
    unknown.layers[1].block = "gpt3";
    expect(paths(errorOf(() => validateModel(unknown, "m.json")))).toEqual(["/layers/1/block"]);
    const missing: Json = structuredClone(spec);
    delete missing.layers[1].ln;
    expect(errorOf(() => validateModel(missing, "m.json")).issues[0]).toEqual({
      path: "/layers/1/ln",
      message: 'missing required field "ln"',
    });
  });

  it("the forward pass reads the heads' input from the block: a layer norm before attention changes the answer", () => {
    const spec = prenormModel("float64", 3, 1);
    const asPaper: ModelSpec = { ...spec, layers: spec.layers.map(({ block: _, ln: __, ...l }: Json) => l) };
    const tokens = [0, 2, 1, 1, 0];
    expect(Array.from(compileModel(spec).logits(tokens))).not.toEqual(Array.from(compileModel(asPaper).logits(tokens)));
  });

  it("the KV cache gives the forward pass's logits bit for bit on it (1 and 2 causal layers, 4 formats)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("float64", "float32", "fixed:4.8", "fixed:2.5:nearest"),
        fc.integer({ min: 1, max: 2 }),
        fc.nat(),
        fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 7 }),
        (format, layers, seed, prefix) => {
          const model = compileModel(prenormModel(format, seed, layers));
          const runner = lastTokenRunner(model, prefix);
          for (let last = 0; last < 3; last++)
            expect(Array.from(runner.logits(last)).map(String)).toEqual(
              Array.from(model.logits([...prefix, last])).map(String),
            );
        },
      ),
      { seed: 616, numRuns: 100 },
    );
  });
});
