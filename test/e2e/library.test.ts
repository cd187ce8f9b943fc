// The published entry point, as a user's test suite sees it: read a model, check it, certify, verify.
import { describe, expect, it } from "vitest";
import {
  certificateOf,
  compileModel,
  makeTask,
  readModelFile,
  refute,
  stateBits,
  verifyCertificate,
  VERSION,
} from "ccbound";

describe("the library entry point", () => {
  it("reads a model file, refutes it, and verifies the certificate it makes", () => {
    const { spec, sha256 } = readModelFile("examples/lstm-fixed1.2-index40.json");
    const model = compileModel(spec);
    if (model.kind !== "recurrent") throw new Error("the example is a recurrent model");
    const task = makeTask("index-lookup", 40);
    expect(stateBits(model)).toBe(16);
    const verdict = refute(model, task, { seed: 1 });
    if (verdict.kind !== "refuted") throw new Error(`expected refuted, got ${verdict.kind}`);
    const cert = certificateOf(verdict, {
      toolVersion: VERSION,
      modelSha256: sha256,
      format: model.formatName,
      task,
      replay: "-",
    });
    expect(verifyCertificate(cert, model, sha256)).toMatchObject({ valid: true, kind: verdict.finding.kind });
  });
});

describe("Transformers through the library entry point", () => {
  it("arbitraryTransformer + Theorem 4: protocol output is the forward pass at the odd/even split, and refute on Dyck-(2,2) at n = 8 either refutes or covers the whole task", async () => {
    const {
      dyck,
      oddEvenSplit,
      theorem4Protocol,
      theorem4Cost,
      run,
      tokensOf,
      refute: check,
    } = await import("ccbound");
    const { arbitraryTransformer } = await import("ccbound/arbitraries");
    const fc = (await import("fast-check")).default;
    const task = dyck(8);
    const split = oddEvenSplit(8);
    fc.assert(
      fc.property(
        arbitraryTransformer({ task }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 8, maxLength: 8 }),
        ({ model }, tokens) => {
          const ids = Int32Array.from(tokens);
          const r = run(theorem4Protocol(model, split), tokensOf(ids, split.alice), tokensOf(ids, split.bob));
          expect(r.output).toBe(model.forward(ids));
          expect(r.cost).toBe(theorem4Cost(model, split));
          // 128 fooling-set words fit the budget, and 4^8 inputs the sweep: never inconclusive, survival covers the task.
          const v = check(model, task, { seed: 1, budget: 256 });
          if (v.kind !== "refuted") expect(v).toMatchObject({ kind: "survived", mode: "exhaustive", scope: "task" });
        },
      ),
      { seed: 7, numRuns: 20 },
    );
  });
});
