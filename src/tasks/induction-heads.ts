import { fail } from "../errors.js";
import type { Rng } from "../random.js";
import { alphabet, strings, type Task } from "./task.js";

/** The vocabulary's one token beyond the alphabet: the marker INDEX's reduction queries with (any token may be one). */
export const MARKER = "*";

/** The least n: two tokens before the last, so that an earlier occurrence and its follower fit. */
export const INDUCTION_MIN_N = 3;

/**
 * Induction heads (Sanford, Hsu and Telgarsky 2024; Olsson et al. 2022): a sequence of n tokens over Σ = {0..K-1, *}
 * whose last token occurs earlier; the answer is the token that follows its most recent earlier occurrence, i.e.
 * s_(j+1) for the largest j < n with s_j = s_n (1-based). A sequence whose last token is new is not an instance.
 * Every token may be an answer, so the labels are the whole vocabulary. `params.alphabet` is K.
 */
export function inductionHeads(n: number, alphabetSize = 2): Task {
  if (!Number.isInteger(n) || n < INDUCTION_MIN_N) throw new RangeError(`induction-heads needs n >= 3, got ${n}`);
  const vocab = [...alphabet(alphabetSize), MARKER];
  const known = new Set(vocab);
  const v = BigInt(vocab.length);
  return {
    name: "induction-heads",
    n,
    params: { alphabet: alphabetSize },
    vocab,
    labels: vocab,
    inputLength: n,
    answer(tokens) {
      if (tokens.length !== n)
        fail("invalid-input", `induction-heads at n=${n} takes ${n} tokens, got ${tokens.length}`);
      tokens.forEach((t, i) => {
        if (!known.has(t)) fail("invalid-input", `token ${i + 1} is "${t}", not one of {${vocab.join(",")}}`);
      });
      const j = tokens.lastIndexOf(tokens[n - 1]!, n - 2);
      if (j < 0)
        fail("invalid-input", `the last token "${tokens[n - 1]}" does not occur earlier, so nothing follows it`);
      return tokens[j + 1]!;
    },
    // Uniform tokens, then the last one copied from a uniform earlier position: every draw is an instance.
    generate(rng: Rng) {
      const out = Array.from({ length: n - 1 }, () => vocab[rng.int(vocab.length)]!);
      out.push(out[rng.int(n - 1)]!);
      return out;
    },
    // For each last token c, the n - 1 tokens before it that contain c: |V|^(n-1) - (|V| - 1)^(n-1).
    count: () => v * (v ** BigInt(n - 1) - (v - 1n) ** BigInt(n - 1)),
    *enumerate() {
      for (const s of strings(vocab, n)) if (s.lastIndexOf(s[n - 1]!, n - 2) >= 0) yield s;
    },
  };
}
