import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileModel } from "../../src/models/compile.js";
import { indexLookupDfa } from "../../src/models/lookup-dfa.js";
import { forward, stateBits } from "../../src/models/model.js";
import { randomModel } from "../../src/models/random.js";
import { bind } from "../../src/reductions/bind.js";
import { certificateOf } from "../../src/refute/certificate.js";
import { refute } from "../../src/refute/check.js";
import type { Strategy } from "../../src/refute/plan.js";
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
            certificateOf(v, { toolVersion: "test", modelSha256: SHA, format: model.formatName, task, replay: "-" }),
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
    // Each collision search alone must expose it through a collision; the whole portfolio may find it by a sample.
    for (const [strategy, only] of [
      ["dedup", ["dedup"]],
      ["exhaustive", ["sample"]],
      ["auto", undefined],
    ] as const) {
      const v = refute(model, task, { strategy, seed: 3, ...(only && { only }) });
      expect(v.kind).toBe("refuted");
      if (v.kind !== "refuted") continue;
      if (only) {
        expect(v.finding.kind).toBe("collision");
        if (v.finding.kind === "collision") expect(v.finding.theorem).toBe("thm3");
      }
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

  it("sampling: a model at the bound that is right survives as sampled, with k and 3/k; below the bound, nothing found is inconclusive", () => {
    const task = indexLookup(12);
    const right = refute(compileModel(indexLookupDfa(12)), task, { strategy: "sample", budget: 500, seed: 9 });
    // Index lookup's strings are drawn as the task's generator draws them: every one is a sample of its distribution.
    expect(right).toMatchObject({ kind: "survived", mode: "sampled", samples: 500, errorBound: 3 / 500 });
    // A model that carries nothing is below the bound: a search that ends without a finding must not say "survived".
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

  it("a budget too small to sample anything is inconclusive, and says a larger budget helps", () => {
    const task = indexLookup(16);
    const v = refute(compileModel(indexLookupDfa(16)), task, { strategy: "sample", budget: 1, seed: 5 });
    expect(v).toMatchObject({ kind: "inconclusive", budgetCanHelp: true });
    if (v.kind === "inconclusive") expect(v.reason).toMatch(/only 1 input of the task's distribution ran/);
  });

  it("the dedup walk stops at its share of the budget and the strings beside it decide the verdict", () => {
    const task = indexLookup(16);
    const model = compileModel(indexLookupDfa(16));
    const v = refute(model, task, { strategy: "auto", budget: 100, seed: 5 });
    expect(v.search.strategy).toBe("sample+dedup");
    // Equal weights: the two share the budget, to within the growing unit size.
    const [sample, dedup] = v.search.feeds;
    expect([sample!.name, dedup!.name]).toEqual(["sample", "dedup"]);
    expect(sample!.runs + dedup!.runs).toBe(100);
    expect(Math.min(sample!.runs, dedup!.runs)).toBeGreaterThanOrEqual(45);
    expect(v).toMatchObject({ kind: "survived", mode: "sampled", samples: sample!.runs });
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
  it("dedup, sample and auto never compute more protocol runs than --budget, all feeds together", () => {
    const task = indexLookup(20);
    const model = compileModel(
      randomModel({ arch: "lstm", hidden: 4, format: "float32", vocab: task.vocab, labels: task.labels, seed: 1 }),
    );
    const right = compileModel(indexLookupDfa(14));
    const t14 = indexLookup(14);
    for (const strategy of ["dedup", "sample", "auto"] as Strategy[])
      for (const budget of [1, 100, 5000]) {
        for (const v of [
          refute(model, task, { strategy, budget, seed: 2 }),
          refute(right, t14, { strategy, budget, seed: 2 }),
        ]) {
          expect(v.search.runs).toBeLessThanOrEqual(budget);
          expect(v.search.feeds.reduce((s, f) => s + f.runs, 0)).toBe(v.search.runs);
        }
      }
  });
});

describe("progress", () => {
  it("is told every 65536 runs with the feed, and does not change the verdict", () => {
    const task = indexLookup(17);
    const model = compileModel(indexLookupDfa(17));
    const told: string[] = [];
    const quiet = refute(model, task, { strategy: "dedup", only: ["dedup"] });
    const loud = refute(model, task, {
      strategy: "dedup",
      only: ["dedup"],
      onProgress: (feed, runs) => told.push(`${feed} ${runs}`),
    });
    expect(loud).toEqual(quiet);
    // 2^18 - 2 prefix steps, then Bob's queries on each of the 2^17 final states.
    expect(loud.search.runs).toBe(2 ** 18 - 2 + 2 ** 17);
    // One report a 65536 runs, at the first unit boundary past each multiple.
    expect(told.length).toBe(Math.floor((2 ** 18 - 2 + 2 ** 17) / 65536));
    told.forEach((line, k) => {
      const [feed, runs] = line.split(" ");
      expect(feed).toBe("dedup");
      expect(Number(runs)).toBeGreaterThanOrEqual((k + 1) * 65536);
      expect(Number(runs)).toBeLessThan((k + 1) * 65536 + 4096);
    });
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

  it("a model right on every input survives exhaustively: the sweep ran all 2!·2^2·2 = 16 inputs", () => {
    const model = compileModel(trieDfa(task.vocab, task.labels, 5, reference));
    const v = refute(model, task, { strategy: "dedup" });
    expect(v).toMatchObject({ kind: "survived", mode: "exhaustive", inputs: 16n });
    expect(v.search.feeds.find((f) => f.name === "sweep")?.ended).toEqual({ kind: "exhausted", items: 16n });
  });

  it("a model right only when the keys come in order k1, k2 is refuted, not passed as exhaustive", () => {
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
        expect(v.finding.kind).toBe("wrong-answer");
        expect(confirmWrong(model, task, v.finding.input)).toBe(true);
      }
    }
  });

  it("past the sweep's limit, a model right on the whole family is refuted by the task's own generator (n = 9)", () => {
    const big = assocRecall(9);
    expect(big.count()).toBe(362880n * 512n * 9n);
    const model = compileModel(inOrderRecallDfa(9));
    // The family alone: every string of it right, every state its own. That is all it can say.
    const family = refute(model, big, { strategy: "dedup", only: ["dedup"] });
    expect(family.kind).toBe("inconclusive");
    expect(family.search.feeds[0]!.ended).toEqual({ kind: "exhausted", items: 512n * 9n });
    // The portfolio adds the task's own inputs, keys in any order: the model is wrong on nearly all of them.
    const v = refute(model, big, { strategy: "dedup", seed: 4 });
    expect(v.kind).toBe("refuted");
    if (v.kind === "refuted") {
      expect(v.finding).toMatchObject({ kind: "wrong-answer", feed: "probe" });
      expect(confirmWrong(model, big, v.finding.input)).toBe(true);
    }
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
    expect(v.applied).toMatchObject({ kind: "reduction", requiredBits: 16, messageBits: 12 });
    expect(v.kind).toBe("refuted");
    if (v.kind === "refuted") expect(confirmWrong(model, task, v.finding.input)).toBe(true);
  });
});
