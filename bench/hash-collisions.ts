/**
 * How often the task's own generator hits an error of the zoo's hash-equality model, computed rather than sampled,
 * so a random-testing run stopped at its budget can be set beside what it would have needed.
 *
 * The generator (src/tasks/equality.ts) draws equal halves with probability 1/2, a one-bit flip with 1/4 (never an
 * error: it moves the hash by a weight >= 1) and an independent uniform second half with 1/4. The model is wrong
 * exactly on unequal halves with equal hashes H(x) = sum_j x_j w_j, so p = (P[H(x) = H(y)] - 2^-half) / 4 for
 * independent uniform x, y.
 */

export interface ErrorRate {
  readonly value: number;
  /** "exact": the hash's distribution by dynamic programming; "local-clt": the normal approximation of P[H(x) = H(y)]. */
  readonly how: "exact" | "local-clt";
}

/** Largest hash range computed exactly (a Float64Array of this many counts: 128 MiB). */
const EXACT_LIMIT = 2 ** 24;

export function hashEqualityErrorRate(weights: readonly number[]): ErrorRate {
  const total = weights.reduce((a, b) => a + b, 0);
  const equalHash = total <= EXACT_LIMIT ? exactEqualHash(weights, total) : cltEqualHash(weights);
  const value = (equalHash - 2 ** -weights.length) / 4;
  return { value, how: total <= EXACT_LIMIT ? "exact" : "local-clt" };
}

/** P[H(x) = H(y)] = sum_h P[H = h]^2 from the counts of subsets per sum (at most 2^half each: exact in a double). */
function exactEqualHash(weights: readonly number[], total: number): number {
  const counts = new Float64Array(total + 1);
  counts[0] = 1;
  let reach = 0;
  for (const w of weights) {
    for (let s = reach; s >= 0; s--) counts[s + w]! += counts[s]!;
    reach += w;
  }
  const scale = 2 ** -weights.length;
  let sum = 0;
  for (let s = 0; s <= total; s++) sum += (counts[s]! * scale) ** 2;
  return sum;
}

/** H(x) - H(y) = sum_j w_j (x_j - y_j) has variance sum_j w_j^2 / 2; a lattice sum is 0 with about 1/sqrt(2 pi var). */
function cltEqualHash(weights: readonly number[]): number {
  const variance = weights.reduce((a, w) => a + (w * w) / 2, 0);
  return 1 / Math.sqrt(2 * Math.PI * variance);
}

/** The hash weights of a hash-equality model file: the first half's position rows carry w_j in their first column. */
export function hashWeightsOf(positionEmbedding: readonly (readonly number[])[], half: number): number[] {
  return positionEmbedding.slice(0, half).map((row) => row[0]!);
}
