/**
 * The architecture registry changed where every model kind is defined, not what a model is or computes. This test
 * pins, against values recorded with the code before the registry (test/models/unchanged.json, written by main at
 * 8dd5eb8 with CCBOUND_RECORD=1), for every model file in examples/ and test/fixtures/ and every example of
 * docs/model-format.md:
 *
 * - the SHA-256 of the loaded model (the name certificates use) and the text ccbound writes for it;
 * - the exact bits of its logits on seeded inputs (the forward pass, bit for bit), and its size in bits;
 * - its description, and the SHA-256 of the model re-rounded to other formats (`--format F`);
 * - the bytes of its safetensors export, where it has one;
 *
 * and the SHA-256 of random models of every architecture (`random-model`, the arbitraries).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { modelFileText, modelSha256, parseModelJson, readModelFile } from "../../src/io/model-file.js";
import { exportPytorchModel } from "../../src/io/pytorch-export.js";
import type { ImportFlags } from "../../src/io/pytorch-import.js";
import { compileModel } from "../../src/models/compile.js";
import { describeModel } from "../../src/models/describe.js";
import { inFormat } from "../../src/models/in-format.js";
import { feed } from "../../src/models/model.js";
import { randomModel } from "../../src/models/random.js";
import { randomTransformer } from "../../src/models/random-transformer.js";
import type { ModelSpec } from "../../src/models/spec.js";
import { Rng } from "../../src/random.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const GOLDEN = `${root}test/models/unchanged.json`;
const FORMATS = ["float16", "bfloat16", "fixed:2.5", "fixed:3.4:nearest"];

const sha = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

/** Every model file the repository holds, with the flags its import needs (from the fixtures' own manifests). */
function modelFiles(): { path: string; flags: ImportFlags }[] {
  const files: { path: string; flags: ImportFlags }[] = [];
  for (const name of readdirSync(`${root}examples`).sort())
    if (name.endsWith(".json") && name !== "manifest.json") files.push({ path: `examples/${name}`, flags: {} });
  for (const dir of ["test/fixtures/pytorch", "test/fixtures/pytorch-transformer"]) {
    const expected = JSON.parse(readFileSync(`${root}${dir}/expected.json`, "utf8")) as {
      models: { file: string; flags?: string[] }[];
    };
    const flagsOf = new Map(expected.models.map((m) => [m.file, m.flags ?? []]));
    for (const name of readdirSync(`${root}${dir}`).sort()) {
      if (!name.endsWith(".safetensors")) continue;
      const f = flagsOf.get(name) ?? [];
      files.push({ path: `${dir}/${name}`, flags: f[0] === "--nonlinearity" ? { nonlinearity: f[1] as "tanh" } : {} });
    }
  }
  return files;
}

function docExamples(): ModelSpec[] {
  const doc = readFileSync(`${root}docs/model-format.md`, "utf8");
  return [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => parseModelJson(m[1]!, "docs/model-format.md"));
}

/** Logits on seeded inputs of lengths 1 to 8 (within the model's positions), as one hash of their exact bits. */
function logitsHash(spec: ModelSpec): string {
  const model = compileModel(spec);
  const rng = new Rng(11);
  const vocab = spec.vocab.length;
  const longest = model.kind === "transformer" ? Math.min(8, model.maxLength) : 8;
  const hash = createHash("sha256");
  for (let n = 1; n <= longest; n++) {
    const tokens = Int32Array.from({ length: n }, () => rng.int(vocab));
    const logits =
      model.kind === "transformer" ? model.logits(tokens) : model.logits(feed(model, model.newState(), tokens));
    hash.update(new Uint8Array(Float64Array.from(logits).buffer));
  }
  return hash.digest("hex");
}

/** What the model reports of its size: its parameters' bits, and its state's (recurrent) or its widths. */
function sizeOf(spec: ModelSpec): string {
  const model = compileModel(spec);
  const state =
    model.kind === "recurrent"
      ? `state ${model.stateUnits} x ${model.unitBits}`
      : `d ${model.d}, m ${model.headWidth}, H ${model.heads}, p ${model.unitBits}, positions ${model.maxLength}`;
  return `${state}, parameters ${model.parameterBits} bits`;
}

