import { fail } from "../errors.js";
import type { Rng } from "../random.js";
import { evenLength, stringAt, strings, type Task } from "./task.js";

/** Bracket pairs in order: type t opens with token 2t and closes with token 2t + 1 of the vocabulary. */
const PAIRS = ["()", "[]", "{}", "<>"] as const;
export const MAX_DYCK_PAIRS = PAIRS.length;

/** The 2k bracket tokens of Dyck-(k, m): "(", ")", "[", "]", "{", "}", "<", ">" for k = 4. */
export function dyckVocab(pairs: number): string[] {
  return PAIRS.slice(0, pairs).flatMap((p) => [p[0]!, p[1]!]);
}

const isOpen = (id: number) => id % 2 === 0;
const typeOf = (id: number) => id >> 1;

/**
 * Membership in Dyck-(k, m) for a word of token ids (2t opens type t, 2t + 1 closes it): well matched, and no prefix
 * has more than m unclosed brackets. Any k: a close must match the type on top of the stack.
 */
export function isDyck(ids: ArrayLike<number>, depth: number): boolean {
  const stack: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (isOpen(id)) {
      stack.push(typeOf(id));
      if (stack.length > depth) return false;
    } else if (stack.pop() !== typeOf(id)) return false;
  }
  return stack.length === 0;
}

/** The number of words of length n in Dyck-(k, m), by a walk over stack heights (each open has k types). */
export function dyckCount(n: number, pairs: number, depth: number): bigint {
  let ways: bigint[] = Array.from({ length: depth + 1 }, (_, h) => (h === 0 ? 1n : 0n));
  for (let t = 0; t < n; t++) {
    ways = ways.map((_, h) => (h > 0 ? ways[h - 1]! * BigInt(pairs) : 0n) + (h < depth ? ways[h + 1]! : 0n));
  }
  return ways[0]!;
}

export interface DyckOptions {
  /** k, the number of bracket types (1..4); default 2. */
  pairs?: number;
  /** m, the largest number of unclosed brackets; default 2. */
  depth?: number;
}

/**
 * Bounded Dyck recognition (Sec. 4.1, App. E): a string of n bracket tokens; "1" when it is in Dyck-(k, m), "0" when
 * not. Every string of n bracket tokens is an input. Defaults k = 2, m = 2: the paper's Dyck-(2,2).
 */
export function dyck(n: number, options: DyckOptions = {}): Task {
  evenLength("dyck", n);
  const pairs = options.pairs ?? 2;
  const depth = options.depth ?? 2;
  if (!(Number.isInteger(pairs) && pairs >= 1 && pairs <= MAX_DYCK_PAIRS && Number.isInteger(depth) && depth >= 1)) {
    throw new RangeError(`dyck: bad pairs = ${pairs} or depth = ${depth}`);
  }
  const vocab = dyckVocab(pairs);
  const ids = new Map(vocab.map((t, i) => [t, i]));
  return {
    name: "dyck",
    n,
    params: { pairs, depth },
    vocab,
    labels: ["0", "1"],
    inputLength: n,
    answer(tokens) {
      if (tokens.length !== n) fail("invalid-input", `dyck at n=${n} takes ${n} tokens, got ${tokens.length}`);
      const word = tokens.map(
        (t, i) => ids.get(t) ?? fail("invalid-input", `token ${i + 1} is "${t}", not a bracket of ${vocab.join(" ")}`),
      );
      return isDyck(word, depth) ? "1" : "0";
    },
    generate(rng: Rng) {
      const positive = member(rng, n, pairs, depth);
      const word = rng.int(2) === 0 ? positive : nonMember(rng, positive, pairs, depth);
      return word.map((id) => vocab[id]!);
    },
    count: () => BigInt(2 * pairs) ** BigInt(n),
    enumerate: () => strings(vocab, n),
    inputAt: (k) => stringAt(vocab, n, k),
  };
}

/**
 * A positive example as in the paper's data (Sec. 6.3): at full depth close the top bracket; on an empty stack open a
 * uniform type; otherwise choose uniformly among the k opens and the matching close. The paper runs this for n - 2
 * steps and then closes what is open or appends a depth-1 pair; closing whenever the open brackets fill the rest of
 * the string is the same rule for m = 2 (the height after n - 2 steps is even, so 0 or 2) and keeps the length n
 * exact for any m.
 */
function member(rng: Rng, n: number, pairs: number, depth: number): number[] {
  const stack: number[] = [];
  const word: number[] = [];
  for (let t = 0; t < n; t++) {
    const mustClose = stack.length === depth || stack.length === n - t;
    const choice = mustClose ? pairs : stack.length === 0 ? rng.int(pairs) : rng.int(pairs + 1);
    if (choice < pairs) {
      stack.push(choice);
      word.push(2 * choice);
    } else word.push(2 * stack.pop()! + 1);
  }
  return word;
}

/**
 * A negative example as in the paper: corrupt c distinct positions of a positive one, c uniform in 1..max(1, n/10);
 * each corruption swaps the bracket type (to another type, uniformly, when k > 2) or flips open and close, with
 * probability 1/2 each. If the result is still in the language, corrupt it again.
 */
function nonMember(rng: Rng, word: readonly number[], pairs: number, depth: number): number[] {
  const out = word.slice();
  do {
    const c = 1 + rng.int(Math.max(1, Math.floor(out.length / 10)));
    for (const i of rng.sample(out.length, c)) {
      const id = out[i]!;
      const swapType = pairs > 1 && rng.int(2) === 0;
      // Another type: add 1..k-1 to the type mod k, keeping open/close.
      out[i] = swapType ? 2 * ((typeOf(id) + 1 + rng.int(pairs - 1)) % pairs) + (id % 2) : id ^ 1;
    }
  } while (isDyck(out, depth));
  return out;
}
