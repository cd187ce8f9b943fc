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
 * Why a collision is a proof, though INDEX has no large two-way fooling set: Bob holds the last token, which is the
 * marker on every input here, so in Theorem 4's protocol (holder first) Bob's first message is one constant and
 * Alice's messages are a function of x alone. Two strings x != x' with one transcript on Bob's base input therefore
 * send one Alice message, and with Bob's query for the first position t where they differ the two inputs send one
 * transcript again (Bob's part is the same): the model answers them alike, the task answers x_t != x'_t. The
 * argument is one-way INDEX; the table (applies.ts) runs it through the split machinery of two-way families, the
 * elements being (x, base) and the pair of inputs `queried(i, j)`.
 */
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
  };
}
