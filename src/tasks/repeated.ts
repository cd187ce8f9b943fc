import { fail } from "../errors.js";
import type { Task } from "./task.js";

/** The most copies a multi-pass input may have (`--passes`). */
export const MAX_PASSES = 16;

/**
 * A task read k times in a row (JRT-Prompt, Arora et al. 2024: "just read twice"): an input is one input of the base
 * task repeated k times, and its answer is the base task's on that input. A recurrent model reading it is a protocol
 * of 2k - 1 messages at the halves of every copy (src/reductions/protocol-at.ts). `params.passes` is k.
 */
export function repeated(base: Task, passes: number): Task {
  const length = base.inputLength;
  const copies = (input: readonly string[]) => Array.from({ length: passes }, () => input).flat();
  return {
    ...base,
    params: { ...base.params, passes },
    inputLength: passes * length,
    answer(tokens) {
      if (tokens.length !== passes * length) {
        fail(
          "invalid-input",
          `${base.name} read ${passes} times at n=${base.n} takes ${passes * length} tokens, got ${tokens.length}`,
        );
      }
      for (let c = 1; c < passes; c++) {
        for (let i = 0; i < length; i++) {
          if (tokens[c * length + i] !== tokens[i]) {
            fail(
              "invalid-input",
              `a ${passes}-pass input repeats one input, but copy ${c + 1} differs from copy 1 at its token ${i + 1}`,
            );
          }
        }
      }
      return base.answer(tokens.slice(0, length));
    },
    generate: (rng) => copies(base.generate(rng)),
    count: () => base.count(),
    *enumerate() {
      for (const input of base.enumerate()) yield copies(input);
    },
  };
}
