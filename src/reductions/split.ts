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

/**
 * The cut K of every copy of a `copies`-times repeated input of `length` tokens (a multi-pass input): Alice holds
 * positions c * length + 0..K-1 of every copy c, Bob the rest. Named "KxC" ("32x3"); one copy is the plain cut K.
 */
export function repeatedCut(length: number, k: number, copies: number): Split {
  const one = cutSplit(length, k);
  if (copies === 1) return one;
  const alice = Int32Array.from({ length: copies * k }, (_, i) => Math.floor(i / k) * length + (i % k));
  const bob = Int32Array.from(
    { length: copies * (length - k) },
    (_, i) => Math.floor(i / (length - k)) * length + k + (i % (length - k)),
  );
  return { n: copies * length, alice, bob, name: `${k}x${copies}` };
}

/** The maximal runs of positions one party holds, in order: where a recurrent model's parties hand over the state. */
export function blocksOf(split: Split): { owner: "alice" | "bob"; start: number; end: number }[] {
  const owner = new Array<"alice" | "bob">(split.n);
  split.alice.forEach((p) => (owner[p] = "alice"));
  split.bob.forEach((p) => (owner[p] = "bob"));
  const blocks: { owner: "alice" | "bob"; start: number; end: number }[] = [];
  for (let p = 0; p < split.n; p++) {
    const last = blocks[blocks.length - 1];
    if (last && last.owner === owner[p]) last.end = p + 1;
    else blocks.push({ owner: owner[p]!, start: p, end: p + 1 });
  }
  return blocks;
}

/**
 * The split of INDEX's reduction to induction heads (induction-heads.ts), named "pairs": the input is a head h of 2
 * or 3 tokens (3 when n is even), then k = floor((n - 3) / 2) pairs (slot, symbol; none below n = 5), then the last
 * token. Alice holds
 * the symbol of every pair, positions h + 2j + 1 (0-based); Bob holds the head, the slots and the last token.
 */
export function pairsSplit(n: number): Split {
  if (!Number.isInteger(n) || n < 3)
    fail("invalid-flag", `the pairs split needs at least 3 tokens, got ${n}`, "--split");
  const head = pairsHead(n);
  const k = Math.floor((n - 3) / 2);
  const alice = Int32Array.from({ length: k }, (_, j) => head + 2 * j + 1);
  const mine = new Set(alice);
  const bob = range(0, n).filter((p) => !mine.has(p));
  return { n, alice, bob, name: "pairs" };
}

/** Tokens before the first pair of the pairs split: 2, and 3 for an even n (the extra one pads the length). */
export function pairsHead(n: number): number {
  return 2 + ((n - 3) % 2);
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

/** "K", "odd-even", "pairs" or "KxC" (the cut K of each of C copies), as typed after --split (a certificate's too). */
export function parseSplit(text: string, n: number, allowEmpty = false): Split {
  if (text === "odd-even") return oddEvenSplit(n);
  if (text === "pairs") return pairsSplit(n);
  const copies = /^(\d+)x(\d+)$/.exec(text);
  if (copies) {
    const c = Number(copies[2]);
    if (!(c >= 1 && n % c === 0))
      fail(
        "invalid-flag",
        `the split "${text}" needs ${c} copies of one length, but the input has ${n} tokens`,
        "--split",
      );
    return repeatedCut(n / c, Number(copies[1]), c);
  }
  if (!/^\d+$/.test(text))
    fail("invalid-flag", `--split takes a cut point K, "odd-even", "pairs" or KxC, got "${text}"`, "--split");
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
