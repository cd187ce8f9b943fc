import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileModel } from "../../src/models/compile.js";
import { indexLookupDfa } from "../../src/models/lookup-dfa.js";
import { forward, stateBits } from "../../src/models/model.js";
import { randomModel } from "../../src/models/random.js";
import { bind } from "../../src/reductions/bind.js";
import { certificateOf } from "../../src/refute/certificate.js";
import { refute, type Strategy } from "../../src/refute/refute.js";
import { verifyCertificate } from "../../src/refute/verify.js";
import { arbitraryFixedFormat } from "../../src/testing/arbitraries.js";
import { assocRecall } from "../../src/tasks/assoc-recall.js";
import { indexLookup } from "../../src/tasks/index-lookup.js";
import type { Task } from "../../src/tasks/task.js";

const SEED = 1337;
const SHA = "0".repeat(64);

/** A plain forward pass on the finding's input: the model must be wrong there. */
function confirmWrong(model: ReturnType<typeof compileModel>, task: Task, input: string[]): boolean {
  const b = bind(model, task);
  return model.labels[forward(model, b.ids(input))] !== task.answer(input);
}

describe("refutation below the bound (the central property)", () => {
  const ran = { count: 0 };
  it("random recurrent models with state bits < N: every cell, fixed:2-8 bits, m 1..4, N up to 24: refuted, and a forward pass confirms", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("elman", "lstm", "gru", "linear", "dfa"),
        fc.integer({ min: 1, max: 4 }),
        arbitraryFixedFormat({ minBits: 2, maxBits: 8 }),
        fc.integer({ min: 2, max: 24 }),
        fc.nat(),
        fc.boolean(),
        (arch, m, format, n, seed, relu) => {
          const task = indexLookup(n);
          const spec = randomModel({ arch, hidden: arch === "dfa" ? 2 ** m : m, format: format.name, vocab: task.vocab, labels: task.labels, seed, nonlinearity: relu ? "relu" : "tanh" });
          const model = compileModel(spec);
          fc.pre(stateBits(model) < n);
          ran.count++;
          const v = refute(model, task, { seed });
          expect(v.kind).toBe("refuted");
          if (v.kind !== "refuted") return;
          expect(confirmWrong(model, task, v.finding.input)).toBe(true);
          const check = verifyCertificate(certificateOf(v, { toolVersion: "test", modelSha256: SHA, task, replay: "" }), model, SHA);
          expect(check.valid).toBe(true);
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
    // fc.pre skips models at or above the bound; make sure the property really ran on many models.
    expect(ran.count).toBe(150);
  });

  it("associative recall (Proposition 9) the same way, N up to 10", () => {
    fc.assert(
      fc.property(fc.constantFrom("elman", "lstm", "gru", "linear", "dfa"), fc.integer({ min: 1, max: 3 }), arbitraryFixedFormat({ maxBits: 6 }), fc.integer({ min: 2, max: 10 }), fc.nat(), (arch, m, format, n, seed) => {
        const task = assocRecall(n);
        const model = compileModel(randomModel({ arch, hidden: arch === "dfa" ? 2 ** m : m, format: format.name, vocab: task.vocab, labels: task.labels, seed }));
        fc.pre(stateBits(model) < n);
        const v = refute(model, task, { seed });
        expect(v.kind).toBe("refuted");
        if (v.kind === "refuted") expect(confirmWrong(model, task, v.finding.input)).toBe(true);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it("an almost-right model (the DFA that forgets one position) is refuted by a collision at that position", () => {
    const n = 10;
    const task = indexLookup(n);
    const model = compileModel(indexLookupDfa(n, 2, [7]));
    for (const strategy of ["dedup", "exhaustive", "auto"] as Strategy[]) {
      const v = refute(model, task, { strategy });
      expect(v.kind).toBe("refuted");
      if (v.kind !== "refuted") continue;
      // The collision searches must expose it through a collision; auto may find it earlier by its probe.
      if (strategy !== "auto") expect(v.finding.collision).toBeDefined();
      expect(v.finding.input[n]).toBe("@7");
      expect(confirmWrong(model, task, v.finding.input)).toBe(true);
    }
  });
});

describe("survival", () => {
  it("the DFA that stores all N symbols survives with mode exhaustive (N <= 10, every input of the task)", () => {
    for (let n = 1; n <= 10; n++) {
      const task = indexLookup(n);
      const model = compileModel(indexLookupDfa(n));
      for (const strategy of ["dedup", "exhaustive"] as Strategy[]) {
        const v = refute(model, task, { strategy });
        expect(v.kind).toBe("survived");
        if (v.kind === "survived" && v.mode === "exhaustive") expect(v.inputs).toBe(task.count());
        else throw new Error(`expected exhaustive survival, got ${JSON.stringify(v.kind)}`);
      }
    }
  });

  it("sampling: a model at the bound that is right survives as sampled; below the bound, nothing found is inconclusive", () => {
    const task = indexLookup(12);
    const right = refute(compileModel(indexLookupDfa(12)), task, { strategy: "sample", budget: 500, seed: 9 });
    expect(right.kind === "survived" && right.mode === "sampled" && right.samples === 500).toBe(true);
    // A 1-state DFA cannot carry anything, yet if it happens to be right on all samples we must not say "survived".
    const tiny = compileModel(indexLookupDfa(12, 2, Array.from({ length: 12 }, (_, i) => i + 1)));
    const v = refute(tiny, task, { strategy: "sample", budget: 1, seed: 0 });
    expect(["refuted", "inconclusive"]).toContain(v.kind);
  });

  it("the dedup search gives up past its state budget and auto falls back to sampling", () => {
    const task = indexLookup(16);
    const model = compileModel(indexLookupDfa(16));
    const dedup = refute(model, task, { strategy: "dedup", budget: 100 });
    expect(dedup.kind).toBe("inconclusive");
    const auto = refute(model, task, { strategy: "auto", budget: 100, seed: 5 });
    expect(auto.strategy).toBe("probe+dedup+sample");
    expect(auto.kind === "survived" && auto.mode === "sampled").toBe(true);
  });

  it("exhaustive search refuses families over its limit with a too-large error", () => {
    const task = indexLookup(30);
    const model = compileModel(randomModel({ arch: "elman", hidden: 2, format: "fixed:1.2", vocab: task.vocab, labels: task.labels, seed: 1 }));
    expect(() => refute(model, task, { strategy: "exhaustive" })).toThrow(/exhaustive search over 1073741824 inputs is over the limit/);
  });
});

describe("the budget bounds the protocol runs of every strategy", () => {
  it("dedup, sample and auto never compute more Alice messages than --budget", () => {
    const task = indexLookup(20);
    const model = compileModel(randomModel({ arch: "lstm", hidden: 4, format: "float32", vocab: task.vocab, labels: task.labels, seed: 1 }));
    const right = compileModel(indexLookupDfa(14));
    const t14 = indexLookup(14);
    for (const strategy of ["dedup", "sample", "auto"] as Strategy[])
      for (const budget of [1, 100, 5000]) {
        expect(refute(model, task, { strategy, budget, seed: 2 }).stats.runs).toBeLessThanOrEqual(budget);
        expect(refute(right, t14, { strategy, budget, seed: 2 }).stats.runs).toBeLessThanOrEqual(budget);
      }
  });
});

describe("progress", () => {
  it("is told every 65536 runs with the phase, and does not change the verdict", () => {
    const task = indexLookup(17);
    const model = compileModel(indexLookupDfa(17));
    const told: string[] = [];
    const quiet = refute(model, task, { strategy: "dedup" });
    const loud = refute(model, task, { strategy: "dedup", onProgress: (phase, runs) => told.push(`${phase} ${runs}`) });
    expect(loud).toEqual(quiet);
    expect(loud.stats.runs).toBe(2 ** 18 - 2);
    expect(told).toEqual([1, 2, 3].map((k) => `dedup ${k * 65536}`));
  });
});
