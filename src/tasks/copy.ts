import { fail } from "../errors.js";
import type { Rng } from "../random.js";
import { alphabet, stringAt, strings, type Task } from "./task.js";

/** The token that ends the string to copy (Jelassi et al. 2024 write it as a start-of-copy token). */
export const DELIMITER = "|";

/**
 * String copying (Jelassi et al. 2024, "Repeat after me"): an input is a string x of n = L symbols of an alphabet of
 * k, then the delimiter; the answer is x itself, a sequence of L tokens, which a model gives by greedy decoding of L
 * outputs after the delimiter (src/models/decode.ts). The labels, a model's outputs at each step, are the alphabet.
 * An answer is written as its tokens joined by single spaces. `params.alphabet` is k.
 */
export function copy(n: number, k: number): Task {
  const symbols = alphabet(k);
  const known = new Set(symbols);
  return {
    name: "copy",
    n,
    params: { alphabet: k },
    vocab: [...symbols, DELIMITER],
    labels: symbols,
    inputLength: n + 1,
    answerTokens: n,
    answer(tokens) {
      if (tokens.length !== n + 1) fail("invalid-input", `copy at n=${n} takes ${n + 1} tokens, got ${tokens.length}`);
      tokens.forEach((t, i) => {
        if (i === n && t !== DELIMITER)
          fail("invalid-input", `token ${i + 1} is "${t}", not the delimiter "${DELIMITER}" that ends the string`);
        if (i < n && !known.has(t))
          fail("invalid-input", `token ${i + 1} is "${t}", not a symbol 0..${k - 1} of the alphabet`);
      });
      return tokens.slice(0, n).join(" ");
    },
    generate: (rng: Rng) => [...Array.from({ length: n }, () => symbols[rng.int(k)]!), DELIMITER],
    count: () => BigInt(k) ** BigInt(n),
    *enumerate() {
      for (const s of strings(symbols, n)) yield [...s, DELIMITER];
    },
    inputAt: (i) => [...stringAt(symbols, n, i), DELIMITER],
  };
}
