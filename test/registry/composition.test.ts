import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { boundParams, findResult, summaryTable } from "../../src/registry/index.js";
import type { Evaluation } from "../../src/registry/types.js";

const texts = (e: Evaluation) => (e.applicable ? e.quantities.map((q) => [q.text, q.least.toString()]) : e.why);

describe("function composition in the registry: Peng et al.'s H(d+1)p >= n log n and the recurrent state bound", () => {
  it("evaluates H(d+1)p >= ⌈n log2 n⌉ exactly: a power of two, a non-power, and an n whose n log2 n is just below an integer", () => {
    const peng = findResult("peng-composition")!;
    // n = 1024: n log2 n = 10240 exactly; p = 16 gives H(d+1) >= 640.
    expect(texts(peng.evaluate!(boundParams({ n: 1024, p: 16 })))).toEqual([
      ["H(d+1) >= 640", "640"],
      ["H(d+1)p >= 10240", "10240"],
    ]);
    // n = 1000: 1000 log2 1000 = 9965.78...; H(d+1) >= 9966/8 = 1245.75.
    expect(texts(peng.evaluate!(boundParams({ n: 1000, p: 8 })))).toEqual([
      ["H(d+1) >= 1246 (4983/4 ≈ 1245.75)", "1246"],
      ["H(d+1)p >= 9966", "9966"],
    ]);
    // n = 5: 5 log2 5 = 11.609...: 12 bits.
    expect(texts(peng.evaluate!(boundParams({ n: 5, p: 8 })))[1]).toEqual(["H(d+1)p >= 12", "12"]);
    // Past 2^53: exact from certified logarithms, not floating point (n = 3^40: 40 log2 3 * 3^40).
    const big = peng.evaluate!(boundParams({ n: 3n ** 40n, p: 1 }));
    expect(big.applicable && big.quantities[1]!.least).toBe(770777753956723724505n);
    const e = peng.evaluate!(boundParams({ n: 5, p: 8 }));
    expect(e.applicable && e.source).toBe("paper");
    expect(e.applicable && e.notes.join(" ")).toMatch(/H\(d\+2\)p.*both ways/);
    expect(peng.evaluate!(boundParams({ n: 1, p: 8 }))).toMatchObject({ applicable: false });
  });

  it("the recurrent form is derived, mp >= ⌈n log2 n⌉, and its requiredStateBits agree", () => {
    const rnn = findResult("composition-rnn")!;
    const e = rnn.evaluate!(boundParams({ n: 5, p: 8 }));
    expect(e.applicable && e.source).toBe("derived");
    expect(texts(e)).toEqual([
      ["m >= 2 (3/2 ≈ 1.5)", "2"],
      ["mp >= 12", "12"],
    ]);
    for (const [n, bits] of [
      [2, 2],
      [3, 5],
      [4, 8],
      [6, 16],
      [7, 20],
      [8, 24],
      [100, 665],
    ] as const)
      expect(rnn.requiredStateBits!(n, 2)).toBe(bits);
  });

  it("both have writeups; the paper's bound cites Peng et al., the derived one Theorem 2's paper and Peng et al.'s task", () => {
    for (const [id, eprints] of [
      ["peng-composition", ["2402.08164"]],
      ["composition-rnn", ["2406.09347", "2402.08164"]],
    ] as const) {
      const r = findResult(id)!;
      expect(existsSync(r.writeup), id).toBe(true);
      expect(r.sources?.map((s) => s.eprint)).toEqual(eprints);
    }
  });

  it("the summary table lists both under function-composition, the one-layer cell with its note", () => {
    const rows = summaryTable(boundParams({ n: 64, p: 8 }), { task: "function-composition" });
    expect(rows.map((r) => [r.arch, r.results.map((x) => x.result.id)])).toEqual([
      ["transformer-1", ["peng-composition"]],
      ["recurrent", ["composition-rnn"]],
    ]);
    expect(rows[0]!.note).toMatch(/interactive/);
    expect(rows.map((r) => texts(r.results[0]!.evaluation))).toEqual([
      [
        ["H(d+1) >= 48", "48"],
        ["H(d+1)p >= 384", "384"],
      ],
      [
        ["m >= 48", "48"],
        ["mp >= 384", "384"],
      ],
    ]);
  });
});
