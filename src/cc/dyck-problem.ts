import { bitsOf, type FoolingSet, type Problem } from "./problems.js";

/**
 * Lemma 1's communication problem (App. E; paper notes §4.7): a word s of even length N over Σ = { (, ), [, ] } is
 * split odd/even, Alice holding s_1, s_3, ... (1-based odd positions) and Bob s_2, s_4, ...; f = 1 when s is in
 * Dyck-(2,2). Each half is a Uint8Array of N/2 symbol ids in DYCK_SYMBOLS order, which is the dyck task's vocabulary
 * order: id 2t opens type t, 2t + 1 closes it.
 */
export const DYCK_SYMBOLS = ["(", ")", "[", "]"] as const;
export type DyckHalf = Uint8Array;

const OPEN = [0, 2] as const;
const CLOSE = [1, 3] as const;
const isOpen = (id: number) => id % 2 === 0;

/** The word with x at the odd positions and y at the even ones (1-based): x_1 y_1 x_2 y_2 ... */
export function interleave(x: DyckHalf, y: DyckHalf): Uint8Array {
  const word = new Uint8Array(x.length + y.length);
  x.forEach((s, i) => (word[2 * i] = s));
  y.forEach((s, i) => (word[2 * i + 1] = s));
  return word;
}

/** The odd/even split of a word of even length: [Alice's half, Bob's half]. */
export function oddEven(word: ArrayLike<number>): [DyckHalf, DyckHalf] {
  const half = word.length / 2;
  return [
    Uint8Array.from({ length: half }, (_, i) => word[2 * i]!),
    Uint8Array.from({ length: half }, (_, i) => word[2 * i + 1]!),
  ];
}

/** Membership in Dyck-(2,2): well matched, never more than 2 unclosed brackets. */
export function inDyck22(word: ArrayLike<number>): boolean {
  const stack: number[] = [];
  for (let i = 0; i < word.length; i++) {
    const id = word[i]!;
    if (isOpen(id)) {
      if (stack.push(id >> 1) > 2) return false;
    } else if (stack.pop() !== id >> 1) return false;
  }
  return stack.length === 0;
}

/**
 * The paper's key claim, as a function: in Dyck-(2,2) Bob's half is determined by Alice's. Before an odd position
 * the depth is 0 or 2, so x_i opens a block (depth 0) or closes an inner pair (depth 2); before an even position it
 * is 1. So each y before an inner close x_{j+1} opens that close's type, and the y before the next block (or at the
 * end) closes the block's outer bracket, the type x opened it with. Returns undefined when no y completes x, which
 * happens exactly when x_1 is a close (every other x has one: 2 * 4^(N/2-1) = 2^(N-1) words, Lemma 1's |S|).
 */
export function dyckCompletion(x: DyckHalf): DyckHalf | undefined {
  if (x.length === 0 || !isOpen(x[0]!)) return undefined;
  const y = new Uint8Array(x.length);
  let outer = x[0]! >> 1;
  for (let j = 0; j < x.length; j++) {
    const next = x[j + 1];
    if (next === undefined || isOpen(next)) {
      y[j] = CLOSE[outer as 0 | 1];
      if (next !== undefined) outer = next >> 1;
    } else y[j] = OPEN[(next >> 1) as 0 | 1];
  }
  return y;
}

/**
 * Lemma 1's fooling set S = all of Dyck-(2,2) at length N, generated directly. A word of S is a sequence of blocks,
 * each an outer pair around a run of depth-1 pairs; a block of b pairs fills 2b positions, so blocks start at odd
 * positions and the N/2 - 1 gaps after even positions are the possible cut points. Element i, 0 <= i < 2^(N-1):
 * its high N/2 - 1 bits choose the cuts (most significant = the gap after position 2), its low N/2 bits the type of
 * each pair in the order of their open brackets ("(" for 0, "[" for 1). Every choice is one word:
 * sum_k C(N/2 - 1, k) 2^(N/2) = 2^(N-1).
 */
export function dyckFoolingWord(i: bigint, n: number): Uint8Array {
  const pairs = n / 2;
  const cuts = bitsOf(i >> BigInt(pairs), pairs - 1);
  const types = bitsOf(i & ((1n << BigInt(pairs)) - 1n), pairs);
  const word = new Uint8Array(n);
  let pos = 0;
  let outerType = 0;
  for (let p = 0; p < pairs; p++) {
    const t = types[p]!;
    // A block starts at the first pair and after every cut; within a block, every later pair sits inside the outer one.
    if (p === 0 || cuts[p - 1] === 1) {
      word[pos++] = OPEN[t as 0 | 1];
      outerType = t;
    } else {
      word[pos++] = OPEN[t as 0 | 1];
      word[pos++] = CLOSE[t as 0 | 1];
    }
    const blockEnds = p === pairs - 1 || cuts[p] === 1;
    if (blockEnds) word[pos++] = CLOSE[outerType as 0 | 1];
  }
  return word;
}

/**
 * DYCK_N, Lemma 1: with the odd/even split, any deterministic protocol for Dyck-(2,2) at length N needs N - 1 bits
 * (Fact 4 on a two-way fooling set of 2^(N-1) elements, value 1). N must be even and >= 2.
 */
export function dyckProblem(n: number): Problem<DyckHalf, DyckHalf> {
  if (!Number.isInteger(n) || n < 2 || n % 2 !== 0)
    throw new RangeError(`the Dyck problem needs an even N >= 2, got ${n}`);
  const size = 1n << BigInt(n - 1);
  const fooling: FoolingSet<DyckHalf, DyckHalf> = {
    kind: "two-way",
    value: 1,
    size,
    at(i) {
      if (i < 0n || i >= size) throw new RangeError(`fooling-set index ${i} is outside 0..2^${n - 1}-1`);
      return oddEven(dyckFoolingWord(i, n));
    },
    // y is a function of x on S, so distinct elements have x_a != x_b, and (x_a, y_b) in Dyck-(2,2) would force
    // y_b = y_a. So both crossings are outside the language; return the first.
    cross(a, b) {
      if (a[0].every((s, i) => s === b[0][i])) throw new RangeError("fooling-set elements are not distinct");
      return [a[0], b[1]] as const;
    },
  };
  return {
    name: "DYCK",
    n,
    evaluate: (x, y) => (inDyck22(interleave(x, y)) ? 1 : 0),
    bound: { bits: n - 1, protocols: "two-way", fact: "fact4" },
    foolingSet: fooling,
  };
}
