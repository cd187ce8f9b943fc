import { compositionQuery, QUESTION } from "../tasks/function-composition.js";
import type { Task } from "../tasks/task.js";
import type { OneWayFamily } from "./one-way-family.js";

/**
 * The one-way reduction for function composition (Peng, Narayanan and Papadimitriou 2024): Alice holds g's table
 * (the first n tokens), Bob holds f's table, the query and "?". With f fixed to the identity, Bob's "qx ?" asks for
 * f(g(x)) = g(x), the token Alice has at position x: INDEX over an alphabet of n symbols, so Alice's n^n tables must
 * leave distinct messages, ⌈n log2 n⌉ bits. Two tables with one message that differ at x get one answer to "qx ?" with
 * two different right answers. The family fixes f, so it does not cover the task.
 */
export function compositionFamily(task: Task): OneWayFamily {
  const identity = task.labels.slice();
  return {
    theorem: "composition-rnn",
    task,
    choices: Array.from({ length: task.n }, () => task.labels),
    query: (x) => [...identity, compositionQuery(x), QUESTION],
    coversTask: false,
  };
}
