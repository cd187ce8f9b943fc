import { fail } from "../errors.js";
import type { Rng } from "../random.js";
import { alphabet, stringAt, strings, type Task } from "./task.js";

/** The query token naming x in [n] = {0, ..., n-1}. */
export const compositionQuery = (x: number): string => `q${x}`;
/** The token that ends every input: the question mark of "what is f(g(x))?". */
export const QUESTION = "?";

/**
 * Function composition (Peng, Narayanan and Papadimitriou 2024, arXiv 2402.08164): two functions g, f : [n] -> [n]
 * and a query x; the answer is f(g(x)). The paper's prompt describes g and f in words ("the father of ... is ...")
 * and asks for the composition; ccbound's encoding is positional: g's table g(0) .. g(n-1) (n value tokens), then
 * f's table f(0) .. f(n-1), then the query token "qx", then "?". Values and answers are "0".."n-1": 2n + 2 tokens over
 * a vocabulary of 2n + 1. Alice's block is g's table (the first n tokens), Bob's the rest
 * (src/reductions/function-composition.ts). The fixed last token matters for one-layer Transformers: the last
 * position's attention query comes from the last token alone, so it does not reveal x to the side holding g, which
 * the paper's one-way count needs (a "qx" in last place would let that side send g(x) in log n bits).
 */
export function functionComposition(n: number): Task {
  const values = alphabet(n);
  const queries = Array.from({ length: n }, (_, x) => compositionQuery(x));
  const valueOf = new Map(values.map((v, i) => [v, i] as const));
  const queryOf = new Map(queries.map((q, i) => [q, i] as const));
  const table = (tokens: readonly string[], from: number, what: string): number[] =>
    Array.from({ length: n }, (_, i) => {
      const v = valueOf.get(tokens[from + i]!);
      if (v === undefined)
        fail("invalid-input", `token ${from + i + 1} is "${tokens[from + i]}", not a value 0..${n - 1} of ${what}`);
      return v;
    });
  return {
    name: "function-composition",
    n,
    params: {},
    vocab: [...values, ...queries, QUESTION],
    labels: values,
    inputLength: 2 * n + 2,
    answer(tokens) {
      if (tokens.length !== 2 * n + 2)
        fail("invalid-input", `function-composition at n=${n} takes ${2 * n + 2} tokens, got ${tokens.length}`);
      const g = table(tokens, 0, "g");
      const f = table(tokens, n, "f");
      const x = queryOf.get(tokens[2 * n]!);
      if (x === undefined) fail("invalid-input", `token ${2 * n + 1} is "${tokens[2 * n]}", not a query q0..q${n - 1}`);
      if (tokens[2 * n + 1] !== QUESTION)
        fail("invalid-input", `last token is "${tokens[2 * n + 1]}", not "${QUESTION}"`);
      return values[f[g[x]!]!]!;
    },
    generate: (rng: Rng) => [
      ...Array.from({ length: 2 * n }, () => values[rng.int(n)]!),
      queries[rng.int(n)]!,
      QUESTION,
    ],
    count: () => BigInt(n) ** BigInt(2 * n + 1),
    *enumerate() {
      for (const gf of strings(values, 2 * n)) for (const q of queries) yield [...gf, q, QUESTION];
    },
    inputAt: (k) => [...stringAt(values, 2 * n, Math.floor(k / n)), queries[k % n]!, QUESTION],
  };
}
