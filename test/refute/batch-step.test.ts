import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { transcriptBits } from "../../src/cc/transcript.js";
import { compileModel } from "../../src/models/compile.js";
import type { RecurrentModel } from "../../src/models/model.js";
import { randomModel } from "../../src/models/random.js";
import type { RecurrentModelSpec } from "../../src/models/spec.js";
import type { TwoWayReduction } from "../../src/reductions/applies.js";
import { refute } from "../../src/refute/check.js";
import { computeFoolingSet } from "../../src/refute/feeds/fooling-set.js";
import { computeSample } from "../../src/refute/feeds/sample.js";
import { runAt } from "../../src/refute/finding.js";
import { batchStepper } from "../../src/refute/kernels/batch-step.js";
import { planSearch } from "../../src/refute/plan.js";
import { cutRuns } from "../../src/refute/two-way/cut-runs.js";
import { makeTask } from "../../src/tasks/index.js";
import { KERNELS, withKernel } from "../models/kernels.js";
import { randomStack } from "./random-stack.js";

/*
 * A block of strings stepped together (src/refute/kernels/batch-step.ts) against the model's own step, one string at
 * a time: every entry's state equal bit for bit after every step, for Elman, LSTM and GRU stacks of 1-2 layers in
 * binary32 (the WebAssembly matrix-matrix kernel, and its plain fallback) and other formats (the fallback alone),
 * batches of every size up to capacities that are not multiples of 16; and the searches built on it (the sampled
 * search's units, the fooling set's units and its transcripts against the protocol's own run, a whole check's
 * verdict) equal with and without batching and on both kernel paths. Fixed seeds, printed on failure.
 */
const SEED = 7177;
const FORMATS = ["float32", "float32", "float64", "bfloat16", "fixed:3.8"];

const arbitraryCase = fc.record({
  arch: fc.constantFrom("lstm" as const, "gru" as const, "elman" as const),
  relu: fc.boolean(),
  hidden: fc.integer({ min: 1, max: 9 }),
  layers: fc.integer({ min: 1, max: 2 }),
  format: fc.constantFrom(...FORMATS),
  positions: fc.boolean(),
  capacity: fc.integer({ min: 1, max: 37 }),
  seed: fc.nat(),
});

function tokens(length: number, vocab: number, seed: number): Int32Array {
  let s = seed >>> 0;
  return Int32Array.from({ length }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16) % vocab);
}

describe("batched stepping: a block of strings, one matrix-matrix product per layer", () => {
  for (const kernel of KERNELS)
    it(`random Elman, LSTM and GRU stacks (${kernel} kernels): every entry equal bit for bit to the model's step`, () => {
      const failures: string[] = [];
      let entries = 0;
      fc.assert(
        fc.property(arbitraryCase, (c) =>
          withKernel(kernel, () => {
            const { spec, model } = randomStack(c, ["a", "b", "c", "d", "e"], ["0", "1"]);
            const label = `seed ${SEED} ${JSON.stringify(c)}`;
            const samples = [tokens(6, 5, c.seed), tokens(6, 5, c.seed + 1)];
            const batch = batchStepper(spec, model, samples, c.capacity);
            if (!batch) return void failures.push(`${label}: no batch stepper`);
            // Every batch size up to the capacity, each string its own tokens.
            for (const count of new Set([1, c.capacity, Math.max(1, c.capacity - 3), (c.seed % c.capacity) + 1])) {
              const strings = Array.from({ length: count }, (_, e) => tokens(30, 5, c.seed * 31 + e));
              const theirs = strings.map(() => model.newState());
              const ids = new Int32Array(count);
              batch.reset(count);
              for (let t = 0; t < 30; t++) {
                for (let e = 0; e < count; e++) ids[e] = strings[e]![t]!;
                batch.step(ids, count, t);
                for (let e = 0; e < count; e++) {
                  model.step(theirs[e]!, ids[e]!, t);
                  const mine = batch.state(e);
                  if (!mine.every((v, i) => Object.is(v, theirs[e]![i])))
                    return void failures.push(`${label} count ${count} t=${t} entry ${e}: ${mine} vs ${theirs[e]}`);
                }
              }
              entries += count;
            }
          }),
        ),
        { seed: SEED, numRuns: 70 },
      );
      expect(failures, `seed ${SEED}`).toEqual([]);
      expect(entries).toBeGreaterThan(70);
    });

  it("is not made for a model whose layers are not all Elman, LSTM or GRU", () => {
    const spec = randomModel({
      arch: "linear",
      hidden: 3,
      format: "float32",
      vocab: ["a", "b"],
      labels: ["0", "1"],
      seed: 1,
    });
    const model = compileModel(spec) as RecurrentModel;
    expect(batchStepper(spec as RecurrentModelSpec, model, [tokens(4, 2, 1)], 8)).toBeUndefined();
  });
});

