import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  findResult,
  indexBits,
  indexBitsBig,
  lemma2Dimension,
  corollary81Dimension,
  lnInterval,
  log2Ceil,
  boundParams,
  RESULT_IDS,
  RESULTS,
  REGISTRY_TASKS,
  summaryTable,
  SUMMARY_TABLE,
  decimal,
  rational,
  parseRational,
  type Evaluation,
  type Params,
} from "../../src/registry/index.js";
import { CcboundError } from "../../src/errors.js";
import { theorem, THEOREMS } from "../../src/reductions/theorems.js";

/** The evaluated quantities of a result, as "text" strings; fails the test when not applicable. */
function texts(id: string, at: Params): string[] {
  const e = evaluation(id, at);
  if (!e.applicable) throw new Error(`${id}: ${e.why}`);
  return e.quantities.map((q) => q.text);
}
function evaluation(id: string, at: Params): Evaluation {
  const r = findResult(id);
  if (!r?.evaluate) throw new Error(`${id} has no evaluation`);
  return r.evaluate(at);
}
function least(id: string, at: Params, quantity: string): bigint {
  const e = evaluation(id, at);
  if (!e.applicable) throw new Error(`${id}: ${e.why}`);
  const q = e.quantities.find((x) => x.quantity === quantity);
  if (!q) throw new Error(`${id} has no ${quantity}`);
  return q.least;
}

describe("the registry's entries", () => {
  it("holds every result of the notes' §3: Facts 1-4, Lemmas 1-5, Theorems 1-13, Proposition 9, Corollaries 8.1 and 13.1", () => {
    const expected = [
      "fact1",
      "fact2",
      "fact3",
      "fact4",
      "lemma1",
      "lemma2",
      "lemma3",
      "lemma4",
      "lemma5",
      "prop9",
      "cor8.1",
      "cor13.1",
    ];
    for (let t = 1; t <= 13; t++) if (t !== 9 && t !== 10) expected.push(`thm${t}`);
    for (const id of expected) expect(findResult(id), id).toBeDefined();
    // Theorem 10 (App. E) is Theorem 5 (main text); the paper has no Theorem 9 (Proposition 9 takes the number).
    expect(findResult("thm10")).toBe(findResult("thm5"));
    expect(findResult("THM3")?.id).toBe("thm3");
    expect(findResult("thm9")).toBeUndefined();
  });

  it("ids and aliases are unique, writeups are proofs/<id>.md, tasks are the paper's", () => {
    expect(new Set(RESULT_IDS).size).toBe(RESULT_IDS.length);
    for (const r of RESULTS) {
      expect(r.writeup).toBe(`proofs/${r.id}.md`);
      for (const t of r.tasks) expect(REGISTRY_TASKS).toContain(t);
      if (r.task !== undefined) expect(r.tasks[0]).toBe(r.task);
      if (r.kind === "upper") expect(r.evaluate, r.id).toBeDefined();
    }
  });

  it("every code link says truly whether its file is in the tree (a link to code still to be written says so)", () => {
    const links = RESULTS.flatMap((r) => r.code.map((c) => ({ ...c, id: r.id })));
    expect(links.filter((c) => c.exists).length).toBeGreaterThan(10);
    for (const c of links) expect(existsSync(c.path), `${c.id}: ${c.path}`).toBe(c.exists);
  });

  it("the results implemented so far have writeups", () => {
    for (const id of [
      "thm2",
      "thm3",
      "prop9",
      "lemma4",
      "thm4",
      "thm5",
      "lemma1",
      "thm8",
      "thm11",
      "thm12",
      "disj-rnn",
      "disj-tf1",
      "thm1",
      "thm6",
      "thm7",
      "thm13",
      "dyck-rnn",
      "state-repeat",
      "sarrof-parity",
      "grazzi-modcount",
      "jrt-multipass",
      "jelassi-copy",
      "sanford-induction",
      "sanford-induction-2",
    ]) {
      expect(existsSync(findResult(id)!.writeup), id).toBe(true);
    }
  });

  it("is a low layer: imports nothing from reductions, refute, cli, report or io", () => {
    for (const f of readdirSync("src/registry")) {
      const text = readFileSync(`src/registry/${f}`, "utf8");
      const imports = [...text.matchAll(/from "([^"]+)"/g)].map((m) => m[1]!);
      for (const i of imports) expect(i, `${f} imports ${i}`).toMatch(/^\.\/|^\.\.\/(errors|numeric\/|tasks\/)/);
    }
  });

  it("src/reductions/theorems.ts serves the registry with the same meaning", () => {
    expect(THEOREMS).toBe(RESULTS);
    expect(theorem("thm3").requiredStateBits!(40, 2)).toBe(40);
    expect(theorem("prop9").requiredStateBits!(10, 3)).toBe(16);
    expect(theorem("thm3").bound).toBe("mp >= N log2|Σ|");
    expect(theorem("thm10").id).toBe("thm5");
    expect(() => theorem("thm99")).toThrow(RangeError);
  });
});

