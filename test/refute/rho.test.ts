import { describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { compileModel } from "../../src/models/compile.js";
import { randomTransformer } from "../../src/models/random-transformer.js";
import type { ModelSpec } from "../../src/models/spec.js";
import { certificateOf } from "../../src/refute/certificate.js";
import { refute } from "../../src/refute/check.js";
import { planSearch } from "../../src/refute/plan.js";
import { DpTable } from "../../src/refute/rho/dp-table.js";
import { RhoSequencer } from "../../src/refute/rho/sequencer.js";
import { uniformSpace } from "../../src/refute/rho/uniform-space.js";
import { RhoWalker, rhoParams } from "../../src/refute/rho/walker.js";
import { verifyCertificate } from "../../src/refute/verify.js";
import { makeTask } from "../../src/tasks/index.js";
import type { Task } from "../../src/tasks/task.js";
import { hashEquality } from "../../src/zoo/hash-equality.js";
import { indexLookupDfa } from "../../src/models/lookup-dfa.js";
import { trieDfa } from "./trie-dfa.js";

const SHA = "0".repeat(64);

/** The rho walk alone (no other feed), so its own behaviour is what is measured. */
function rho(spec: ModelSpec, task: Task, seed: number, extra: { budget?: number; maxPoints?: number } = {}) {
  const model = compileModel(spec);
  const v = refute(model, task, { strategy: "rho", seed, spec, only: ["rho"], ...extra });
  const check =
    v.kind === "refuted"
      ? verifyCertificate(
          certificateOf(v, { toolVersion: "test", modelSha256: SHA, format: model.formatName, task, replay: "-" }),
          model,
          SHA,
        )
      : undefined;
  return { v, check };
}

describe("rho: collision search in bounded memory (distinguished points)", () => {
  it("hash-equality with c = 16, 18, 20 at N = 64: refuted by a collision every time, the certificate verifies, runs a small multiple of 2^(c/2)", () => {
    const task = makeTask("equality", 64);
    for (const c of [16, 18, 20]) {
      const ratios: number[] = [];
      for (let seed = 1; seed <= 8; seed++) {
        const { v, check } = rho(hashEquality({ n: 64, bits: c, seed }), task, seed);
        const label = `c = ${c}, seed ${seed}`;
        expect(v.kind, label).toBe("refuted");
        if (v.kind !== "refuted") continue;
        expect(v.search.strategy, label).toBe("rho");
        expect(v.finding.kind, label).toBe("collision");
        expect(check, label).toMatchObject({ valid: true, kind: "collision", theorem: "thm11" });
        ratios.push(v.search.runs / 2 ** (c / 2));
      }
      const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
      // Birthday for a random map on about 2^c values: about 1.25 2^(c/2); measured means 1.0-1.2 here.
      expect(mean, `c = ${c}: runs / 2^(c/2) = ${ratios.map((r) => r.toFixed(2)).join(", ")}`).toBeLessThan(2.5);
      expect(Math.max(...ratios), `c = ${c}`).toBeLessThan(8);
    }
  });

  it("on uniformly random 20-bit transcripts the walk needs about sqrt(pi/2) 2^10 runs (mean of 16 seeds within 0.8..2 times 2^10)", () => {
    const ratios = Array.from({ length: 16 }, (_, s) => {
      const walker = new RhoWalker(uniformSpace(20, s + 1), rhoParams(s + 1, 2 ** 16, 2 ** 16));
      const sequencer = new RhoSequencer(walker, 2 ** 16);
      let found;
      for (let j = 0; sequencer.runs < 2 ** 16 && !found; j++)
        found = sequencer.accept(walker.trail(j), 2 ** 16 - sequencer.runs);
      expect(found?.kind, `seed ${s + 1}`).toBe("collision");
      return sequencer.runs / 2 ** 10;
    });
    const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
    expect(mean, ratios.map((r) => r.toFixed(2)).join(", ")).toBeGreaterThan(0.8);
    expect(mean, ratios.map((r) => r.toFixed(2)).join(", ")).toBeLessThan(2);
  });

  it("a one-layer Transformer below the bound (EQ, N = 128, fixed:1.3: 55 bits < 64) is refuted through Theorem 4's protocol", () => {
    const task = makeTask("equality", 128);
    const spec = randomTransformer({
      width: 1,
      heads: 1,
      layers: 1,
      maxLength: task.inputLength,
      format: "fixed:1.3",
      vocab: task.vocab,
      labels: task.labels,
      seed: 1,
    });
    const { v, check } = rho(spec, task, 3);
    expect(v.applied).toMatchObject({ kind: "reduction", messageBits: 55, requiredBits: 64 });
    expect(v.kind).toBe("refuted");
    expect(check).toMatchObject({ valid: true, kind: "collision", theorem: "thm12" });
  });

  it("an element answered wrongly is a finding by itself: a constant model on EQ is refuted at the first run, with no collision", () => {
    const task = makeTask("equality", 16);
    const spec = trieDfa(task.vocab, task.labels, task.inputLength, () => "0");
    const { v, check } = rho(spec, task, 1);
    expect(v).toMatchObject({ kind: "refuted", search: { runs: 1 }, finding: { kind: "wrong-answer", feed: "rho" } });
    expect(check).toMatchObject({ valid: true, kind: "wrong-answer", theorem: null });
  });

  it("memory stays bounded: a search that runs to its budget keeps at most --max-points distinguished points", () => {
    // c = 40: a collision needs about 2^20 runs, far past this budget.
    const task = makeTask("equality", 64);
    const spec = hashEquality({ n: 64, bits: 40, seed: 2 });
    for (const maxPoints of [8, 64]) {
      const { v } = rho(spec, task, 5, { budget: 50_000, maxPoints });
      const label = `maxPoints ${maxPoints}`;
      // The walk alone samples nothing of the task's distribution: above the bound it can only say it found nothing.
      expect(v.kind, label).toBe("inconclusive");
      const r = v.search.rho!;
      expect(r.points, label).toBeGreaterThan(0);
      expect(r.points, label).toBeLessThanOrEqual(maxPoints);
      expect(r.tableBytes, label).toBe(new DpTable(1, maxPoints).bytes); // 32-bit points: one word each
      // The walk stops at the budget.
      expect(v.search.runs, label).toBe(50_000);
    }
  });

  it("a model right on EQ (all 2^8 transcripts distinct) survives: every pair the walk meets is a false alarm", () => {
    const task = makeTask("equality", 16);
    const spec = trieDfa(task.vocab, task.labels, task.inputLength, (t) => task.answer(t));
    const { v } = rho(spec, task, 5, { budget: 20_000 });
    expect(v.kind).toBe("inconclusive");
    expect(v.search.rho!.falseAlarms).toBeGreaterThan(0);
    // With the task's own generator beside it (and the sweep: 2^16 inputs), the right model survives exhaustively.
    const all = refute(compileModel(spec), task, { strategy: "rho", seed: 5, budget: 600_000, spec });
    expect(all).toMatchObject({ kind: "survived", mode: "exhaustive", inputs: 65536n });
  });

  it("the distinguished fraction follows the budget and the memory bound: about budget / 2^k <= maxPoints / 2", () => {
    const task = makeTask("equality", 64);
    const model = compileModel(hashEquality({ n: 64, bits: 20, seed: 1 }));
    const k = (budget: number, maxPoints: number) => {
      const s = planSearch(model, task, { strategy: "rho", budget, maxPoints }).collision;
      return s?.feed === "rho" ? s.params.distinguishedBits : -1;
    };
    expect(k(2 ** 20, 2 ** 16)).toBe(5);
    expect(k(2 ** 28, 2 ** 16)).toBe(13);
    expect(k(100, 2 ** 16)).toBe(0);
  });

  it("the table keeps what it is given and refuses past its bound", () => {
    const t = new DpTable(2, 3);
    const p = (a: number, b: number) => Uint32Array.of(a, b);
    expect([t.add(p(1, 2), 0, 5), t.add(p(2, 1), 1, 6), t.add(p(0, 0), 2, 7), t.add(p(9, 9), 3, 8)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(t.get(p(2, 1))).toEqual({ trail: 1, length: 6 });
    expect(t.get(p(0, 0))).toEqual({ trail: 2, length: 7 });
    expect(t.get(p(9, 9))).toBeUndefined();
    expect(t.bytesPerEntry).toBe(16);
  });

  it("auto takes rho when a table of every run would not fit in memory; sample with such a budget is refused", () => {
    const task = makeTask("equality", 128);
    const model = compileModel(hashEquality({ n: 128, bits: 48, seed: 1 }));
    expect(planSearch(model, task, { budget: 2 ** 20 }).collision?.feed).toBe("fooling-set");
    expect(planSearch(model, task, { budget: 2 ** 30 }).collision?.feed).toBe("rho");
    let error: unknown;
    try {
      planSearch(model, task, { strategy: "sample", budget: 2 ** 30 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CcboundError);
    expect((error as CcboundError).oneLine()).toMatch(/--strategy rho/);
  });

  it("one-way tasks too (index lookup through Alice's INDEX strings): a DFA that forgets position 7 is refuted, and a right DFA over 3 symbols survives with only false alarms", () => {
    const task = makeTask("index-lookup", 10);
    const forgets = indexLookupDfa(10, 2, [6]);
    const { v, check } = rho(forgets, task, 4);
    expect(v).toMatchObject({ kind: "refuted", search: { strategy: "rho" } });
    expect(check).toMatchObject({ valid: true });
    const t3 = makeTask("index-lookup", 6, { alphabet: 3 });
    // 3^6 strings in 2 bits a position: points past a position's choices wrap, so each point is one string.
    const { v: right } = rho(indexLookupDfa(6, 3), t3, 1, { budget: 5000, maxPoints: 16 });
    expect(right.kind).toBe("inconclusive");
    expect(right.search.rho!.falseAlarms).toBeGreaterThan(0);
    expect(right.search.rho!.points).toBeLessThanOrEqual(16);
  });

  it("on one-way tasks auto walks when a chosen budget's table would not fit in memory, and dedup says so", () => {
    const task = makeTask("index-lookup", 10);
    const spec = indexLookupDfa(10, 2, [6]);
    const model = compileModel(spec);
    expect(planSearch(model, task, { budget: 2 ** 40, seed: 1 }).collision?.feed).toBe("rho");
    expect(planSearch(model, task, { seed: 1 }).collision?.feed).toBe("dedup");
    const error = (() => {
      try {
        refute(model, task, { strategy: "dedup", budget: 2 ** 40 });
      } catch (e) {
        return e as CcboundError;
      }
    })();
    expect(error?.oneLine()).toMatch(/would keep about .* GiB .*or --strategy rho/);
  });
});
