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
import { trieDfa } from "./trie-dfa.js";
import type { Task } from "../../src/tasks/task.js";

const SEED = 1337;
const SHA = "0".repeat(64);

/** A plain forward pass on the finding's input: the model must be wrong there. */
function confirmWrong(
  model: { readonly vocab: readonly string[]; readonly labels: readonly string[] } & Parameters<typeof forward>[0],
  task: Task,
  input: string[],
): boolean {
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
          const spec = randomModel({
            arch,
            hidden: arch === "dfa" ? 2 ** m : m,
            format: format.name,
            vocab: task.vocab,
            labels: task.labels,
            seed,
            nonlinearity: relu ? "relu" : "tanh",
          });
          const model = compileModel(spec);
          fc.pre(stateBits(model) < n);
          ran.count++;
          const v = refute(model, task, { seed });
          expect(v.kind).toBe("refuted");
          if (v.kind !== "refuted") return;
          expect(confirmWrong(model, task, v.finding.input)).toBe(true);
          const check = verifyCertificate(
            certificateOf(v, { toolVersion: "test", modelSha256: SHA, task, replay: "" }),
            model,
            SHA,
          );
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
      fc.property(
        fc.constantFrom("elman", "lstm", "gru", "linear", "dfa"),
        fc.integer({ min: 1, max: 3 }),
        arbitraryFixedFormat({ maxBits: 6 }),
        fc.integer({ min: 2, max: 10 }),
        fc.nat(),
        (arch, m, format, n, seed) => {
          const task = assocRecall(n);
          const model = compileModel(
            randomModel({
              arch,
              hidden: arch === "dfa" ? 2 ** m : m,
              format: format.name,
              vocab: task.vocab,
              labels: task.labels,
              seed,
            }),
          );
          fc.pre(stateBits(model) < n);
          const v = refute(model, task, { seed });
          expect(v.kind).toBe("refuted");
          if (v.kind === "refuted") expect(confirmWrong(model, task, v.finding.input)).toBe(true);
        },
      ),
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
    const tiny = compileModel(
      indexLookupDfa(
        12,
        2,
        Array.from({ length: 12 }, (_, i) => i + 1),
      ),
    );
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
    const model = compileModel(
      randomModel({ arch: "elman", hidden: 2, format: "fixed:1.2", vocab: task.vocab, labels: task.labels, seed: 1 }),
    );
    expect(() => refute(model, task, { strategy: "exhaustive" })).toThrow(
      /exhaustive search over 1073741824 inputs is over the limit/,
    );
  });
});

describe("the budget bounds the protocol runs of every strategy", () => {
  it("dedup, sample and auto never compute more Alice messages than --budget", () => {
    const task = indexLookup(20);
    const model = compileModel(
      randomModel({ arch: "lstm", hidden: 4, format: "float32", vocab: task.vocab, labels: task.labels, seed: 1 }),
    );
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

describe("associative recall: a clean walk of Proposition 9's family is not the whole task", () => {
  const task = assocRecall(2);
  const reference = (tokens: string[]) => {
    try {
      return task.answer(tokens);
    } catch {
      return "0"; // not an instance of the task: any answer
    }
  };

  it("a model right on every input survives with scope task (all 2!·2^2·2 = 16 inputs swept)", () => {
    const model = compileModel(trieDfa(task.vocab, task.labels, 5, reference));
    const v = refute(model, task, { strategy: "dedup" });
    expect(v).toMatchObject({ kind: "survived", mode: "exhaustive", scope: "task", inputs: 16n, taskInputs: 16n });
  });

  it("a model right only when the keys come in order k1, k2 is refuted by the sweep, not passed as exhaustive", () => {
    const inOrderOnly = (tokens: string[]) => {
      const right = reference(tokens);
      return tokens[0] === "k1" ? right : right === "0" ? "1" : "0";
    };
    const model = compileModel(trieDfa(task.vocab, task.labels, 5, inOrderOnly));
    for (const strategy of ["dedup", "exhaustive", "auto"] as Strategy[]) {
      const v = refute(model, task, { strategy });
      expect(v.kind).toBe("refuted");
      if (v.kind === "refuted") {
        expect(v.finding.input[0]).toBe("k2");
        expect(confirmWrong(model, task, v.finding.input)).toBe(true);
      }
    }
  });

  it("past the sweep's limit the verdict says it covered only the family (n = 9: 9!·2^9·9 inputs)", () => {
    const big = assocRecall(9);
    const v = refute(compileModel(inOrderRecallDfa(9)), big, { strategy: "dedup" });
    expect(big.count()).toBe(362880n * 512n * 9n);
    expect(v).toMatchObject({
      kind: "survived",
      mode: "exhaustive",
      scope: "family",
      inputs: 512n * 9n,
      taskInputs: big.count(),
    });
  });
});

/** Associative recall with the keys assumed in order k1..kn: keys are skipped, values stored; right on the family only. */
function inOrderRecallDfa(n: number) {
  const task = assocRecall(n);
  const keys = task.vocab.filter((t) => t.startsWith("k"));
  const level = (depth: number) => 2 ** depth - 1; // first state of a depth in the trie of value bits
  const answers = level(n + 1);
  const transitions: number[][] = [];
  for (let depth = 0; depth <= n; depth++)
    for (let v = 0; v < 2 ** depth; v++)
      transitions.push(
        task.vocab.map((t) => {
          const key = keys.indexOf(t);
          if (key < 0) return depth < n ? level(depth + 1) + 2 * v + Number(t) : answers;
          return depth < n ? level(depth) + v : answers + (Math.floor(v / 2 ** (n - 1 - key)) % 2);
        }),
      );
  transitions.push(
    task.vocab.map(() => answers),
    task.vocab.map(() => answers + 1),
  );
  const states = transitions.length;
  const output = Array.from({ length: states }, (_, s) => (s >= answers ? s - answers : 0));
  return {
    ccbound: "model" as const,
    version: 1 as const,
    arch: "dfa" as const,
    vocab: [...task.vocab],
    labels: [...task.labels],
    states,
    start: 0,
    transitions,
    output,
  };
}

describe("larger alphabets", () => {
  it("a DFA with 12 state bits is below the bound for n = 10 over 3 symbols (16 bits) and is refuted by a collision", () => {
    const task = indexLookup(10, 3);
    const model = compileModel(
      randomModel({ arch: "dfa", hidden: 4096, format: "float32", vocab: task.vocab, labels: task.labels, seed: 5 }),
    );
    const v = refute(model, task, { strategy: "dedup" });
    expect(v.requiredBits).toBe(16);
    expect(v.messageBits).toBe(12);
    expect(v.kind).toBe("refuted");
    if (v.kind === "refuted") expect(confirmWrong(model, task, v.finding.input)).toBe(true);
  });
});
