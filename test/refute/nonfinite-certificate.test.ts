/**
 * The class of hole: a certificate whose model overflowed. A model with NaN or infinite logits on the refuting input
 * is still refuted (argmax's choice is its answer), and the certificate says which logits are not finite; verify
 * recomputes them and refuses a certificate that says otherwise.
 */
import { describe, expect, it } from "vitest";
import { compileModel } from "../../src/models/compile.js";
import { randomModel } from "../../src/models/random.js";
import { parseFormat } from "../../src/numeric/parse.js";
import { certificateOf } from "../../src/refute/certificate.js";
import { refute } from "../../src/refute/check.js";
import { verifyCertificate } from "../../src/refute/verify.js";
import { makeTask } from "../../src/tasks/index.js";

const SHA = "0".repeat(64);

describe("certificates of models that overflow", () => {
  it("a float16 LSTM whose head weights overflow its logits: refuted, the certificate names the non-finite logits, verify agrees and catches an edit", () => {
    const task = makeTask("index-lookup", 8);
    const spec = randomModel({
      arch: "lstm",
      hidden: 2,
      format: "float16",
      vocab: task.vocab,
      labels: task.labels,
      seed: 7,
    });
    if (spec.arch !== "recurrent") throw new Error("an LSTM is a recurrent model");
    // 2^15 times a weight of order 1, times an h of order 1, summed: past float16's 65504 in the head, so a logit is ±Inf.
    const round = parseFormat("float16").round;
    const overflowing = {
      ...spec,
      head: { weight: spec.head.weight.map((r) => r.map((w) => round(w * 32768 * 4))), bias: spec.head.bias },
    };
    const model = compileModel(overflowing);
    const v = refute(model, task, { seed: 1 });
    expect(v.kind).toBe("refuted");
    if (v.kind !== "refuted") return;
    const cert = certificateOf(v, {
      toolVersion: "test",
      modelSha256: SHA,
      format: model.formatName,
      task,
      replay: "-",
    });
    expect(cert.nonFinite).toBeDefined();
    expect(Object.values(cert.nonFinite!).every((x) => ["NaN", "Infinity", "-Infinity"].includes(x))).toBe(true);
    const check = verifyCertificate(cert, model, SHA);
    expect(check).toMatchObject({ valid: true, nonFinite: cert.nonFinite });
    const { nonFinite: _dropped, ...silent } = cert;
    const hidden = verifyCertificate(silent, model, SHA);
    expect(hidden).toMatchObject({ valid: false });
    if (!hidden.valid)
      expect(hidden.reason).toMatch(/the logits that are not finite are .*; the certificate says all finite/);
  });
});
