// The published entry point, as a user's test suite sees it: read a model, check it, certify, verify.
import { describe, expect, it } from "vitest";
import { certificateOf, compileModel, makeTask, readModelFile, refute, stateBits, verifyCertificate, VERSION } from "ccbound";

describe("the library entry point", () => {
  it("reads a model file, refutes it, and verifies the certificate it makes", () => {
    const { spec, sha256 } = readModelFile("examples/lstm-fixed1.2-index40.json");
    const model = compileModel(spec);
    if (model.kind !== "recurrent") throw new Error("the example is a recurrent model");
    const task = makeTask("index-lookup", 40);
    expect(stateBits(model)).toBe(16);
    const verdict = refute(model, task, { seed: 1 });
    if (verdict.kind !== "refuted") throw new Error(`expected refuted, got ${verdict.kind}`);
    const cert = certificateOf(verdict, { toolVersion: VERSION, modelSha256: sha256, task, replay: "" });
    expect(verifyCertificate(cert, model, sha256)).toMatchObject({ valid: true, collisionChecked: true });
  });
});
