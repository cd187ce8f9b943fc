import { fail } from "../errors.js";
import type { Rng } from "../random.js";
import type { Task } from "./task.js";

/**
 * Nearest neighbour, NSTNB (Sec. 5.2, App. G), with keys on the hypercube {±1/√d}^d as in the paper's MQAR embedding
 * and its DISJ reduction (Theorem 8, paper notes §4.5).
 *
 * Key i is the token "v{i}", 0 <= i < 2^d, whose coordinate j is +1/√d when bit j of i is 0 and -1/√d when it is 1.
 * Keys are unit vectors, and <v_a, v_b> = (d - 2 * popcount(a xor b)) / d: dot products are integers over d, so
 * margins are exact rationals and no floating point is needed.
 */
export const vectorToken = (i: number): string => `v${i}`;

/** An exact rational num/den (den > 0, not reduced: den is the dimension d). */
export interface Fraction {
  readonly num: number;
  readonly den: number;
}

/** The real vector of key i in dimension d: coordinate j is +1/√d or -1/√d by bit j of i (0 gives +). */
export function keyVector(i: number, d: number): number[] {
  const s = 1 / Math.sqrt(d);
  return Array.from({ length: d }, (_, j) => (bit(i, j) ? -s : s));
}

/** <v_a, v_b> exactly: (d - 2 * Hamming distance) / d. */
export function keyDot(a: number, b: number, d: number): Fraction {
  return { num: d - 2 * popcount(a ^ b), den: d };
}

const bit = (i: number, j: number) => Math.floor(i / 2 ** j) % 2 === 1;

function popcount(x: number): number {
  let c = 0;
  for (; x > 0; x >>>= 1) c += x & 1;
  return c;
}

/** The smallest d >= 1 with 2^d >= n: n distinct keys fit. */
export function defaultDim(n: number): number {
  return Math.max(1, Math.ceil(Math.log2(n)));
}

export interface NearestNeighborOptions {
  /** d, the dimension of the keys: 2^d keys. Default defaultDim(n). */
  dim?: number;
  /** Only inputs whose query repeats one of the keys: multi-query associative recall's single query (MQAR). */
  mqar?: boolean;
}

/** What the reference answer found: the label, the nearest key and the margin γ of the paper's assumption. */
export interface Nearest {
  readonly label: string;
  readonly key: number;
  /** best dot product - second best over the other distinct keys; undefined when every x_i is the nearest key. */
  readonly margin: Fraction | undefined;
}

/**
 * The answer to x_1, y_1, ..., x_n, y_n, x_q: y_j for the x_j with the largest <x_q, x_j>.
 *
 * Instances (following the project's reading of the margin assumption): a repeated key must keep its label (inputs
 * that repeat a key with another label are refused, wherever the key is), and the query's nearest key must be unique
 * among the distinct keys present. Then the nearest key beats every other key by γ >= 2/d. This differs from the
 * paper's literal assumption, which is about indices: it refuses a repeated nearest key and allows a non-nearest key
 * to repeat with another label. Repeats with one label are what Theorem 8's protocol feeds (Bob feeds each answer
 * back as a label before his next query). With `mqar`, the query must also be one of the keys.
 */
export function findNearest(tokens: readonly string[], n: number, d: number, mqar = false): Nearest {
  if (tokens.length !== 2 * n + 1)
    fail("invalid-input", `nearest-neighbor at n=${n} takes ${2 * n + 1} tokens, got ${tokens.length}`);
  const labels = new Map<number, { label: string; pair: number }>();
  for (let i = 0; i < n; i++) {
    const key = parseKey(tokens[2 * i]!, 2 * i, d);
    const label = tokens[2 * i + 1]!;
    if (label !== "0" && label !== "1") fail("invalid-input", `token ${2 * i + 2} is "${label}", not a label 0 or 1`);
    const seen = labels.get(key);
    if (seen && seen.label !== label) {
      fail(
        "invalid-input",
        `key "${vectorToken(key)}" has label ${seen.label} in pair ${seen.pair} and ${label} in pair ${i + 1}; a repeated key must keep its label`,
      );
    }
    if (!seen) labels.set(key, { label, pair: i + 1 });
  }
  const query = parseKey(tokens[2 * n]!, 2 * n, d);
  if (mqar && !labels.has(query)) fail("invalid-input", `query "${vectorToken(query)}" is not one of the keys (mqar)`);
  const { key, margin } = nearestKey([...labels.keys()], query, d);
  return { label: labels.get(key)!.label, key, margin };
}

function parseKey(token: string, at: number, d: number): number {
  const m = /^v(0|[1-9][0-9]*)$/.exec(token);
  const i = m ? Number(m[1]) : -1;
  if (!(i >= 0 && i < 2 ** d)) fail("invalid-input", `token ${at + 1} is "${token}", not a key v0..v${2 ** d - 1}`);
  return i;
}

/** The unique nearest of distinct keys to the query, with its exact margin; a tie is not an instance. */
export function nearestKey(
  keys: readonly number[],
  query: number,
  d: number,
): { key: number; margin: Fraction | undefined } {
  const byDot = keys.map((k) => ({ k, dot: keyDot(k, query, d).num })).sort((a, b) => b.dot - a.dot);
  const [best, second] = byDot;
  if (!best) throw new RangeError("nearestKey: no keys");
  if (second && second.dot === best.dot) {
    fail(
      "invalid-input",
      `query "${vectorToken(query)}" is equally close to keys ${vectorToken(best.k)} and ${vectorToken(second.k)} (dot product ${best.dot}/${d}): the nearest key is not unique, so the margin assumption fails`,
    );
  }
  return { key: best.k, margin: second ? { num: best.dot - second.dot, den: d } : undefined };
}

