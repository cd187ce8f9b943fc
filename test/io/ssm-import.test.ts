/**
 * S4D and RetNet state dicts saved by PyTorch (scripts/ssm-fixtures.py: the reference code in plain PyTorch, its
 * commits named there) load under their reference names and evaluate to PyTorch's logits: float32 files within
 * 1e-5, float64 within 1e-12 (PyTorch's S4D convolves by FFT and its libm is not correctly rounded: the same
 * real computation, other roundings). Bad files get one line naming the tensor.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { modelSha256, validateModel } from "../../src/io/model-file.js";
import { readPtFile } from "../../src/io/pt/read.js";
import { importSsm } from "../../src/io/ssm-import.js";
import { readPytorchModel } from "../../src/io/pytorch-import.js";
import { safetensorsBytes, type FloatDtype } from "../../src/io/safetensors.js";
import { compileModel } from "../../src/models/compile.js";
import { feed } from "../../src/models/model.js";
import type { RecurrentModelSpec } from "../../src/models/spec.js";

const DIR = join(__dirname, "..", "fixtures", "ssm");
interface Expected {
  vocab: string[];
  labels: string[];
  settings: { eps: number };
  dtype: "float32" | "float64";
  runs: { input: number[]; logits: number[] }[];
}
const EXPECTED = JSON.parse(readFileSync(join(DIR, "expected.json"), "utf8")) as Record<string, Expected>;

function load(file: string) {
  const e = EXPECTED[file]!;
  const spec = importSsm(
    readPtFile(join(DIR, file)),
    { vocab: { value: e.vocab, from: "test" }, labels: { value: e.labels, from: "test" }, eps: e.settings.eps },
    file,
  );
  return validateModel(JSON.parse(JSON.stringify(spec)), file) as RecurrentModelSpec;
}

describe("S4D and RetNet from PyTorch", () => {
  it.each(Object.keys(EXPECTED))("%s evaluates to PyTorch's logits", (file) => {
    const e = EXPECTED[file]!;
    const spec = load(file);
    expect(spec.format).toBe(e.dtype);
    const model = compileModel(spec);
    if (model.kind !== "recurrent") throw new Error("recurrent");
    const tolerance = e.dtype === "float32" ? 1e-5 : 1e-12;
    let worst = 0;
    for (const run of e.runs) {
      const logits = Array.from(model.logits(feed(model, model.newState(), run.input)));
      for (const [i, v] of logits.entries()) worst = Math.max(worst, Math.abs(v - run.logits[i]!));
    }
    console.log(`${file}: largest difference from PyTorch ${worst}`);
    expect(worst, `${file}: largest difference ${worst}`).toBeLessThanOrEqual(tolerance);
  });

  it.each(["s4d.pt", "retnet.f64.pt"])(
    "%s: the same tensors as safetensors, read by the ordinary import with a sidecar, are the same model",
    (file) => {
      const e = EXPECTED[file]!;
      const pt = readPtFile(join(DIR, file));
      const dir = mkdtempSync(join(tmpdir(), "ccbound-ssm-"));
      try {
        const tensors = [...pt.tensors.values()].map((t) => ({
          name: t.name,
          dtype: t.dtype as FloatDtype,
          shape: t.shape,
          values: t.values!,
        }));
        const path = join(dir, "m.safetensors");
        writeFileSync(path, safetensorsBytes(tensors, {}));
        const sidecar = { "ccbound.vocab": e.vocab, "ccbound.labels": e.labels };
        writeFileSync(join(dir, "m.ccbound.json"), JSON.stringify(sidecar));
        const fromSafetensors = validateModel(JSON.parse(JSON.stringify(readPytorchModel(path))), "m.safetensors");
        expect(modelSha256(fromSafetensors)).toBe(modelSha256(load(file)));
        // And the .pt file through the same door (the ordinary reader, a sidecar next to it).
        const ptPath = join(dir, "m.pt");
        writeFileSync(ptPath, readFileSync(join(DIR, file)));
        const fromPt = readPytorchModel(ptPath, {}, readPtFile);
        expect(modelSha256(validateModel(JSON.parse(JSON.stringify(fromPt)), "m.pt"))).toBe(modelSha256(load(file)));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it("a file with a tensor of the wrong shape or one too many is refused with one line naming it", () => {
    const file = readPtFile(join(DIR, "s4d.pt"));
    const tensors = new Map(file.tensors);
    const C = tensors.get("s4_layers.0.kernel.C")!;
    tensors.set("s4_layers.0.kernel.C", { ...C, shape: [C.shape[0]!, C.shape[1]! * 2] });
    expect(() => importSsm({ ...file, tensors }, {}, "bad.pt")).toThrow(/s4_layers\.0\.kernel\.C.*view_as_real/);
    const extra = new Map(file.tensors);
    extra.set("s4_layers.0.extra", C);
    expect(() => importSsm({ ...file, tensors: extra }, {}, "extra.pt")).toThrow(CcboundError);
    expect(() => importSsm({ ...file, tensors: extra }, {}, "extra.pt")).toThrow(/s4_layers\.0\.extra/);
  });
});
