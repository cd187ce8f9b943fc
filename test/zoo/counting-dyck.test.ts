import type { PaperLayer } from "../../src/models/blocks/paper.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dyckFoolingWord } from "../../src/cc/dyck-problem.js";
import { run } from "../../src/cc/protocol.js";
import { compileModel } from "../../src/models/compile.js";
import type { TransformerModel } from "../../src/models/transformer.js";
import { parseFormat } from "../../src/numeric/parse.js";
import { Rng } from "../../src/random.js";
import { bind } from "../../src/reductions/bind.js";
import { oddEvenSplit, tokensOf } from "../../src/reductions/split.js";
import { theorem4Protocol, theorem4VectorProtocol } from "../../src/reductions/theorem4.js";
import { certificateOf } from "../../src/refute/certificate.js";
import { refute } from "../../src/refute/check.js";
import { answerOf } from "../../src/refute/finding.js";
import { verifyCertificate } from "../../src/refute/verify.js";
import { dyck, isDyck } from "../../src/tasks/dyck.js";
import { arbitraryTaskInput } from "../../src/testing/arbitraries.js";
import { countingDyck, countingDyckWeight } from "../../src/zoo/counting-dyck.js";

/**
 * counting-dyck: a one-layer Transformer right on every member of Dyck-(2,2) and wrong on a few non-members (words
 * whose outer bracket types are permuted, "( ] [ )"). Numbers measured with these seeds (bigger runs, 200k inputs,
 * in the comments):
 *
 *   n    format        refute runs (seed 1)   error, task generator   error, uniform strings
 *   8    fixed:10.3    33 (exhaustive order)  -                       -        (1720 of 4^8 strings wrong)
 *   16   fixed:12.4    10                     0                       1.08e-2
 *   32   fixed:14.5    21                     3.80e-3                 3.89e-3
 *   64   fixed:16.6    68                     2.21e-3                 1.40e-3
 *
 * At n = 16 the generator never corrupts more than one position, and one wrong symbol always breaks the identity.
 * Below about 3.3e-3 at n = 32 no check of this kind gets: almost all remaining generator errors are two type swaps
 * on outer brackets of different blocks ("( ] [ )"), which keep every sum over positions that is zero on all members
 * (measured with an ideal local check, relation weights drawn from 2^20 values); catching them needs ballot checks at
 * cut points, one extra transcript coordinate per cut, and the fooling-set search then needs hundreds of runs.
 */
const SEED = 1;
const SHA = "0".repeat(64);

const cache = new Map<number, TransformerModel>();
function modelAt(n: number): TransformerModel {
  let m = cache.get(n);
  if (m === undefined) cache.set(n, (m = compileModel(countingDyck({ n }))));
  return m;
}

/** All 4^n words of length n as symbol ids, in one reused buffer. */
function* allWords(n: number): Generator<Int32Array> {
  const w = new Int32Array(n);
  for (let c = 0; c < 4 ** n; c++) {
    let x = c;
    for (let j = 0; j < n; j++, x = Math.floor(x / 4)) w[j] = x % 4;
    yield w;
  }
}

/** Error rate of the model on `count` inputs drawn by `draw`, as symbol ids. */
function errorRate(model: TransformerModel, count: number, draw: () => Int32Array): number {
  let wrong = 0;
  for (let k = 0; k < count; k++) {
    const w = draw();
    if ((model.forward(w) === 1) !== isDyck(w, 2)) wrong++;
  }
  return wrong / count;
}

