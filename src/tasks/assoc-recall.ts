import { fail } from "../errors.js";
import type { Rng } from "../random.js";
import { alphabet, strings, type Task } from "./task.js";

export const keyToken = (i: number): string => `k${i}`;

/**
 * Single-query associative recall (App. C.1): x_1, y_1, ..., x_N, y_N, then a query x_q equal to one of the keys;
 * the answer is the y_i with x_i = x_q. Keys are N distinct tokens k1..kN (any order), values come from Σ.
 */
export function assocRecall(n: number, alphabetSize = 2): Task {
  const values = alphabet(alphabetSize);
  const keys = Array.from({ length: n }, (_, i) => keyToken(i + 1));
  const valueSet = new Set(values);
  const keySet = new Set(keys);
  return {
    name: "assoc-recall",
    n,
    params: { alphabet: alphabetSize },
    vocab: [...keys, ...values],
    labels: values,
    inputLength: 2 * n + 1,
    answer(tokens) {
      if (tokens.length !== 2 * n + 1)
        fail("invalid-input", `assoc-recall at n=${n} takes ${2 * n + 1} tokens, got ${tokens.length}`);
      const seen = new Map<string, string>();
      for (let i = 0; i < n; i++) {
        const k = tokens[2 * i]!;
        const v = tokens[2 * i + 1]!;
        if (!keySet.has(k)) fail("invalid-input", `token ${2 * i + 1} is "${k}", not a key k1..k${n}`);
        if (seen.has(k)) fail("invalid-input", `key "${k}" appears twice; keys must be distinct`);
        if (!valueSet.has(v))
          fail("invalid-input", `token ${2 * i + 2} is "${v}", not a value of {${values.join(",")}}`);
        seen.set(k, v);
      }
      const answer = seen.get(tokens[2 * n]!);
      if (answer === undefined) fail("invalid-input", `query "${tokens[2 * n]}" is not one of the keys`);
      return answer;
    },
    generate(rng: Rng) {
      const order = rng.sample(n, n);
      const out = order.flatMap((k) => [keys[k]!, values[rng.int(alphabetSize)]!]);
      out.push(keys[order[rng.int(n)]!]!);
      return out;
    },
    count: () => factorial(n) * BigInt(alphabetSize) ** BigInt(n) * BigInt(n),
    *enumerate() {
      for (const order of permutations(n))
        for (const vs of strings(values, n)) {
          const pairs = order.flatMap((k, i) => [keys[k]!, vs[i]!]);
          for (const k of order) yield [...pairs, keys[k]!];
        }
    },
  };
}

/** All orderings of 0..n-1 (Heap's algorithm). */
function* permutations(n: number): Generator<number[]> {
  const a = Array.from({ length: n }, (_, i) => i);
  const c = new Array<number>(n).fill(0);
  yield a.slice();
  for (let i = 0; i < n;) {
    if (c[i]! < i) {
      const j = i % 2 === 0 ? 0 : c[i]!;
      [a[j], a[i]] = [a[i]!, a[j]!];
      yield a.slice();
      c[i]!++;
      i = 0;
    } else c[i++] = 0;
  }
}

function factorial(n: number): bigint {
  let f = 1n;
  for (let i = 2n; i <= BigInt(n); i++) f *= i;
  return f;
}
