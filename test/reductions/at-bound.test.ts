/**
 * Issue 15, item 6: `check --at-bound` finds the least N where the bound that applies binds the model. For recurrent
 * models on index lookup, equality and disjointness and a one-layer Transformer on equality: at N the theorem
 * requires more bits than the model sends, at the N before it does not, and (for a recurrent model, whose state does
 * not depend on N) at no smaller N either.
 */
import { describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { compileModel, type Model } from "../../src/models/compile.js";
import { randomModel } from "../../src/models/random.js";
import { randomTransformer } from "../../src/models/random-transformer.js";
import { reductionFor } from "../../src/reductions/applies.js";
import { leastBindingN } from "../../src/reductions/at-bound.js";
import { makeTask, nStep, type TaskName, type TaskOptions } from "../../src/tasks/index.js";

function bits(model: Model, name: TaskName, n: number, options: TaskOptions = {}) {
  const a = reductionFor(model, makeTask(name, n, options));
  if (a.kind !== "reduction" || a.reduction.kind === "dynamics") throw new Error("no bits-against-bits reduction");
  return { sent: a.reduction.messageBits, required: a.reduction.requiredBits };
}

function expectLeast(model: Model, name: TaskName, options: TaskOptions, scanAll: boolean): number {
  const found = leastBindingN(model, name, options);
  const step = nStep(name);
  const here = bits(model, name, found.n, options);
  expect(here.required, `N = ${found.n}`).toBeGreaterThan(here.sent);
  expect(found.before?.n).toBe(found.n - step);
  const before = bits(model, name, found.n - step, options);
  expect(before.required, `N = ${found.n - step}`).toBeLessThanOrEqual(before.sent);
  // every smaller N the task takes is not below the bound: the N found is the least
  if (scanAll)
    for (let n = step; n < found.n; n += step) {
      const b = bits(model, name, n, options);
      expect(b.required, `N = ${n}`).toBeLessThanOrEqual(b.sent);
    }
  return found.n;
}

const recurrent = (arch: "lstm" | "gru" | "elman", hidden: number, format: string, vocab: string[], seed: number) =>
  compileModel(randomModel({ arch, hidden, format, vocab, labels: ["0", "1"], seed, layers: 1 }));

describe("leastBindingN", () => {
  it("recurrent, index lookup: N = state bits + 1 over 2 symbols; ceil(N log2 3) > state bits over 3", () => {
    const positions = Array.from({ length: 200 }, (_, i) => `@${i + 1}`);
    const lstm = recurrent("lstm", 2, "fixed:1.2", ["0", "1", ...positions], 1); // 4 values x 4 bits
    expect(expectLeast(lstm, "index-lookup", {}, true)).toBe(17);
    // alphabet 3 answers 0 1 2: a head of three outputs
    const gru3 = compileModel(
      randomModel({
        arch: "gru",
        hidden: 3,
        format: "fixed:2.5",
        vocab: ["0", "1", "2", ...positions],
        labels: ["0", "1", "2"],
        seed: 2,
        layers: 1,
      }),
    );
    // 24 state bits: ceil(N log2 3) > 24 first at N = 16 (ceil(15 x 1.585) = 24)
    expect(expectLeast(gru3, "index-lookup", { alphabet: 3 }, true)).toBe(16);
  });

  it("recurrent, equality and disjointness: the halves' N/2 bits pass the state at N = 2 (state bits + 1)", () => {
    const elman = recurrent("elman", 5, "fixed:1.2", ["0", "1"], 3); // 5 x 4 = 20 bits
    expect(expectLeast(elman, "equality", {}, true)).toBe(42);
    expect(expectLeast(elman, "disjointness", {}, true)).toBe(42);
    const withSep = recurrent("elman", 5, "fixed:1.2", ["0", "1", "|"], 3);
    expect(expectLeast(withSep, "equality", { separator: true }, true)).toBe(42);
  });

  it("a one-layer Transformer on equality: at N it is below Theorem 12's bound, at N - 2 not, and at no smaller N", () => {
    for (const [width, heads, seed] of [
      [2, 1, 1],
      [3, 2, 2],
    ] as const) {
      const t = compileModel(
        randomTransformer({
          width,
          heads,
          layers: 1,
          maxLength: 4096,
          format: "fixed:2.5",
          vocab: ["0", "1"],
          labels: ["0", "1"],
          seed,
        }),
      );
      const n = expectLeast(t, "equality", {}, true);
      expect(n).toBe(width === 2 ? 216 : 612); // 107 and 305 transcript bits there
    }
  });

  it("refused: no bound applies; the model's vocabulary stops before the bound; the limit", () => {
    const dyckRnn = recurrent("lstm", 2, "fixed:1.2", ["(", ")", "[", "]"], 1);
    expect(() => leastBindingN(dyckRnn, "dyck", {})).toThrow(/no lower bound applies to this model on dyck/);
    const short = recurrent(
      "lstm",
      2,
      "fixed:1.2",
      ["0", "1", "@1", "@2", "@3", "@4", "@5", "@6", "@7", "@8", "@9", "@10"],
      1,
    );
    expect(() => leastBindingN(short, "index-lookup", {})).toThrow(
      /no n up to 10 puts the model below Theorem 3's bound on index-lookup \(at n = 10 it requires 10 bits and the model sends 16\), and the model does not take n = 11/,
    );
    const big = recurrent("lstm", 8, "float32", ["0", "1"], 1); // 512 bits
    try {
      leastBindingN(big, "equality", {}, 512);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CcboundError);
      expect((e as Error).message).toMatch(/no n up to 512, the largest ccbound takes/);
    }
  });
});
