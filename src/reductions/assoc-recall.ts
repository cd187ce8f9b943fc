import type { Protocol } from "../cc/protocol.js";
import type { Bits } from "../cc/problems.js";
import type { RecurrentModel } from "../models/model.js";
import { keyToken } from "../tasks/assoc-recall.js";
import type { Task } from "../tasks/task.js";
import { fromIndex } from "./from-index.js";
import type { OneWayFamily } from "./one-way-family.js";

/**
 * Proposition 9: INDEX_N reduces to single-query associative recall. With keys k1..kN fixed in order, Alice feeds
 * k1, σ_{a_1}, ..., kN, σ_{a_N} and Bob queries k_i; the answer is σ_{a_i}. Cost: the state's bits, so mp >= N.
 */
export function indexToAssocRecall(model: RecurrentModel, task: Task): Protocol<Bits, number, 0 | 1> {
  return fromIndex(
    model,
    task,
    (a, sigma, id) =>
      Int32Array.from({ length: 2 * a.length }, (_, t) =>
        t % 2 === 0 ? id(keyToken(t / 2 + 1)) : sigma[a[(t - 1) / 2] as 0 | 1],
      ),
    (i, id) => Int32Array.of(id(keyToken(i + 1))),
  );
}

/** The search family of Proposition 9: keys fixed in order, values free over the alphabet, Bob asks for a key. */
export function assocRecallFamily(task: Task): OneWayFamily {
  return {
    theorem: "prop9",
    task,
    choices: Array.from({ length: 2 * task.n }, (_, t) => (t % 2 === 0 ? [keyToken(t / 2 + 1)] : task.labels)),
    query: (t) => [keyToken((t - 1) / 2 + 1)],
    coversTask: false,
  };
}