describe("bounds evaluated exactly (hand-computed)", () => {
  const at = (n: number | bigint, p: number, extra: Partial<Parameters<typeof boundParams>[0]> = {}) =>
    boundParams({ n, p, ...extra });

  it("Theorem 3 and Proposition 9: m >= N/p, the least integer m", () => {
    expect(texts("thm3", at(4096, 16))).toEqual(["m >= 256", "mp >= 4096"]);
    expect(texts("thm3", at(40, 16))).toEqual(["m >= 3 (5/2 ≈ 2.5)", "mp >= 40"]);
    expect(least("prop9", at(1000, 7), "m")).toBe(143n); // 1000/7 = 142.86
    expect(least("prop9", at(1001, 7), "m")).toBe(143n); // exactly 143
    // |Σ| = 3: mp >= ceil(10 log2 3) = 16 (3^10 = 59049 <= 2^16)
    expect(texts("thm3", at(10, 4, { alphabet: 3 }))).toEqual(["m >= 4", "mp >= 16"]);
    expect(evaluation("thm3", at(10, 4, { alphabet: 3 }))).toMatchObject({ source: "derived" });
    expect(evaluation("thm3", at(10, 4))).toMatchObject({ source: "paper" });
  });

  it("Theorem 11 (INEQ) and Theorem 8 (NN): mp >= N/2 and m >= N/(2p)", () => {
    expect(texts("thm11", at(4096, 16))).toEqual(["mp >= 2048", "m >= 128"]);
    expect(texts("thm8", at(4096, 16))).toEqual(["m >= 128", "mp >= 2048"]);
    expect(least("thm11", at(1000, 3), "m")).toBe(167n); // 500/3 = 166.67
    expect(evaluation("thm11", at(4095, 16))).toEqual({ applicable: false, why: "INEQ needs an even N" });
  });

  it("Theorem 5: mH >= (N - 1)/(3(p + ceil(log2 N))), exact rational and least integer", () => {
    const e = evaluation("thm5", at(4096, 16));
    if (!e.applicable) throw new Error("not applicable");
    const q = e.quantities[0]!;
    expect(q.exact).toEqual(rational(195n, 4n)); // 4095/84
    expect(q.approx).toBe("48.75");
    expect(q.least).toBe(49n);
    expect(q.text).toBe("mH >= 49 (195/4 ≈ 48.75)");
    // N = 1000: log N = 10, 999/126 = 111/14 = 7.93 -> 8. N = 1024: 1023/(3 * 26) = 13.1 -> 14; N = 1026: log N = 11, 1025/81 -> 13
    expect(least("thm5", at(1000, 32), "mH")).toBe(8n);
    expect(least("thm5", at(1024, 16), "mH")).toBe(14n);
    expect(least("thm5", at(1026, 16), "mH")).toBe(13n);
    expect(least("thm5", at(2, 1), "mH")).toBe(1n); // 1/(3*2)
    expect(findResult("thm10")!.evaluate!(at(4096, 16))).toEqual(e);
  });

  it("Theorem 12 and DISJ: derived exactly from Theorem 4 and Facts 1, 2", () => {
    expect(texts("thm12", at(4096, 16))).toEqual(["mH >= 25 (512/21 ≈ 24.381)"]); // 4096/(6*28)
    expect(texts("disj-tf1", at(4096, 16))).toEqual(["mH >= 25 (512/21 ≈ 24.381)"]);
    expect(texts("disj-rnn", at(4096, 16))).toEqual(["mp >= 2048", "m >= 128"]);
    expect(evaluation("thm12", at(4096, 16))).toMatchObject({ source: "derived" });
  });

  it("Theorem 4's cost and the facts", () => {
    expect(texts("thm4", at(4096, 16))).toEqual(["cost <= 84 mH bits"]);
    expect(texts("lemma1", at(4096, 16))).toEqual(["bits >= 4095"]);
    expect(texts("fact3", at(77, 16))).toEqual(["bits >= 77"]);
    expect(texts("lemma5", at(100, 16))).toEqual(["bits >= 50"]);
  });

  it("construction sizes, the paper's formulas: Corollary 8.1's k = ceil(128 ln 2N) and what uses it", () => {
    // 128 ln 8192 = 1153.3969..., 128 ln 80 = 560.899..., 128 ln 2000 = 972.9155..., 128 ln 2^65 = 5766.98...
    expect(corollary81Dimension(4096n).least).toBe(1154n);
    expect(corollary81Dimension(40n).least).toBe(561n);
    expect(corollary81Dimension(1000n).least).toBe(973n);
    expect(corollary81Dimension(1n << 64n).least).toBe(5767n);
    expect(texts("thm1", at(4096, 16))).toEqual(["width = 2309", "k = 1154", "H = 1"]);
    expect(texts("thm1", at(4096, 16, { alphabet: 64 }))).toEqual(["width = 2314", "k = 1154", "H = 1"]);
    expect(texts("thm6", at(4096, 16))).toEqual(["width = 2311", "k = 1154", "H = 2"]);
    // T(0..N): 128 ln 2(N + 1) = 1153.428 -> 1154; width 1 + 3 * 1154
    expect(texts("thm13", at(4096, 16))).toEqual(["width = 3463", "r = 1154", "H = 2"]);
    expect(texts("thm13", at(1000, 16, { sparsity: 3 }))).toEqual(["width = 3897", "r = 974", "H = 3"]); // 128 ln 2002 = 973.04
    // Lemma 2 at γ = 1/10, N = 100: 800 ln 200 = 4238.65 -> 4239
    expect(lemma2Dimension(100n, rational(1n, 10n)).least).toBe(4239n);
    // Theorem 7, γ = 1/4: k = 1.28e6 ln 4N; at N = 4096: 12421197.47 -> 12421198
    expect(texts("thm7", at(4096, 16))).toEqual(["width - d' = 37263596", "k = 12421198", "H = 2"]);
    expect(texts("dyck-rnn", at(4096, 16))).toEqual(["mp = 3", "states = 7"]);
  });

  it("the dynamics results, derived for fixed point: 2^p - 1 >= N for one non-negative layer, 2(2^p - 1) >= N - 1 with any sign", () => {
    // N = 4096, p = 8: 2^12 - 1 = 4095 < 4096, so p >= 13; L >= 4096/255 ≈ 16.06, so 17 layers.
    expect(texts("sarrof-parity", at(4096, 8))).toEqual(["p >= 13", "L >= 17 (4096/255 ≈ 16.0627)"]);
    // 2(2^11 - 1) = 4094 < 4095 <= 2(2^12 - 1): p >= 12; L >= 4095/510 ≈ 8.03, so 9.
    expect(texts("grazzi-modcount", at(4096, 8))).toEqual(["p >= 12", "L >= 9 (273/34 ≈ 8.02941)"]);
    // One layer of p bits meets N = 2^p - 1 exactly, and not N = 2^p.
    expect(texts("sarrof-parity", at(255, 8))).toEqual(["p >= 8", "L >= 1"]);
    expect(texts("sarrof-parity", at(256, 8))).toEqual(["p >= 9", "L >= 2 (256/255 ≈ 1.00392)"]);
    // Past p = 64 the ratio is left out: one layer meets any N <= 2^64.
    expect(texts("sarrof-parity", at(1n << 64n, 100))).toEqual(["p >= 65"]);
    const e = evaluation("sarrof-parity", at(40, 4));
    expect(e.applicable && e.source).toBe("derived");
  });

  it("the multi-pass bound: (2K - 1) mp >= N/2 for K passes, and K = 1 is the paper's mp >= N/2", () => {
    // N = 1024, K = 3: 5 mp >= 512, so mp >= 103 (512/5 = 102.4); m >= 1024/(2 * 8 * 5) = 12.8, so 13.
    expect(texts("jrt-multipass", at(1024, 8, { passes: 3 }))).toEqual([
      "mp >= 103 (512/5 ≈ 102.4)",
      "m >= 13 (64/5 ≈ 12.8)",
    ]);
    expect(texts("jrt-multipass", at(1024, 8, { passes: 1 }))).toEqual(texts("disj-rnn", at(1024, 8)));
    expect(texts("jrt-multipass", at(64, 4, { passes: 16 }))).toEqual([
      "mp >= 2 (32/31 ≈ 1.03226)",
      "m >= 1 (8/31 ≈ 0.258065)",
    ]);
    expect(() => at(64, 4, { passes: 17 })).toThrow(/passes must be 1..16/);
  });

  it("induction heads: ⌈k log2 K⌉ bits for k = ⌊(N - 3)/2⌋ pairs one way, and the two-layer head's size", () => {
    // N = 1024: k = 510 pairs, ⌈log2 510⌉ = 9; (m + 2)H >= 510/(16 + 9) = 20.4, so 21.
    expect(texts("sanford-induction", at(1024, 16))).toEqual(["bits >= 510", "(m + 2)H >= 21 (102/5 ≈ 20.4)"]);
    // |Σ| = 3: ⌈510 log2 3⌉ = 809 (certified logarithms; 510 log2 3 ≈ 808.33).
    expect(texts("sanford-induction", at(1024, 16, { alphabet: 3 }))[0]).toBe("bits >= 809");
    expect(evaluation("sanford-induction", at(4, 16))).toMatchObject({ applicable: false });
    // d = 3 * 3 + 5; p = 2 + ⌈log2(3 * 1024^2 + 1)⌉ = 2 + 22.
    expect(texts("sanford-induction-2", at(1024, 16))).toEqual(["width = 14", "H = 1", "p = 24"]);
  });

  it("N up to 2^64 stays exact; bad parameters are one CcboundError naming the flag", () => {
    expect(texts("thm3", at(1n << 64n, 64))).toEqual(["m >= 288230376151711744", "mp >= 18446744073709551616"]);
    const bad = (f: () => unknown, flag: string) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(CcboundError);
        expect((e as CcboundError).where).toBe(flag);
        return;
      }
      throw new Error("no error");
    };
    bad(() => at((1n << 64n) + 1n, 16), "--n");
    bad(() => at(0, 16), "--n");
    bad(() => at(10, 0), "--precision");
    bad(() => at(10, 16, { alphabet: 1 }), "--alphabet");
    bad(() => at(10, 16, { gamma: rational(3n, 2n) }), "--gamma");
  });
});

