import { comap, mapOutput, type Protocol } from "../cc/protocol.js";
import type { Bits } from "../cc/problems.js";
import type { RecurrentModel } from "../models/model.js";
import { positionToken } from "../tasks/index-lookup.js";
import type { Task } from "../tasks/task.js";
import { bind } from "./bind.js";
import type { OneWayFamily } from "./one-way-family.js";
import { theorem2Protocol } from "./theorem2.js";

/**
 * Theorem 3: INDEX_N reduces to index lookup. Alice feeds σ_{a_1}..σ_{a_N}, Bob feeds the position token i, and the
 * answer σ_{a_i} tells Bob a_i. The protocol is Theorem 2's pulled back along these input maps, so its cost is the
 * state's bits, and Fact 3 gives mp >= N.
 */
export function indexToIndexLookup(model: RecurrentModel, task: Task): Protocol<Bits, number, 0 | 1> {
  const b = bind(model, task);
  const sigma = [b.tokenId.get(task.labels[0]!)!, b.tokenId.get(task.labels[1]!)!];
  const one = b.labelId.get(task.labels[1]!)!;
  const pulled = comap(
    theorem2Protocol(model),
    (a: Bits) => Int32Array.from(a, (bit) => sigma[bit]!),
    (i: number) => Int32Array.of(b.tokenId.get(positionToken(i + 1))!),
  );
  return mapOutput(pulled, (label) => (label === one ? 1 : 0));
}

/** The search family of Theorem 3 over the whole alphabet: Alice holds the N symbols, Bob the position token. */
export function indexLookupFamily(task: Task): OneWayFamily {
  return {
    theorem: "thm3",
    task,
    choices: Array.from({ length: task.n }, () => task.labels),
    query: (t) => [positionToken(t + 1)],
  };
}
