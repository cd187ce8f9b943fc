import type { Protocol } from "../cc/protocol.js";
import type { Bits } from "../cc/problems.js";
import type { RecurrentModel } from "../models/model.js";
import { positionToken } from "../tasks/index-lookup.js";
import type { Task } from "../tasks/task.js";
import { fromIndex } from "./from-index.js";
import type { OneWayFamily } from "./one-way-family.js";

/**
 * Theorem 3: INDEX_N reduces to index lookup. Alice feeds σ_{a_1}..σ_{a_N}, Bob feeds the position token i, and the
 * answer σ_{a_i} tells Bob a_i. The protocol is Theorem 2's pulled back along these input maps, so its cost is the
 * state's bits, and Fact 3 gives mp >= N.
 */
export function indexToIndexLookup(model: RecurrentModel, task: Task): Protocol<Bits, number, 0 | 1> {
  return fromIndex(
    model,
    task,
    (a, sigma) => Int32Array.from(a, (bit) => sigma[bit as 0 | 1]),
    (i, id) => Int32Array.of(id(positionToken(i + 1))),
  );
}

/** The search family of Theorem 3 over the whole alphabet: Alice holds the N symbols, Bob the position token. */
export function indexLookupFamily(task: Task): OneWayFamily {
  return {
    theorem: "thm3",
    task,
    choices: Array.from({ length: task.n }, () => task.labels),
    query: (t) => [positionToken(t + 1)],
    coversTask: true,
  };
}
