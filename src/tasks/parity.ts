import { fail } from "../errors.js";
import type { Rng } from "../random.js";
import { alphabet, strings, type Task, type TaskName } from "./task.js";

const BITS = ["0", "1"] as const;

/** The largest modulus of mod-count: its labels "0".."m-1" must fit a model's head like any task's labels. */
export const MAX_MODULUS = 256;

/**
 * Parity (Sarrof et al. 2024, Grazzi et al. 2024): a binary string of length n; the answer is the number of 1s mod 2.
 * The task is mod-count with m = 2 under its own name, as the papers call it.
 */
export function parity(n: number): Task {
  return countingOnes("parity", n, 2);
}

/**
 * Modular counting: a binary string of length n; the answer is the number of 1s mod m, labelled "0".."m-1"
 * (Grazzi et al. 2024 count modulo 3). `params.modulus` is m.
 */
export function modCount(n: number, modulus: number): Task {
  if (!Number.isInteger(modulus) || modulus < 2 || modulus > MAX_MODULUS)
    throw new RangeError(`mod-count needs a modulus 2..${MAX_MODULUS}, got ${modulus}`);
  return countingOnes("mod-count", n, modulus);
}

/** How many of the tokens are "1" (every token checked to be a bit). */
export function onesIn(tokens: readonly string[]): number {
  let ones = 0;
  tokens.forEach((t, i) => {
    if (t === "1") ones++;
    else if (t !== "0") fail("invalid-input", `token ${i + 1} is "${t}", not a bit 0 or 1`);
  });
  return ones;
}

/**
 * Both tasks at once: the answer is (number of 1s) mod m. The generator draws the number of 1s uniformly in 0..n and
 * puts them at a uniform set of positions, so every count (hence every residue) is as likely as any other and dense
 * strings such as 1^n appear, which uniform bits (counts near n/2) almost never give.
 */
function countingOnes(name: Extract<TaskName, "parity" | "mod-count">, n: number, m: number): Task {
  const what = name === "parity" ? "parity" : `mod-count (m = ${m})`;
  return {
    name,
    n,
    params: name === "parity" ? {} : { modulus: m },
    vocab: [...BITS],
    labels: alphabet(m),
    inputLength: n,
    answer(tokens) {
      if (tokens.length !== n) fail("invalid-input", `${what} at n=${n} takes ${n} tokens, got ${tokens.length}`);
      return String(onesIn(tokens) % m);
    },
    generate: (rng: Rng) => {
      const out: string[] = new Array<string>(n).fill("0");
      for (const i of rng.sample(n, rng.int(n + 1))) out[i] = "1";
      return out;
    },
    count: () => 2n ** BigInt(n),
    enumerate: () => strings(BITS, n),
  };
}
