import { MARKER } from "../tasks/induction-heads.js";
import type { Task } from "../tasks/task.js";
import { pairsHead, pairsSplit } from "./split.js";
import type { TwoWayFamily } from "./two-way-family.js";

/**
 * INDEX_k over an alphabet of K symbols reduces to induction heads at n tokens, k = floor((n - 3) / 2) (Sanford, Hsu
 * and Telgarsky 2024 reduce from one-way INDEX; this encoding is ccbound's). The input is
 *
 *     * 0 [0]  s_1 x_1  s_2 x_2 ... s_k x_k  *
 *
 * a head "* 0" (padded by a "0" when n is even), k pairs, and the marker last. Alice holds x in Σ^k, the symbols of
 * the pairs (the split "pairs"); Bob holds the rest. To ask for x_i, Bob puts the marker in slot i and "0" in every
 * other slot: the most recent earlier marker is then slot i, followed by x_i. With no slot marked (Bob's base input)
 * the most recent earlier marker is the head's, followed by "0": every element's answer is "0".
 *
 * A collision is two strings x != x' whose inputs with Bob's query for the first position t where they differ send
 * one transcript: a deterministic protocol then gives them one answer, and the task answers x_t != x'_t, so the
 * model is wrong on one (a rectangle of two inputs with Bob's same part). The search hashes the transcripts of the
 * elements (x, base) and compares the queried pair's transcripts on a repeat, a false alarm when they differ.
 *
 * What is not claimed: Bob holds the last token, one marker throughout, so his first message is a constant, but in
 * ccbound's exact Theorem 4 protocol Alice's later messages are taken against the global maximum and normaliser,
 * which his query enters (NO_GUARANTEE). So her messages are not a function of x alone, one-way INDEX's count does
 * not bind the protocol, and a search that finds no collision below the bound contradicts nothing. Sanford et al.'s
 * one-way argument is for their precision model, where each party's per-head sums are sent once.
 */
export const NO_GUARANTEE =
  "Theorem 4's protocol is interactive: Alice's normalisers and weighted sums are taken against the global maximum and normaliser, which Bob's messages (his maxima and normalisers, which depend on his query) enter, so her messages are not a function of her string alone and the one-way count does not bind it; Sanford et al.'s bound is for their precision model, in which each party's sums are sent once";

export function inductionHeadsFamily(task: Task): TwoWayFamily {
  const n = task.inputLength;
  const split = pairsSplit(n);
  const head = pairsHead(n);
  const k = split.alice.length;
  const symbols = task.vocab.filter((t) => t !== MARKER);
  const size = BigInt(symbols.length) ** BigInt(k);
  const stringAt = (i: bigint): string[] => {
    const out = new Array<string>(k);
    const base = BigInt(symbols.length);
    for (let j = k - 1; j >= 0; j--) {
      out[j] = symbols[Number(i % base)]!;
      i /= base;
    }
    return out;
  };
  // Bob's slot marked at position t of Alice's (or none: -1).
  const input = (x: readonly string[], t: number): string[] => {
    const out = new Array<string>(n).fill("0");
    out[0] = MARKER;
    out[n - 1] = MARKER;
    x.forEach((s, j) => (out[head + 2 * j + 1] = s));
    if (t >= 0) out[head + 2 * t] = MARKER;
    return out;
  };
  const queried = (i: bigint, j: bigint): [string[], string[]] => {
    const [a, b] = [stringAt(i), stringAt(j)];
    const t = a.findIndex((s, p) => s !== b[p]);
    if (t < 0) throw new RangeError("two equal strings differ nowhere");
    return [input(a, t), input(b, t)];
  };
  return {
    problem: "INDEX",
    task,
    split,
    size,
    value: "0",
    // ceil(k log2 K): Alice's K^k strings need distinct messages.
    boundBits: size <= 1n ? 0 : (size - 1n).toString(2).length,
    element: (i) => input(stringAt(i), -1),
    // Alice's part of element i with Bob's query for the first position where it differs from element j.
    crossed: (i, j) => queried(i, j)[0],
    queried,
    noGuarantee: NO_GUARANTEE,
  };
}
