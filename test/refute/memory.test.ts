/**
 * Issue 15, item 6: the memory a check needs is estimated before it starts, and a run that will not fit is refused
 * with one line (its parts: the model's copies, the task's, the search's tables at the plan's budget).
 */
import { describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { compileModel } from "../../src/models/compile.js";
import { randomModel } from "../../src/models/random.js";
import { checkMemory, estimateMemory, numbersIn } from "../../src/refute/memory.js";
import { planSearch, TABLE_BYTES_PER_RUN } from "../../src/refute/plan.js";
import { makeTask } from "../../src/tasks/index.js";

const task = makeTask("equality", 16);
const spec = randomModel({
  arch: "lstm",
  hidden: 3,
  format: "fixed:1.2",
  vocab: task.vocab,
  labels: task.labels,
  seed: 1,
  layers: 1,
});
const model = compileModel(spec);

describe("estimateMemory", () => {
  it("counts the model's numbers: embedding, the LSTM's four gates, the head", () => {
    // embedding 2 x 3, weight_ih 12 x 3, weight_hh 12 x 3, two biases of 12, head 2 x 3 and 2; version and hidden
    expect(numbersIn(spec)).toBe(6 + 36 + 36 + 24 + 6 + 2 + 2);
  });

  it("the tables grow with the budget: the fooling set's share of it, 160 bytes a run", () => {
    const small = estimateMemory(planSearch(model, task, { budget: 1000, strategy: "sample" }), spec, 0);
    const large = estimateMemory(planSearch(model, task, { budget: 2000, strategy: "sample" }), spec, 0);
    // two-way: probe 1, fooling-set 2, crossed 1 (and a sweep of the 2^16 inputs, 1): the fooling set gets 2/5
    expect(large.tables - small.tables).toBe(
      Math.floor((2000 * 2) / 5) * TABLE_BYTES_PER_RUN - Math.floor((1000 * 2) / 5) * TABLE_BYTES_PER_RUN,
    );
    expect(large.total).toBeGreaterThan(small.total);
  });

  it("each worker adds a copy of the model and the task", () => {
    const plan = planSearch(model, task, { budget: 1000 });
    const one = estimateMemory(plan, spec, 1);
    const three = estimateMemory(plan, spec, 3);
    expect(three.total - one.total).toBeGreaterThan(2 * 40e6);
  });

  it("a run over the machine's memory or the main thread's heap is refused with one line", () => {
    const plan = planSearch(model, task, { budget: 1 << 20 });
    const e = estimateMemory(plan, spec, 2);
    expect(checkMemory(e, { bytes: 64 * 2 ** 30, heapLimit: 4 * 2 ** 30 })).toBe(e);
    const tiny = () => checkMemory(e, { bytes: 100e6, heapLimit: 4 * 2 ** 30 });
    expect(tiny).toThrow(CcboundError);
    expect(tiny).toThrow(/this run needs about 0\.\d GiB \(.*\), more than this machine's 0\.1 GiB allow/);
    expect(() => checkMemory(e, { bytes: 64 * 2 ** 30, heapLimit: 50e6 })).toThrow(
      /this run keeps about 0\.\d GiB in the main thread's heap \(the search's tables 0\.\d GiB/,
    );
  });
});
