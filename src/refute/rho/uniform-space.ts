import { hashWords, prf, subkey } from "./keyed-hash.js";
import type { WalkSpace } from "./walk-space.js";

/**
 * A walk space with uniformly random c-bit transcripts (a keyed function of the point, no model): what the rho
 * search's cost is measured against, runs to a collision about sqrt(pi/2) 2^(c/2) plus the distinguished points'
 * overhead. For tests and benchmarks; c <= 52, points of 64 bits.
 */
export function uniformSpace(c: number, key: number): WalkSpace {
  const k0 = subkey(key, 100);
  const k1 = subkey(key, 101);
  const high = Math.max(0, c - 32);
  const transcript = new Uint32Array(2);
  const of = (x: Uint32Array) => {
    transcript[0] = c >= 32 ? prf(k0, x[0]!, x[1]!) : prf(k0, x[0]!, x[1]!) & (2 ** c - 1);
    transcript[1] = high === 0 ? 0 : prf(k1, x[0]!, x[1]!) & (2 ** high - 1);
    return transcript;
  };
  return {
    bits: 64,
    words: 2,
    visit(x, hash) {
      const t = of(x);
      hash[0] = hashWords(k0 ^ 1, t, 2);
      hash[1] = hashWords(k1 ^ 1, t, 2);
      return true;
    },
    transcriptKey: (x) => Array.from(of(x)).join(":"),
  };
}
