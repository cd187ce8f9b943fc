import { fail } from "../errors.js";
import type { Rng } from "../random.js";
import { evenLength, stringAt, strings, type Task } from "./task.js";

/** The token the paper's experiments put between the two halves (App. H.2's [SEP]). */
export const SEPARATOR = "|";

const BITS = ["0", "1"] as const;

export interface EqualityOptions {
  /** INEQ = 1 - EQ, the paper's appendix form (App. F), instead of EQ. */
  ineq?: boolean;
  /** Put SEPARATOR between the halves, as the experiments do (Sec. 6.4): inputs have n + 1 tokens. */
  separator?: boolean;
}

/**
 * String equality (Sec. 4.2): x in {0,1}^n read as two halves of n/2 bits; EQ answers "1" when the halves are equal.
 * With `ineq`, the answer is INEQ = 1 - EQ. n must be even (makeTask checks it with a flag error).
 */
export function equality(n: number, options: EqualityOptions = {}): Task {
  evenLength("equality", n);
  const ineq = options.ineq ?? false;
  const separator = options.separator ?? false;
  const half = n / 2;
  const length = separator ? n + 1 : n;
  const name = ineq ? "INEQ" : "EQ";
  const join = (a: readonly string[], b: readonly string[]) => (separator ? [...a, SEPARATOR, ...b] : [...a, ...b]);
  return {
    name: "equality",
    n,
    params: { ineq: ineq ? 1 : 0, separator: separator ? 1 : 0 },
    vocab: separator ? [...BITS, SEPARATOR] : [...BITS],
    labels: [...BITS],
    inputLength: length,
    answer(tokens) {
      if (tokens.length !== length)
        fail("invalid-input", `equality (${name}) at n=${n} takes ${length} tokens, got ${tokens.length}`);
      const [x, y] = halves(tokens, half, separator);
      const equal = x.every((b, i) => b === y[i]);
      return equal !== ineq ? "1" : "0";
    },
    generate: (rng: Rng) => join(...balancedPair(rng, half)),
    count: () => 2n ** BigInt(n),
    *enumerate() {
      for (const s of strings(BITS, n)) yield join(s.slice(0, half), s.slice(half));
    },
    inputAt(k) {
      const s = stringAt(BITS, n, k);
      return join(s.slice(0, half), s.slice(half));
    },
  };
}

/** Split an input into its halves, checking every token (bits in the halves, the separator between them). */
function halves(tokens: readonly string[], half: number, separator: boolean): [readonly string[], readonly string[]] {
  tokens.forEach((t, i) => {
    const isSep = separator && i === half;
    if (isSep && t !== SEPARATOR)
      fail("invalid-input", `token ${i + 1} is "${t}", not the separator "${SEPARATOR}" between the halves`);
    if (!isSep && t !== "0" && t !== "1") fail("invalid-input", `token ${i + 1} is "${t}", not a bit 0 or 1`);
  });
  const second = separator ? half + 1 : half;
  return [tokens.slice(0, half), tokens.slice(second)];
}

/**
 * The paper's data (App. H.2): half the inputs have equal halves (positives). Negatives follow its two variants, half
 * each: Eq-random draws an independent second half (so, as in the paper, it is equal by chance with probability
 * 2^(-n/2) and then labelled by the reference answer), and Eq-one copies the first half and flips exactly one bit.
 * The paper's variable training length does not apply: a task has one length n.
 */
function balancedPair(rng: Rng, half: number): [string[], string[]] {
  const x = Array.from({ length: half }, () => BITS[rng.int(2)]!);
  if (rng.int(2) === 0) return [x, x.slice()];
  if (rng.int(2) === 0) return [x, Array.from({ length: half }, () => BITS[rng.int(2)]!)];
  const y = x.slice();
  const i = rng.int(half);
  y[i] = y[i] === "0" ? "1" : "0";
  return [x, y];
}
