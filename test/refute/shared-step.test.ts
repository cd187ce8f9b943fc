import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileModel } from "../../src/models/compile.js";
import type { RecurrentModel } from "../../src/models/model.js";
import { randomModel } from "../../src/models/random.js";
import type { RecurrentModelSpec } from "../../src/models/spec.js";
import { sharedStepper } from "../../src/refute/kernels/shared-step.js";
import { stepper } from "../../src/refute/kernels/step.js";
import { refute } from "../../src/refute/check.js";
import { DedupComputer, dedupLayout } from "../../src/refute/one-way/dedup.js";
import { kernelSamples } from "../../src/refute/one-way/walk-space.js";
import { planSearch } from "../../src/refute/plan.js";
import type { WorkResult } from "../../src/refute/portfolio/feed.js";
import { makeTask } from "../../src/tasks/index.js";
import { randomStack } from "./random-stack.js";

/*
 * Batched stepping (src/refute/kernels/shared-step.ts) against the model's own step, one state at a time: every state
 * equal bit for bit, and the dedup walk's results (every digest, every final check) equal with and without it, for
 * several cells, depths, formats, position embeddings and alphabets, fixed seeds.
 */
const SEED = 9091;
const FORMATS = ["float64", "float32", "float16", "bfloat16", "fixed:3.8", "fixed:2.9:nearest"];

function tokens(length: number, vocab: number, seed: number): Int32Array {
  let s = seed >>> 0;
  return Int32Array.from({ length }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16) % vocab);
}

const arbitraryCase = fc.record({
  arch: fc.constantFrom("lstm" as const, "gru" as const, "elman" as const),
  relu: fc.boolean(),
  hidden: fc.integer({ min: 1, max: 6 }),
  layers: fc.integer({ min: 1, max: 3 }),
  format: fc.constantFrom(...FORMATS),
  positions: fc.boolean(),
  seed: fc.nat(),
});

describe("batched stepping: the children of one state from products computed once", () => {
  it("random Elman, LSTM and GRU stacks in six formats: every child of every state equal bit for bit to the model's step", () => {
    const failures: string[] = [];
    fc.assert(
      fc.property(arbitraryCase, (c) => {
        const { spec, model } = randomStack(c, ["a", "b", "c", "d", "e"], ["0", "1"]);
        const label = JSON.stringify(c);
        const shared = sharedStepper(spec, model, [tokens(4, 5, c.seed)]);
        if (!shared) return void failures.push(`${label}: no shared stepper`);
        const path = tokens(40, 5, c.seed ^ 0x5bd1e995);
        const parent = model.newState();
        const mine = model.newState();
        const theirs = model.newState();
        for (let t = 0; t < path.length; t++) {
          shared.parent(parent);
          // Every token, and the path's own token again: the parent's products are reused, not consumed.
          for (const id of [0, 1, 2, 3, 4, path[t]!]) {
            mine.set(parent);
            theirs.set(parent);
            shared.child(mine, id, t);
            model.step(theirs, id, t);
            if (!Array.from(mine).every((v, i) => Object.is(v, theirs[i])))
              return void failures.push(`${label} t=${t} id=${id}: ${Array.from(mine)} vs ${Array.from(theirs)}`);
          }
          model.step(parent, path[t]!, t);
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
    expect(failures, `seed ${SEED}`).toEqual([]);
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
    expect(sharedStepper(spec as RecurrentModelSpec, model, [tokens(4, 2, 1)])).toBeUndefined();
  });
});

describe("the dedup walk with batched stepping and its budget's horizon gives the same results as one state at a time", () => {
  it("random stacks on index lookup (alphabets 2 and 3): every unit's digests and final checks equal", () => {
    const failures: string[] = [];
    fc.assert(
      fc.property(arbitraryCase, fc.constantFrom(2, 3), fc.integer({ min: 50, max: 3000 }), (c, alphabet, budget) => {
        const task = makeTask("index-lookup", 8, { alphabet });
        const { spec, model } = randomStack(c, task.vocab, task.labels);
        const plan = planSearch(model, task, { strategy: "dedup", spec, budget, seed: 3 });
        const space = plan.space!;
        const layout = dedupLayout(space);
        const plain = stepper(undefined, space.model, () => []);
        const shared = sharedStepper(spec, space.model, kernelSamples(space));
        if (!shared) return void failures.push(`${JSON.stringify(c)}: no shared stepper`);
        const one = new DedupComputer(space, layout, plain, plan.seed);
        const batched = new DedupComputer(space, layout, plain, plan.seed, shared, budget);
        const results: [WorkResult, WorkResult][] = [];
        for (
          let first = 0, count = 1;
          first < Math.min(budget, layout.total);
          first += count, count = 1 + ((count * 5) % 97)
        ) {
          const unit = { feed: "dedup" as const, first, count, runs: count };
          results.push([one.run(unit), batched.run(unit)]);
        }
        const diff = results.findIndex(([a, b]) => JSON.stringify(a) !== JSON.stringify(b));
        if (diff >= 0)
          failures.push(`${JSON.stringify(c)} alphabet=${alphabet} budget=${budget}: unit ${diff} differs`);
      }),
      { seed: SEED, numRuns: 60 },
    );
    expect(failures, `seed ${SEED}`).toEqual([]);
  });

  it("keeps only the states that are parents of a run within the budget, each at its packed size", () => {
    const task = makeTask("index-lookup", 12);
    const { spec, model } = randomStack(
      { arch: "lstm", relu: false, hidden: 4, layers: 1, format: "float32", positions: false, seed: 2 },
      task.vocab,
      task.labels,
    );
    // Levels 1..9 are runs 0..1021; level 10 starts at run 1022, so at a budget of 1100 only the first 39 states of
    // level 9 (the parents of runs 1022..1099) are kept, besides level 8's.
    const plan = planSearch(model, task, { strategy: "dedup", spec, budget: 1100, seed: 3 });
    const space = plan.space!;
    const layout = dedupLayout(space);
    const computer = new DedupComputer(
      space,
      layout,
      stepper(undefined, space.model, () => []),
      3,
      undefined,
      1100,
    );
    computer.run({ feed: "dedup", first: 0, count: 1022, runs: 1022 });
    const kept = computer.kept();
    expect(kept.states).toBe(256 + 39);
    expect(kept.bytes).toBe(kept.states * space.model.stateUnits * 4);
  });

  it("check's report: bytes per kept state are the packed state plus its digest's share of the level's table", () => {
    const task = makeTask("index-lookup", 16);
    const { spec, model } = randomStack(
      { arch: "lstm", relu: false, hidden: 8, layers: 1, format: "float32", positions: false, seed: 1 },
      task.vocab,
      task.labels,
    );
    const v = refute(model, task, { strategy: "dedup", only: ["dedup"], spec, budget: 40000, seed: 1 });
    const d = v.search.dedup!;
    expect(d.stateBytes).toBe(64);
    expect(d.states).toBeGreaterThan(0);
    expect(d.bytesPerState).toBeCloseTo(64 + d.tableBytes / d.states, 1);
    // At most the encoded bits rounded up to bytes plus 16 (the walk's index is the parent link and symbol).
    expect(d.bytesPerState).toBeLessThanOrEqual(64 + 16);
  });
});
