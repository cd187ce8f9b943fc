import { fail } from "../errors.js";

/**
 * A split of the positions 0..n-1 of an input between Alice and Bob: a cut point K (Alice holds the first K), the
 * odd/even split of Lemma 1 (Alice holds the paper's odd positions 1, 3, 5, ..., which are 0, 2, 4, ... here), or
 * any partition. Positions are listed in increasing order, and a party's input is its tokens in that order.
 */
export interface Split {
  readonly n: number;
  readonly alice: Int32Array;
  readonly bob: Int32Array;
  /** How to name it on a command line: "K" or "odd-even" (or "custom"). */
  readonly name: string;
}

/** Alice holds the first k tokens. `allowEmpty` admits k = 0 and k = n (one party holds nothing: simulate shows it). */
export function cutSplit(n: number, k: number, allowEmpty = false): Split {
  const [lo, hi] = allowEmpty ? [0, n] : [1, n - 1];
  if (!Number.isInteger(k) || k < lo || k > hi)
    fail("invalid-flag", `a cut must be ${lo}..${hi} for n = ${n} tokens, got ${k}`, "--split");
  return { n, alice: range(0, k), bob: range(k, n), name: String(k) };
}

export function oddEvenSplit(n: number): Split {
  if (n < 2) fail("invalid-flag", `an odd/even split needs at least 2 tokens, got ${n}`, "--split");
  const alice = Int32Array.from({ length: Math.ceil(n / 2) }, (_, i) => 2 * i);
  const bob = Int32Array.from({ length: Math.floor(n / 2) }, (_, i) => 2 * i + 1);
  return { n, alice, bob, name: "odd-even" };
}

/** Any partition: Alice's positions, Bob holds the rest. */
export function partitionSplit(n: number, alicePositions: Iterable<number>): Split {
  const mine = new Set(alicePositions);
  for (const p of mine)
    if (!Number.isInteger(p) || p < 0 || p >= n) throw new RangeError(`position ${p} is outside 0..${n - 1}`);
  const all = range(0, n);
  return { n, alice: all.filter((p) => mine.has(p)), bob: all.filter((p) => !mine.has(p)), name: "custom" };
}

/** "K" or "odd-even", as typed after --split (a certificate's split too). */
export function parseSplit(text: string, n: number, allowEmpty = false): Split {
  if (text === "odd-even") return oddEvenSplit(n);
  if (!/^\d+$/.test(text)) fail("invalid-flag", `--split takes a cut point K or "odd-even", got "${text}"`, "--split");
  return cutSplit(n, Number(text), allowEmpty);
}

/** A party's tokens, and the whole input from both parties' tokens. */
export function tokensOf(input: ArrayLike<number>, positions: Int32Array): Int32Array {
  return Int32Array.from(positions, (p) => input[p]!);
}

export function joinTokens(split: Split, alice: ArrayLike<number>, bob: ArrayLike<number>): Int32Array {
  const out = new Int32Array(split.n);
  split.alice.forEach((p, i) => (out[p] = alice[i]!));
  split.bob.forEach((p, i) => (out[p] = bob[i]!));
  return out;
}

/** The same for token strings. */
export function joinStrings(split: Split, alice: readonly string[], bob: readonly string[]): string[] {
  const out = new Array<string>(split.n);
  split.alice.forEach((p, i) => (out[p] = alice[i]!));
  split.bob.forEach((p, i) => (out[p] = bob[i]!));
  return out;
}

export function holderOfLast(split: Split): "alice" | "bob" {
  return split.alice.includes(split.n - 1) ? "alice" : "bob";
}

function range(from: number, to: number): Int32Array {
  return Int32Array.from({ length: to - from }, (_, i) => from + i);
}