function exportHash(spec: ModelSpec): string {
  try {
    return sha(exportPytorchModel(spec, "m.safetensors").bytes);
  } catch (error) {
    if (error instanceof CcboundError) return `refused: ${error.message}`;
    throw error;
  }
}

function orThrows(f: () => string): string {
  try {
    return f();
  } catch {
    return "throws";
  }
}

function record(spec: ModelSpec): Record<string, string> {
  const out: Record<string, string> = {
    sha256: modelSha256(spec),
    text: sha(modelFileText(spec, "m.json")),
    logits: logitsHash(spec),
    size: sizeOf(spec),
    describe: describeModel(spec),
    safetensors: exportHash(spec),
  };
  // A weight past a format's range cannot be re-rounded to it: recorded as such, whatever the error says.
  if (spec.arch !== "dfa") for (const f of FORMATS) out[`in ${f}`] = orThrows(() => modelSha256(inFormat(spec, f)));
  return out;
}

function randomSpecs(): Record<string, ModelSpec> {
  const vocab = ["a", "b", "c"];
  const labels = ["x", "y"];
  const out: Record<string, ModelSpec> = {};
  for (const arch of ["elman", "lstm", "gru", "linear", "dfa"] as const)
    for (const seed of [1, 2]) {
      const o = { arch, hidden: 3, format: "fixed:2.5", vocab, labels, seed };
      out[`${arch} seed ${seed}`] = randomModel(o);
      out[`${arch} seed ${seed} x2 embed 2 relu positions 5`] = randomModel({
        ...o,
        layers: 2,
        embed: 2,
        nonlinearity: "relu",
        positions: 5,
      });
    }
  for (const seed of [1, 2]) {
    const o = { width: 3, heads: 2, layers: 1, maxLength: 6, format: "float32", vocab, labels, seed };
    out[`transformer seed ${seed}`] = randomTransformer(o);
    out[`transformer seed ${seed} m 2 ffn 0 x2 norms not causal`] = randomTransformer({
      ...o,
      headWidth: 2,
      ffn: 0,
      layers: 2,
      layerNorm: true,
      causal: false,
    });
  }
  return out;
}

function current(): Record<string, unknown> {
  const files: Record<string, Record<string, string>> = {};
  for (const { path, flags } of modelFiles()) {
    let spec: ModelSpec;
    try {
      spec = readModelFile(`${root}${path}`, flags).spec;
    } catch (error) {
      if (!(error instanceof CcboundError)) throw error;
      files[path] = { refused: error.code }; // a fixture of the reader's errors, not a model
      continue;
    }
    files[path] = record(spec);
  }
  docExamples().forEach((spec, i) => (files[`docs/model-format.md example ${i}`] = record(spec)));
  const random = Object.fromEntries(Object.entries(randomSpecs()).map(([k, spec]) => [k, modelSha256(spec)]));
  return { files, random };
}

it("every model file loads, runs, describes, re-rounds and exports exactly as before the registry", () => {
  const now = current();
  if (process.env.CCBOUND_RECORD === "1") writeFileSync(GOLDEN, `${JSON.stringify(now, null, 1)}\n`);
  const golden = JSON.parse(readFileSync(GOLDEN, "utf8")) as Record<string, unknown>;
  expect(Object.keys((golden as { files: object }).files).length).toBeGreaterThan(30);
  expect(now).toEqual(golden);
});

it("the logits hash sees a change of one bit in one weight", () => {
  const spec = readModelFile(`${root}examples/gru-float32-index16.json`).spec;
  if (spec.arch !== "recurrent") throw new Error("expected a recurrent example");
  const changed = structuredClone(spec);
  const w = changed.head.weight[0]!;
  w[0] = w[0]! + 2 ** -20;
  expect(logitsHash(changed)).not.toBe(logitsHash(spec));
});
