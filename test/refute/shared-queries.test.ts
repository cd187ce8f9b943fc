import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { feed } from "../../src/models/model.js";
import { sharedStepper } from "../../src/refute/kernels/shared-step.js";
import { aliceIds, firstWrongQuery, type SearchSpace } from "../../src/refute/one-way/search-space.js";
import { kernelSamples } from "../../src/refute/one-way/walk-space.js";
import { planSearch } from "../../src/refute/plan.js";
import { makeTask } from "../../src/tasks/index.js";
import { randomStack } from "./random-stack.js";

/*
 * Bob's queries from one state through the shared stepper (src/refute/one-way/search-space.ts firstWrongQuery):
 * the same first wrong query as one query at a time, on every query. A random model is wrong at its first query
 * most of the time, so besides the task's own labels each case is also checked against labels set to the model's
 * own answers (every query must then be right, both ways) with one of them flipped (that one must be found).
 */
const SEED = 4242;
const FORMATS = ["float64", "float32", "float16", "bfloat16", "fixed:3.8"];

const arbitraryCase = fc.record({
  arch: fc.constantFrom("lstm" as const, "gru" as const, "elman" as const),
  relu: fc.boolean(),
  hidden: fc.integer({ min: 1, max: 6 }),
  layers: fc.integer({ min: 1, max: 2 }),
  format: fc.constantFrom(...FORMATS),
  positions: fc.boolean(),
  task: fc.constantFrom("index-lookup" as const, "assoc-recall" as const),
  seed: fc.nat(),
});

/** The space with its answers replaced by `labels[t]` for the string `choices` (other choices keep theirs). */
function withAnswers(space: SearchSpace, choices: Uint8Array, labels: ReadonlyMap<number, number>): SearchSpace {
  const answerLabel = new Map(
    [...space.answerLabel].map(([t, row]) => {
      const copy = Int32Array.from(row);
      copy[choices[t]!] = labels.get(t)!;
      return [t, copy] as const;
    }),
  );
  return { ...space, answerLabel };
}

describe("firstWrongQuery with Bob's queries sharing the products of Alice's state", () => {
  it("random Elman, LSTM and GRU stacks: the same first wrong query as one query at a time, on every query", () => {
    const failures: string[] = [];
    let checked = 0;
    fc.assert(
      fc.property(arbitraryCase, (c) => {
        const task = makeTask(c.task, 6, c.task === "index-lookup" ? { alphabet: 3 } : {});
        const { spec, model } = randomStack(c, task.vocab, task.labels);
        const plan = planSearch(model, task, { strategy: "sample", spec, budget: 10, seed: 1 });
        const space = plan.space!;
        const label = JSON.stringify(c);
        const shared = sharedStepper(spec, model, kernelSamples(space));
        if (!shared) return void failures.push(`${label}: no shared stepper`);
        const scratch = model.newState();
        for (let s = 0; s < 4; s++) {
          const choices = Uint8Array.from(space.choiceIds, (ids, t) => (c.seed + 7 * s + 3 * t) % ids.length);
          const state = feed(model, model.newState(), aliceIds(space, choices));
          const before = Float64Array.from(state);
          const plain = firstWrongQuery(space, state, choices, scratch);
          const mine = firstWrongQuery(space, state, choices, scratch, shared);
          if (plain !== mine) failures.push(`${label} string ${s}: ${mine} vs ${plain}`);
          if (!state.every((v, i) => Object.is(v, before[i]))) failures.push(`${label}: Alice's state was changed`);
          // The model's own answers: every query right; then each one flipped in turn must be the one found.
          const own = new Map(
            space.queried.map((t) => {
              const q = Float64Array.from(state);
              return [t, model.readout(feed(model, q, space.queryIds.get(t)!, space.cut))] as const;
            }),
          );
          const right = withAnswers(space, choices, own);
          const all = firstWrongQuery(right, state, choices, scratch, shared);
          if (all !== -1) failures.push(`${label} string ${s}: own answers, ${all} wrong`);
          for (const t of space.queried) {
            const flipped = new Map(own).set(t, (own.get(t)! + 1) % model.labels.length);
            const found = firstWrongQuery(withAnswers(space, choices, flipped), state, choices, scratch, shared);
            if (found !== t) failures.push(`${label} string ${s}: flipped ${t}, found ${found}`);
            checked++;
          }
        }
      }),
      { seed: SEED, numRuns: 80 },
    );
    expect(failures, `seed ${SEED}`).toEqual([]);
    expect(checked).toBeGreaterThan(80 * 4);
  });
});