describe("exact arithmetic", () => {
  it("ceil(log2 N) is the paper's log N", () => {
    expect([1n, 2n, 3n, 4n, 5n, 1024n, 1025n, 4096n].map(log2Ceil)).toEqual([0, 1, 2, 2, 3, 10, 11, 12]);
  });

  it("indexBitsBig = indexBits (exact powers) wherever both run, including the certified-log path", () => {
    for (const n of [1, 2, 10, 63, 64, 65, 100, 333, 1000])
      for (const k of [2, 3, 5, 7, 10, 64, 255])
        expect(indexBitsBig(BigInt(n), BigInt(k)), `${n} ${k}`).toBe(BigInt(indexBits(n, k)));
  });

  it("ln intervals contain Math.log and are narrow", () => {
    for (const x of [1n, 2n, 3n, 10n, 8192n, 123456789n, 1n << 64n]) {
      const { lo, hi } = lnInterval(x);
      const l = Number(lo.num) / Number(lo.den);
      expect(Math.abs(l - Math.log(Number(x)))).toBeLessThan(1e-12);
      // hi - lo < 2^-200
      expect((hi.num * lo.den - lo.num * hi.den) * (1n << 200n) < lo.den * hi.den).toBe(true);
    }
  });

  it("decimal and parseRational", () => {
    expect(decimal(rational(1n, 3n))).toBe("0.333333");
    expect(decimal(rational(195n, 4n))).toBe("48.75");
    expect(decimal(rational(1n, 1000n))).toBe("0.001");
    expect(decimal(rational(123456789n))).toBe("123456789");
    expect(parseRational("1/4")).toEqual(rational(1n, 4n));
    expect(parseRational("0.25")).toEqual(rational(1n, 4n));
    expect(parseRational(".5")).toEqual(rational(1n, 2n));
    expect(parseRational("x")).toBeUndefined();
    expect(parseRational("1/0")).toBeUndefined();
  });
});