describe("the sampled search's units: the same with and without batching, on both kernel paths", () => {
  it("random stacks on index lookup and associative recall: every digest and wrong string equal", () => {
    const failures: string[] = [];
    fc.assert(
      fc.property(
        arbitraryCase,
        fc.constantFrom("index-lookup", "assoc-recall"),
        fc.integer({ min: 1, max: 40 }),
        (c, name, count) => {
          const task = makeTask(name, 6, name === "index-lookup" ? { alphabet: 3 } : {});
          const results = KERNELS.map((kernel) =>
            withKernel(kernel, () => {
              const { spec, model } = randomStack(c, task.vocab, task.labels);
              const plan = planSearch(model, task, { strategy: "sample", spec, budget: 100, seed: c.seed });
              const items = Array.from({ length: count }, (_, i) => String((i * 7919 + c.seed) % 729));
              const unit = { feed: "sample" as const, first: 0, count, runs: count, items };
              return [1, c.capacity, 16].map((width) => JSON.stringify(computeSample(plan, plan.space!, width)(unit)));
            }),
          ).flat();
          if (new Set(results).size !== 1)
            failures.push(`seed ${SEED} ${JSON.stringify(c)} ${name}: ${results.join(" | ")}`);
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
    expect(failures, `seed ${SEED}`).toEqual([]);
  });
});

describe("the fooling set's units: Theorem 2's protocol at the cut, run as a block", () => {
  it("equality (with and without separator) and disjointness: keys and answers are the protocol's own run's", () => {
    const failures: string[] = [];
    let compared = 0;
    fc.assert(
      fc.property(
        arbitraryCase,
        fc.constantFrom("eq", "sep", "disjointness"),
        fc.integer({ min: 1, max: 40 }),
        (c, name, count) => {
          const task =
            name === "disjointness"
              ? makeTask("disjointness", 8)
              : makeTask("equality", 8, name === "sep" ? { separator: true } : {});
          const results = KERNELS.map((kernel) =>
            withKernel(kernel, () => {
              const { spec, model } = randomStack(c, task.vocab, task.labels);
              const plan = planSearch(model, task, { strategy: "sample", spec, budget: 100, seed: c.seed });
              if (plan.applies.kind !== "reduction" || plan.applies.reduction.kind !== "two-way")
                throw new Error("no fooling set");
              const r = plan.applies.reduction as TwoWayReduction;
              const runs = cutRuns(spec, r, c.capacity);
              if (!runs) throw new Error(`seed ${SEED} ${JSON.stringify(c)}: no batched runs`);
              const elements = Array.from({ length: Math.min(count, runs.width) }, (_, i) =>
                r.family.element(BigInt((i * 104729 + c.seed) % Number(r.family.size))),
              );
              runs.run(elements, elements.length);
              elements.forEach((tokens, e) => {
                const theirs = runAt(r, tokens);
                const key = transcriptBits(theirs.transcript).key();
                if (runs.key(e) !== key || runs.output(e) !== theirs.output)
                  failures.push(`seed ${SEED} ${JSON.stringify(c)} ${name} ${kernel}: element ${e} differs`);
                compared++;
              });
              const items = Array.from({ length: count }, (_, i) =>
                String((i * 7919 + c.seed) % Number(r.family.size)),
              );
              const unit = { feed: "fooling-set" as const, first: 0, count, runs: count, items };
              return [1, c.capacity].map((width) => JSON.stringify(computeFoolingSet(plan, r, width)(unit)));
            }),
          ).flat();
          if (new Set(results).size !== 1) failures.push(`seed ${SEED} ${JSON.stringify(c)} ${name}: units differ`);
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
    expect(failures, `seed ${SEED}`).toEqual([]);
    expect(compared).toBeGreaterThan(40);
  });
});

describe("a whole check: the same verdict and certificate on both kernel paths", () => {
  it("a float32 LSTM on index lookup (sampled search) and on equality (fooling set)", () => {
    const cases = [
      { task: makeTask("index-lookup", 12, { alphabet: 4 }), feed: "sample" as const, strategy: "sample" as const },
      { task: makeTask("equality", 12), feed: "fooling-set" as const, strategy: "auto" as const },
    ];
    for (const { task, feed, strategy } of cases)
      for (const seed of [1, 2, 3]) {
        const verdicts = KERNELS.map((kernel) =>
          withKernel(kernel, () => {
            const spec = randomModel({
              arch: "lstm",
              hidden: 8,
              format: "float32",
              vocab: [...task.vocab],
              labels: [...task.labels],
              seed,
            }) as RecurrentModelSpec;
            const model = compileModel(spec) as RecurrentModel;
            const verdict = refute(model, task, { strategy, only: [feed], spec, budget: 3000, seed });
            return JSON.stringify(verdict, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
          }),
        );
        expect(verdicts[1], `seed ${seed} ${task.name}`).toBe(verdicts[0]);
      }
  });
});