describe("counting-dyck (zoo): right on most inputs of Dyck-(2,2), not all", () => {
  it("the spec: dyck's vocabulary, labels 0/1, one causal layer of one head, maxLength n; every parameter is a value of its format", () => {
    for (const n of [2, 6, 8, 10, 32, 64]) {
      const spec = countingDyck({ n });
      expect(spec).toMatchObject({
        arch: "transformer",
        vocab: ["(", ")", "[", "]"],
        labels: ["0", "1"],
        causal: true,
      });
      expect(spec.layers).toHaveLength(1);
      expect((spec.layers[0]! as PaperLayer).heads).toHaveLength(1);
      expect(spec.positionEmbedding).toHaveLength(n);
      const format = parseFormat(spec.format);
      const l = spec.layers[0]! as PaperLayer;
      const all = [
        spec.tokenEmbedding,
        spec.positionEmbedding,
        l.heads[0]!.query,
        l.heads[0]!.key,
        l.heads[0]!.value,
        l.output,
        l.ffn!.weight1,
        [l.ffn!.bias1],
        l.ffn!.weight2,
        [l.ffn!.bias2],
        spec.head.weight,
        [spec.head.bias],
      ].flat(2);
      expect(all.every((x) => format.isRepresentable(x))).toBe(true);
    }
    expect(countingDyck({ n: 32 }).format).toBe("fixed:14.5");
    expect(() => countingDyck({ n: 7 })).toThrow(/even length/);
    expect(() => countingDyck({ n: 32, format: "float32" })).toThrow(/fixed-point/);
    expect(() => countingDyck({ n: 32, format: "fixed:10.5" })).toThrow(/I >= 14/);
    expect(countingDyck({ n: 32, format: "fixed:20.8" }).format).toBe("fixed:20.8");
  });

  it("the forward pass is exact: the head output is a * sum_i (G_i - g(i, s_i)) and the verdict is 1/2 or at most -1/2", () => {
    const rng = new Rng(SEED);
    for (const n of [6, 10, 32, 64]) {
      const model = modelAt(n);
      const a = model.arith.div(1, n);
      const G = Array.from({ length: n }, (_, p) =>
        Math.max(...[0, 1, 2, 3].map((s) => countingDyckWeight(n, p + 1, s))),
      );
      for (let k = 0; k < 200; k++) {
        const w =
          k % 2 === 0
            ? Int32Array.from({ length: n }, () => rng.int(4))
            : Int32Array.from(dyckFoolingWord(BigInt(rng.int(2 ** Math.min(30, n - 1))), n));
        let sum = 0;
        let identity = 0;
        w.forEach((s, p) => {
          sum += G[p]! - countingDyckWeight(n, p + 1, s);
          identity += countingDyckWeight(n, p + 1, s);
        });
        const y = model.finalVector(w);
        expect(y[5]).toBe(a * sum);
        expect(y[6]! === 0.5 || y[6]! <= -0.5).toBe(true);
        expect(model.forward(w)).toBe(identity === 0 ? 1 : 0);
      }
    }
  });

  it("no false negatives, and some false positives: every one of the 4^n strings for n <= 8, every member for n <= 16", () => {
    // Wrong inputs among all 4^n strings (all of them non-members accepted): 0, 10, 124, 1720 for n = 2..8 (and
    // 19730 of the 4^10 at n = 10, measured once; left out of CI for time, 15 s).
    const wrongByN: Record<number, number> = {};
    for (const n of [2, 4, 6, 8]) {
      const model = modelAt(n);
      let falseNegatives = 0;
      let falsePositives = 0;
      for (const w of allWords(n)) {
        const member = isDyck(w, 2);
        const says = model.forward(w) === 1;
        if (member && !says) falseNegatives++;
        if (!member && says) falsePositives++;
      }
      expect(falseNegatives).toBe(0);
      wrongByN[n] = falsePositives;
    }
    expect(wrongByN).toEqual({ 2: 0, 4: 10, 6: 124, 8: 1720 });
    for (const n of [12, 14, 16]) {
      const model = modelAt(n);
      for (let i = 0n; i < 1n << BigInt(n - 1); i++) expect(model.forward(dyckFoolingWord(i, n))).toBe(1);
    }
    // One error by hand: the outer types of two blocks permuted.
    const task = dyck(4);
    const input = ["(", "]", "[", ")"];
    expect(task.answer(input)).toBe("0");
    expect(answerOf(modelAt(4), bind(modelAt(4), task), input)).toBe("1");
  }, 120_000);

  it("one wrong symbol is always caught: every member with one position changed, n = 8 and 12", () => {
    for (const n of [8, 12]) {
      const model = modelAt(n);
      for (let i = 0n; i < 1n << BigInt(n - 1); i++) {
        const w = Int32Array.from(dyckFoolingWord(i, n));
        for (let p = 0; p < n; p++) {
          const was = w[p]!;
          for (let s = 1; s < 4; s++) {
            w[p] = (was + s) % 4;
            if (model.forward(w) !== 0) throw new Error(`n=${n}: accepted ${Array.from(w).join("")}`);
          }
          w[p] = was;
        }
      }
    }
  }, 60_000);

  it("right on most inputs: error rates on uniform strings and on the task's generator at n = 16, 32, 64", () => {
    const N = 20_000;
    const rows: string[] = [];
    for (const n of [16, 32, 64]) {
      const model = modelAt(n);
      const task = dyck(n);
      const ids = bind(model, task).ids;
      const gen = new Rng(1000 + n);
      const uni = new Rng(2000 + n);
      const generator = errorRate(model, N, () => ids(task.generate(gen)));
      const uniform = errorRate(model, N, () => Int32Array.from({ length: n }, () => uni.int(4)));
      rows.push(`n=${n}: generator ${generator}, uniform ${uniform}`);
      // Rare, but not zero past n = 16 (where the generator corrupts a single position); see the table above.
      expect(generator).toBeLessThan(0.006);
      expect(uniform).toBeLessThan(0.015);
      if (n >= 32) expect(generator).toBeGreaterThan(0);
    }
    console.log(`counting-dyck error rates over ${N} inputs each:\n  ${rows.join("\n  ")}`);
  }, 60_000);

  it("the fooling-set search (Lemma 1 + Theorem 4, odd/even split) refutes it at n = 8, 16, 32 in 33, 10 and 21 runs; the certificates verify", () => {
    const runs: Record<number, number> = {};
    for (const n of [8, 16, 32]) {
      const task = dyck(n);
      const model = modelAt(n);
      const v = refute(model, task, { seed: SEED, only: ["fooling-set"] });
      expect(v.kind).toBe("refuted");
      if (v.kind !== "refuted") return;
      expect(v.applied).toMatchObject({ kind: "reduction", split: "odd-even" });
      expect(v.finding).toMatchObject({ kind: "collision", theorem: "thm5" });
      expect(task.answer(v.finding.input)).toBe("0");
      expect(answerOf(model, bind(model, task), v.finding.input)).toBe("1");
      const cert = certificateOf(v, {
        toolVersion: "test",
        modelSha256: SHA,
        format: model.formatName,
        task,
        replay: "-",
      });
      expect(verifyCertificate(cert, model, SHA)).toMatchObject({ valid: true, kind: "collision", theorem: "thm5" });
      runs[n] = v.search.runs;
    }
    expect(runs).toEqual({ 8: 33, 16: 10, 32: 21 });
  });

  it("KEY: at n = 32 the fooling-set search finds an error in 21 runs; seeded random testing with the same 21 runs of the task's generator finds none", () => {
    const n = 32;
    const task = dyck(n);
    const model = modelAt(n);
    const v = refute(model, task, { seed: SEED, only: ["fooling-set"] });
    expect(v.kind).toBe("refuted");
    const budget = v.search.runs;
    expect(budget).toBe(21);
    const b = bind(model, task);
    let tried = 0;
    fc.assert(
      fc.property(arbitraryTaskInput(task), (input) => {
        tried++;
        return answerOf(model, b, input) === task.answer(input);
      }),
      { seed: SEED, numRuns: budget },
    );
    expect(tried).toBe(budget);
    // With an error rate of about 3.8e-3 on the generator, 21 random runs find an error with probability about 8%;
    // the search needs no luck: any collision of two members' transcripts is an error.
    console.log(
      `counting-dyck n=${n}: fooling-set search refuted it in ${budget} protocol runs; random testing passed ${tried} runs (fast-check seed ${SEED})`,
    );
  });

  it("Theorem 4's protocol (odd/even split) gives the forward pass's final vector and label, bit for bit", () => {
    const rng = new Rng(SEED + 1);
    for (const n of [8, 10, 32]) {
      const model = modelAt(n);
      const split = oddEvenSplit(n);
      const labels = theorem4Protocol(model, split);
      const vectors = theorem4VectorProtocol(model, split);
      const inputs = [
        ...Array.from({ length: 10 }, () => Int32Array.from({ length: n }, () => rng.int(4))),
        ...Array.from({ length: 10 }, () => Int32Array.from(dyckFoolingWord(BigInt(rng.int(2 ** (n - 1))), n))),
        Int32Array.from({ length: n }, (_, p) => [0, 3, 2, 1][p % 4]!), // "( ] [ ) ...": accepted, not a member
      ];
      for (const w of inputs) {
        const x = tokensOf(w, split.alice);
        const y = tokensOf(w, split.bob);
        expect(run(labels, x, y).output).toBe(model.forward(w));
        expect(Array.from(run(vectors, x, y).output)).toEqual(Array.from(model.finalVector(w)));
      }
    }
  });
});
