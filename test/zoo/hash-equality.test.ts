import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateModel } from "../../src/io/model-file.js";
import { compileModel } from "../../src/models/compile.js";
import { forward } from "../../src/models/model.js";
import { bind } from "../../src/reductions/bind.js";
import { certificateOf } from "../../src/refute/certificate.js";
import { refute } from "../../src/refute/check.js";
import { verifyCertificate } from "../../src/refute/verify.js";
import { arbitraryTaskInput } from "../../src/testing/arbitraries.js";
import { makeTask } from "../../src/tasks/index.js";
import { hashEquality, hashWeights } from "../../src/zoo/hash-equality.js";

const SHA = "0".repeat(64);

/** The hash the model is built on: H(x) = sum of the weights where x has a 1. */
function hashOf(weights: readonly number[], half: readonly string[]): number {
  return half.reduce((s, b, j) => s + (b === "1" ? weights[j]! : 0), 0);
}

describe("zoo: hash-equality", () => {
  it("is wrong exactly on unequal halves with equal hashes (every input at n = 12, c = 5; with and without separator)", () => {
    for (const separator of [false, true]) {
      const spec = hashEquality({ n: 12, bits: 5, seed: 3, separator });
      expect(() => validateModel(JSON.parse(JSON.stringify(spec)), "zoo")).not.toThrow();
      const model = compileModel(spec);
      const task = makeTask("equality", 12, { separator });
      const b = bind(model, task);
      const w = hashWeights(spec);
      let wrong = 0;
      for (const input of task.enumerate()) {
        const x = input.slice(0, 6);
        const y = input.slice(separator ? 7 : 6);
        const collide = x.join("") !== y.join("") && hashOf(w, x) === hashOf(w, y);
        const isWrong = model.labels[forward(model, b.ids(input))] !== task.answer(input);
        expect(isWrong).toBe(collide);
        if (isWrong) wrong++;
      }
      expect(wrong).toBeGreaterThan(0);
    }
  });

  it("at n = 64, c = 16: the fooling-set search finds an error that seeded random testing with the same budget of model runs does not", () => {
    const task = makeTask("equality", 64);
    const model = compileModel(hashEquality({ n: 64, bits: 16, seed: 1 }));
    const verdict = refute(model, task, { seed: 1 });
    expect(verdict.kind).toBe("refuted");
    if (verdict.kind !== "refuted") return;
    expect(verdict.finding).toMatchObject({ kind: "collision", feed: "fooling-set", theorem: "thm11" });
    const runs = verdict.search.runs;
    const cert = certificateOf(verdict, {
      toolVersion: "test",
      modelSha256: SHA,
      format: model.formatName,
      task,
      replay: "-",
    });
    expect(verifyCertificate(cert, model, SHA)).toMatchObject({ valid: true, kind: "collision", theorem: "thm11" });
    // Random testing: the same number of model runs over the task's own generator (the paper's §6.4 mix), seed 1.
    const b = bind(model, task);
    const property = fc.property(
      arbitraryTaskInput(task),
      (input) => model.labels[forward(model, b.ids(input))] === task.answer(input),
    );
    expect(fc.check(property, { seed: 1, numRuns: runs }).failed).toBe(false);
    // Recorded: 432 fooling-set runs (birthday on a hash of about 14 bits of entropy); random testing: no error in 432.
    expect(runs).toBeLessThan(2000);
    console.log(
      `hash-equality n=64 c=16: fooling-set search refuted in ${runs} runs; random testing passed ${runs} runs`,
    );
  });
});
