/**
 * Small recurrent models whose dynamics on 1 1 1 ... are known by construction: the fixtures and examples of the
 * parity and modular-counting results (proofs/sarrof-parity.md, grazzi-modcount.md, state-repeat.md), each over the
 * vocabulary "0" "1".
 */
import { alphabet } from "../tasks/task.js";
import type { DfaModelSpec, RecurrentModelSpec } from "./spec.js";

const BITS = ["0", "1"];

/**
 * A DFA whose state on 1^t walks a lasso: states 0, 1, ..., tail + period - 1 in turn, then back to state `tail`,
 * so the orbit of "1" first repeats at t = tail with least period `period`; "0" keeps the state. State s answers
 * s mod m (labels "0".."m-1"): with tail 0 and period m it counts 1s mod m exactly at every length; with period 1
 * it counts exactly up to `tail` ones and then stops counting.
 */
export function orbitDfa(o: { tail: number; period: number; modulus: number }): DfaModelSpec {
  const states = o.tail + o.period;
  return {
    ccbound: "model",
    version: 1,
    name: `lasso DFA: tail ${o.tail}, period ${o.period}, answers mod ${o.modulus}`,
    description: `on 1 1 1 ... the state first repeats after ${o.tail} ones with period ${o.period}; 0 keeps the state`,
    arch: "dfa",
    vocab: [...BITS],
    labels: alphabet(o.modulus),
    states,
    start: 0,
    transitions: Array.from({ length: states }, (_, s) => [s, s + 1 < states ? s + 1 : o.tail]),
    output: Array.from({ length: states }, (_, s) => s % o.modulus),
  };
}

/**
 * Parity by a ReLU Elman network of two units, exactly, in any number format that holds 0, 1/2 and 1: with
 * p = h1 + h2, h1' = relu(x - p) and h2' = relu(p - x), so p' = |x - p| = x XOR p. A nonlinear transition: outside
 * the theorems' scope, and right at every length.
 */
export function parityElman(format: string): RecurrentModelSpec {
  return {
    ccbound: "model",
    version: 1,
    name: "parity by a two-unit ReLU Elman network",
    description: "p = h1 + h2 is the parity so far: h1' = relu(x - p), h2' = relu(p - x)",
    vocab: [...BITS],
    labels: [...BITS],
    arch: "recurrent",
    format,
    embedding: [[0], [1]],
    layers: [
      {
        cell: "elman",
        nonlinearity: "relu",
        hidden: 2,
        weight_ih: [[1], [-1]],
        weight_hh: [
          [-1, -1],
          [1, 1],
        ],
        bias_ih: [0, 0],
        bias_hh: [0, 0],
      },
    ],
    // Logits 1/2 for "0" and p for "1".
    head: {
      weight: [
        [0, 0],
        [1, 1],
      ],
      bias: [0.5, 0],
    },
  };
}

/**
 * One diagonal linear unit with a = -1: h' = -h + x/2, so on 1^t the state alternates 0, 1/2, 0, ... (period 2)
 * and the head answers t mod 2 on every 1^t (labels "0".."m-1"; the others never win). A negative eigenvalue:
 * outside the parity theorem's scope, and its constant-input orbit refutes nothing for parity, though it does for
 * m >= 3. It is still not a parity model: a = -1 flips the state on a 0 too, so it errs on inputs with 0s (a
 * time-invariant a cannot flip on 1 and keep on 0; an input-dependent gate a(x) in {-1, 1} could).
 */
export function flipLinear(format: string, modulus = 2): RecurrentModelSpec {
  const labels = alphabet(modulus);
  return {
    ccbound: "model",
    version: 1,
    name: "one linear unit with a = -1",
    description: "h' = -h + x/2: on 1^t the state is 0, 1/2, 0, 1/2, ...",
    vocab: [...BITS],
    labels,
    arch: "recurrent",
    format,
    embedding: [[0], [1]],
    layers: [{ cell: "linear", hidden: 1, a: [-1], b: [[0.5]], bias: [0] }],
    // Logits 1/4 for "0", h for "1", -1 for the rest.
    head: {
      weight: labels.map((l) => [l === "1" ? 1 : 0]),
      bias: labels.map((l) => (l === "0" ? 0.25 : l === "1" ? 0 : -1)),
    },
  };
}

/** The same recurrent model with every linear layer's a replaced by |a|: a model in the parity theorem's scope. */
export function nonNegative(spec: RecurrentModelSpec): RecurrentModelSpec {
  return {
    ...spec,
    name: `${spec.name}, |a|`,
    layers: spec.layers.map((l) => (l.cell === "linear" ? { ...l, a: l.a.map((v) => Math.abs(v)) } : l)),
  };
}