describe("the summary table", () => {
  it("has the notes' cells, and filters by task and architecture", () => {
    // The paper's 17 cells, then parity and mod-count (Sarrof et al., Grazzi et al.), then the multi-pass cells of
    // equality and disjointness, shown only when the input is read more than once, then function composition's two
    // cells (Peng et al.), then copy's two (Jelassi et al.), then induction heads (Sanford et al.).
    expect(SUMMARY_TABLE).toHaveLength(27);
    const passes = (k: number) =>
      summaryTable(boundParams({ n: 4096, p: 16, passes: k }), { arch: "recurrent", task: "disjointness" }).map((r) =>
        r.results.map((e) => e.result.id),
      );
    expect(passes(1)).toEqual([["disj-rnn"]]);
    expect(passes(2)).toEqual([["disj-rnn"], ["jrt-multipass"]]);
    const rows = summaryTable(boundParams({ n: 4096, p: 16 }), { arch: "recurrent" });
    expect(rows.map((r) => r.task)).toEqual([
      "index-lookup",
      "assoc-recall",
      "dyck",
      "equality",
      "disjointness",
      "nearest-neighbor",
      "parity",
      "mod-count",
      "function-composition",
      "copy",
    ]);
    const one = summaryTable(boundParams({ n: 4096, p: 16 }), { task: "index-lookup", arch: "recurrent" });
    expect(one).toHaveLength(1);
    expect(one[0]!.results[0]!.result.id).toBe("thm3");
    // DISJ is Theorem 13 with 2-sparse features, whatever --sparsity says.
    const disj = summaryTable(boundParams({ n: 4096, p: 16, sparsity: 5 }), {
      task: "disjointness",
      arch: "transformer-2",
    });
    const e = disj[0]!.results[0]!.evaluation;
    expect(e.applicable && e.quantities.map((q) => q.text)).toContain("H = 2");
  });
});
