import type { RecurrentModelSpec } from "../models/spec.js";
import { fail } from "../errors.js";
import { Rng } from "../random.js";
import { SEPARATOR } from "../tasks/equality.js";

export interface HashEqualityOptions {
  /** Input length: two halves of n/2 bits (n even). */
  n: number;
  /** Bits of the hash: every half hashes to an integer below 2^c. */
  bits: number;
  seed: number;
  /** The task variant with the token "|" between the halves. */
  separator?: boolean;
}

/**
 * A recurrent model for EQ that keeps a c-bit hash of each half and compares them: wrong exactly on the unequal
 * halves whose hashes collide. The hash of a half x is H(x) = sum_j x_j w_j with seeded random integer weights
 * w_j in [1, 2^k], k = c - ceil(log2(n/2)), so H(x) < 2^c. Three stacked layers in exact fixed-point arithmetic:
 *
 * 1. Elman (ReLU), 2 units: u+ = relu(E[token] + P[t]) is w_j when the token at first-half position j is "1" and 0
 *    otherwise (E["0"] and the other half's position entries are the format's minimum, so the sum is negative);
 *    u- does the same for the second half. Position embeddings carry the weights (the paper allows any).
 * 2. Diagonal linear recurrence, 1 unit: D' = D + u+ - u-, so D = H(x) - H(y) after the last token.
 * 3. Elman (ReLU), 2 units: relu(D) and relu(-D).
 * The head answers "1" (logit 1/2 - relu(D) - relu(-D) against 0) exactly when D = 0.
 *
 * A one-bit difference changes D by some w_j >= 1, so the errors are rare under random testing (the task's own
 * generator flips one bit in half of its negatives, a quarter of all inputs, and the rest must hit D = 0 exactly), while two first halves
 * with one hash leave the same state when their last bits agree, which the fooling-set search finds in about
 * 2^(c/2) runs.
 */
export function hashEquality(o: HashEqualityOptions): RecurrentModelSpec {
  const half = o.n / 2;
  if (!Number.isInteger(half) || half < 1)
    fail("invalid-flag", `hash-equality needs an even n >= 2, got ${o.n}`, "--n");
  const spread = Math.ceil(Math.log2(half));
  const k = o.bits - spread;
  if (!Number.isInteger(o.bits) || k < 1 || o.bits > 48) {
    fail(
      "invalid-flag",
      `--bits must be ${spread + 1}..48 at n = ${o.n} (the hash of ${half} weighted bits needs ${spread} bits of spread), got ${o.bits}`,
      "--bits",
    );
  }
  // |D| < 2^c and the weights are at most 2^k: I = c + 1 integer bits hold every value, with room for the minimum.
  const intBits = o.bits + 1;
  const low = -(2 ** intBits);
  const rng = new Rng(o.seed);
  const weights = Array.from({ length: half }, () => 1 + randomBelow(rng, 2 ** k));
  const separator = o.separator ?? false;
  const positions: number[][] = [
    ...weights.map((w) => [w, low]),
    ...(separator ? [[low, low]] : []),
    ...weights.map((w) => [low, w]),
  ];
  const vocab = separator ? ["0", "1", SEPARATOR] : ["0", "1"];
  return {
    ccbound: "model",
    version: 1,
    name: `hash-equality n=${o.n} c=${o.bits} seed=${o.seed}${separator ? " separator" : ""}`,
    description: `EQ through a ${o.bits}-bit hash of each half (weights in [1, 2^${k}]): wrong exactly on hash collisions`,
    vocab,
    labels: ["0", "1"],
    arch: "recurrent",
    format: `fixed:${intBits}.1`,
    embedding: vocab.map((t) => (t === "1" ? [0, 0] : [low, low])),
    positionEmbedding: positions,
    layers: [
      {
        cell: "elman",
        nonlinearity: "relu",
        hidden: 2,
        weight_ih: [
          [1, 0],
          [0, 1],
        ],
        weight_hh: [
          [0, 0],
          [0, 0],
        ],
        bias_ih: [0, 0],
        bias_hh: [0, 0],
      },
      { cell: "linear", hidden: 1, a: [1], b: [[1, -1]], bias: [0] },
      {
        cell: "elman",
        nonlinearity: "relu",
        hidden: 2,
        weight_ih: [[1], [-1]],
        weight_hh: [
          [0, 0],
          [0, 0],
        ],
        bias_ih: [0, 0],
        bias_hh: [0, 0],
      },
    ],
    head: {
      weight: [
        [0, 0],
        [-1, -1],
      ],
      bias: [0, 0.5],
    },
  };
}

/** The weights the model uses (its hash), for tests and reports. */
export function hashWeights(spec: RecurrentModelSpec): number[] {
  return (spec.positionEmbedding ?? []).map((row) => row[0]!).filter((w) => w > 0);
}

/** Uniform integer in [0, m) for m up to 2^48. */
function randomBelow(rng: Rng, m: number): number {
  if (m <= 2 ** 32) return rng.int(m);
  return Math.floor(rng.float() * m);
}
