import { comap, mapOutput, type Protocol } from "../cc/protocol.js";
import type { Bits } from "../cc/problems.js";
import type { RecurrentModel } from "../models/model.js";
import type { Task } from "../tasks/task.js";
import { bind } from "./bind.js";
import { theorem2Protocol } from "./theorem2.js";

/**
 * INDEX_N pulled back through Theorem 2's protocol: Alice's bits become her tokens (with σ0, σ1 the task's first two
 * labels as symbols), Bob's position becomes his tokens, and the model's label σ1 reads as 1. Cost: the state's bits.
 */
export function fromIndex(
  model: RecurrentModel,
  task: Task,
  alice: (a: Bits, sigma: readonly [number, number], id: (token: string) => number) => Int32Array,
  bob: (i: number, id: (token: string) => number) => Int32Array,
): Protocol<Bits, number, 0 | 1> {
  // Bob's part is the one query token at the end.
  const b = bind(model, task);
  const id = (token: string) => b.tokenId.get(token)!;
  const sigma = [id(task.labels[0]!), id(task.labels[1]!)] as const;
  const one = b.labelId.get(task.labels[1]!)!;
  const pulled = comap(
    theorem2Protocol(model, task.inputLength - 1, task.inputLength),
    (a: Bits) => alice(a, sigma, id),
    (i: number) => bob(i, id),
  );
  return mapOutput(pulled, (label) => (label === one ? 1 : 0));
}