/**
 * NSTNB with n key/label pairs and one query (2n + 1 tokens), keys in dimension d (see findNearest for which
 * inputs are instances). The vocabulary is the 2^d keys, then the labels "0", "1".
 */
export function nearestNeighbor(n: number, options: NearestNeighborOptions = {}): Task {
  const d = options.dim ?? defaultDim(n);
  // Key indices go through 32-bit xor; makeTask caps d far lower (the vocabulary must fit a model).
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(d) || d < 1 || d > 30)
    throw new RangeError(`nearest-neighbor: bad n = ${n} or d = ${d}`);
  const mqar = options.mqar ?? false;
  const size = 2 ** d;
  const keys = Array.from({ length: size }, (_, i) => vectorToken(i));
  let count: bigint | undefined;
  return {
    name: "nearest-neighbor",
    n,
    params: { dim: d, mqar: mqar ? 1 : 0 },
    vocab: [...keys, "0", "1"],
    labels: ["0", "1"],
    inputLength: 2 * n + 1,
    answer: (tokens) => findNearest(tokens, n, d, mqar).label,
    generate: (rng) => generate(rng, n, d, mqar),
    count: () => (count ??= countInstances(n, d, mqar)),
    enumerate: () => enumerate(n, d, mqar),
  };
}

/**
 * Keys as in the paper's setting: n distinct keys (uniform ordered sample) when 2^d >= n, else uniform with repeats
 * that keep their label. Labels are uniform. The query is uniform among the keys with a unique nearest key (by
 * rejection; a key already present always qualifies, so after 64 misses one of them is taken), or with mqar uniform
 * among the keys present.
 */
function generate(rng: Rng, n: number, d: number, mqar: boolean): string[] {
  const size = 2 ** d;
  const keys = n <= size ? rng.sample(size, n) : Array.from({ length: n }, () => rng.int(size));
  const labels = new Map<number, string>();
  for (const k of keys) if (!labels.has(k)) labels.set(k, String(rng.int(2)));
  const out = keys.flatMap((k) => [vectorToken(k), labels.get(k)!]);
  out.push(vectorToken(mqar ? keys[rng.int(n)]! : query(rng, [...labels.keys()], d)));
  return out;
}

function query(rng: Rng, distinct: readonly number[], d: number): number {
  for (let tries = 0; tries < 64; tries++) {
    const q = rng.int(2 ** d);
    if (uniqueNearest(distinct, q, d)) return q;
  }
  return distinct[rng.int(distinct.length)]!;
}

function uniqueNearest(distinct: readonly number[], q: number, d: number): boolean {
  let best = -Infinity;
  let ties = 0;
  for (const k of distinct) {
    const dot = keyDot(k, q, d).num;
    if (dot > best) [best, ties] = [dot, 1];
    else if (dot === best) ties++;
  }
  return ties === 1;
}

/** Every instance once: key sequences, then one label per distinct key, then every query with a unique nearest key. */
function* enumerate(n: number, d: number, mqar: boolean): Generator<string[]> {
  const size = 2 ** d;
  const keys = new Array<number>(n).fill(0);
  for (;;) {
    const distinct = [...new Set(keys)];
    const queries = mqar
      ? distinct
      : Array.from({ length: size }, (_, q) => q).filter((q) => uniqueNearest(distinct, q, d));
    for (let mask = 0; mask < 2 ** distinct.length; mask++) {
      const label = new Map(distinct.map((k, i) => [k, bit(mask, i) ? "1" : "0"]));
      const pairs = keys.flatMap((k) => [vectorToken(k), label.get(k)!]);
      for (const q of queries) yield [...pairs, vectorToken(q)];
    }
    let i = n - 1;
    while (i >= 0 && keys[i] === size - 1) keys[i--] = 0;
    if (i < 0) return;
    keys[i]!++;
  }
}

/**
 * The number of instances, exactly. By the hypercube's symmetry every query has the same count, so fix it at v0.
 * Sequences of n pairs over a pool of M keys with consistent labels number L(M) = n! [t^n] (2e^t - 1)^M
 * = sum_j C(M, j) (-1)^(M-j) 2^j j^n (each key is unused, or used with one of 2 labels). The nearest key is unique at
 * Hamming distance h when it is one chosen key v at distance h, used, and no other key within distance h is:
 * L(R_h + 1) - L(R_h) sequences, R_h the number of keys farther than h. With mqar, h = 0.
 */
function countInstances(n: number, d: number, mqar: boolean): bigint {
  const size = 2 ** d;
  const powers = Array.from({ length: size + 1 }, (_, j) => BigInt(j) ** BigInt(n));
  const consistent = (m: number) => {
    let sum = 0n;
    let binom = 1n;
    for (let j = 0; j <= m; j++) {
      const term = binom * (1n << BigInt(j)) * powers[j]!;
      sum += (m - j) % 2 === 0 ? term : -term;
      binom = (binom * BigInt(m - j)) / BigInt(j + 1);
    }
    return sum;
  };
  const withKey = (farther: number) => consistent(farther + 1) - consistent(farther);
  if (mqar) return BigInt(size) * withKey(size - 1);
  let total = 0n;
  let farther = size;
  for (let h = 0; h <= d; h++) {
    const atH = binomial(d, h);
    farther -= atH;
    total += BigInt(atH) * withKey(farther);
  }
  return BigInt(size) * total;
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
  return c;
}
