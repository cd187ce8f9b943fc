import { fail } from "../errors.js";
import type { Rng } from "../random.js";
import { alphabet, stringAt, strings, type Task } from "./task.js";

/** The position token for 1-based position p: a vocabulary item of its own, as in the paper (V = Σ ∪ [N]). */
export const positionToken = (p: number): string => `@${p}`;

/**
 * Index lookup (paper Sec. 3): N symbols over Σ, then a position token p in [N]; the answer is s_p.
 * Inputs have exactly N symbols (the lower bound is stated for length N).
 */
export function indexLookup(n: number, alphabetSize = 2): Task {
  const symbols = alphabet(alphabetSize);
  const positions = Array.from({ length: n }, (_, i) => positionToken(i + 1));
  const symbolSet = new Set(symbols);
  return {
    name: "index-lookup",
    n,
    params: { alphabet: alphabetSize },
    vocab: [...symbols, ...positions],
    labels: symbols,
    inputLength: n + 1,
    answer(tokens) {
      if (tokens.length !== n + 1)
        fail("invalid-input", `index-lookup at n=${n} takes ${n + 1} tokens, got ${tokens.length}`);
      tokens.slice(0, n).forEach((s, i) => {
        if (!symbolSet.has(s))
          fail("invalid-input", `token ${i + 1} is "${s}", not a symbol of {${symbols.join(",")}}`);
      });
      const p = positions.indexOf(tokens[n]!);
      if (p < 0) fail("invalid-input", `last token "${tokens[n]}" is not a position token @1..@${n}`);
      return tokens[p]!;
    },
    generate: (rng: Rng) => [
      ...Array.from({ length: n }, () => symbols[rng.int(alphabetSize)]!),
      positions[rng.int(n)]!,
    ],
    count: () => BigInt(alphabetSize) ** BigInt(n) * BigInt(n),
    *enumerate() {
      for (const s of strings(symbols, n)) for (const p of positions) yield [...s, p];
    },
    inputAt: (k) => [...stringAt(symbols, n, Math.floor(k / n)), positions[k % n]!],
  };
}
