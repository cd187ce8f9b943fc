import { fail } from "../errors.js";
import type { Rng } from "../random.js";
import { evenLength, stringAt, strings, type Task } from "./task.js";

const BITS = ["0", "1"] as const;

/**
 * Disjointness (Sec. 4.2, App. B.1) on x, y in {0,1}^(n/2), the two halves of an n-bit input.
 *
 * THE ANSWER IS "1" WHEN THE SETS INTERSECT: the paper's DISJ(x, y) = max_i x_i y_i = 1[x^T y > 0], the intersection
 * indicator, not the usual "1 when disjoint". "0" means disjoint. This matches disjProblem in src/cc/problems.ts.
 */
export function disjointness(n: number): Task {
  evenLength("disjointness", n);
  const half = n / 2;
  return {
    name: "disjointness",
    n,
    params: {},
    vocab: [...BITS],
    labels: [...BITS],
    inputLength: n,
    answer(tokens) {
      if (tokens.length !== n) fail("invalid-input", `disjointness at n=${n} takes ${n} tokens, got ${tokens.length}`);
      tokens.forEach((t, i) => {
        if (t !== "0" && t !== "1") fail("invalid-input", `token ${i + 1} is "${t}", not a bit 0 or 1`);
      });
      const intersect = tokens.slice(0, half).some((t, i) => t === "1" && tokens[half + i] === "1");
      return intersect ? "1" : "0";
    },
    generate(rng: Rng) {
      const [x, y] = rng.int(2) === 0 ? disjointPair(rng, half) : intersectingPair(rng, half);
      return [...x, ...y];
    },
    count: () => 2n ** BigInt(n),
    enumerate: () => strings(BITS, n),
    inputAt: (k) => stringAt(BITS, n, k),
  };
}

/**
 * The generator is balanced between the answers (the paper runs no DISJ experiment, so this follows its EQ data):
 * half the inputs are uniform among disjoint pairs, half uniform among intersecting pairs. Uniform random pairs
 * would intersect with probability 1 - (3/4)^(n/2), nearly always.
 */
function disjointPair(rng: Rng, half: number): [string[], string[]] {
  // Each coordinate is uniform over the three disjoint choices (0,0), (0,1), (1,0).
  const coords = Array.from({ length: half }, () => rng.int(3));
  return [coords.map((c) => (c === 2 ? "1" : "0")), coords.map((c) => (c === 1 ? "1" : "0"))];
}

/** Uniform among intersecting pairs by rejection: a uniform pair intersects with probability >= 1/4. */
function intersectingPair(rng: Rng, half: number): [string[], string[]] {
  for (;;) {
    const x = Array.from({ length: half }, () => BITS[rng.int(2)]!);
    const y = Array.from({ length: half }, () => BITS[rng.int(2)]!);
    if (x.some((b, i) => b === "1" && y[i] === "1")) return [x, y];
  }
}
