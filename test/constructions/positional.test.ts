import { describe, expect, it } from "vitest";
import {
  binaryCode,
  checkCode,
  codeBound,
  innerProducts,
  meetsBound,
  paperCodeWidth,
  randomCode,
  reedSolomonCode,
  reedSolomonParams,
  smallestRandomWidth,
} from "../../src/constructions/positional.js";

/** Every pair's inner product by plain loops over the ±1 entries, the reference for the packed popcount. */
function slowExtremes(signs: Int8Array, n: number, k: number) {
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let t = 0; t < k; t++) dot += signs[i * k + t]! * signs[j * k + t]!;
      max = Math.max(max, dot);
      min = Math.min(min, dot);
    }
  return { max, min };
}

describe("sign codes for the positions (Lemma 2, Corollary 8.1)", () => {
  it("the packed check equals plain loops over every pair (random codes, k = 1..70, N up to 60)", () => {
    for (let k = 1; k <= 70; k += 3) {
      const code = randomCode(60, k, k);
      const fast = innerProducts(code);
      expect({ max: fast.max, min: fast.min }).toEqual(slowExtremes(code.signs, 60, k));
      expect(fast).toMatchObject({ complete: true, pairs: (60 * 59) / 2 });
    }
  });

  it("Reed–Solomon ⊗ Hadamard meets its proved bound (K - 1) q on every pair, and it is attained", () => {
    for (const [n, gamma] of [
      [16, 0.25],
      [100, 0.25],
      [256, 0.25],
      [1000, 0.5],
      [4096, 0.25],
    ] as const) {
      const code = reedSolomonCode(n, gamma);
      const { max, min } = innerProducts(code);
      expect(max, `N = ${n}`).toBe(codeBound(code, gamma));
      expect(max / code.k).toBeLessThanOrEqual(gamma);
      expect(min).toBe(0); // distinct outer symbols are orthogonal Hadamard words
    }
  });

  it("Reed–Solomon widths are far below the paper's: k = 192 against 1331 at N = 16384, γ = 1/4", () => {
    expect(reedSolomonParams(16384, 0.25)).toEqual({ a: 4, length: 12, dimension: 4 });
    expect(reedSolomonCode(300, 0.25).k).toBe(64); // q = 8, L = 8, K = 3: 512 words
    expect(paperCodeWidth(16384, 0.25)).toBe(1331);
    expect(paperCodeWidth(1024, 0.25)).toBe(976);
  });

  it("the binary code: k = ceil(log2 N) and inner products up to k - 2 (neighbours differ in one digit)", () => {
    for (const n of [2, 5, 64, 1000]) {
      const code = binaryCode(n);
      expect(code.k).toBe(Math.max(1, Math.ceil(Math.log2(n))));
      expect(innerProducts(code).max).toBe(codeBound(code, 0.25));
    }
  });

  it("a random code is checked on every pair: seed 1 at N = 64 meets γ = 1/4 first at k = 128, not at 127", () => {
    expect(smallestRandomWidth(64, 0.25, 1, 100)).toBe(128);
    expect(meetsBound(randomCode(64, 128, 1), 0.25)).toBe(true);
    expect(meetsBound(randomCode(64, 127, 1), 0.25)).toBe(false);
    expect(() => checkCode(randomCode(64, 127, 1), Math.floor(0.25 * 127))).toThrow(/use a larger k or another seed/);
  });

  it("the check stops at the first pair over the limit", () => {
    const found = innerProducts(randomCode(200, 16, 3), 0);
    expect(found.complete).toBe(false);
    expect(found.max).toBeGreaterThan(0);
    expect(found.pairs).toBeLessThan((200 * 199) / 2);
  });
});
