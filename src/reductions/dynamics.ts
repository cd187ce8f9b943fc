import type { Model } from "../models/compile.js";
import type { RecurrentModel } from "../models/model.js";
import type { Task } from "../tasks/task.js";
import type { Binding } from "./bind.js";
import type { Theorem } from "./theorems.js";

/*
 * The finite-precision dynamics argument (Sarrof, Veitsman and Hahn 2024; Grazzi et al. 2024; ../shared/literature.md
 * note 1.1.5), as ccbound runs it. A recurrent model whose step does not read the position has finitely many states
 * at finite precision; fed one token over and over, its state is iterated by one map, so it is eventually periodic:
 * s_mu = s_(mu+P) (pigeonhole), and from then on the inputs w 1^t and w 1^(t+P) reach one state and get one answer
 * (determinism). A task that counts 1s modulo m answers them differently when m does not divide P: the model is wrong
 * on one of the two. That much holds for every such model; the theorems say when such a P must exist. This file
 * says which tasks and models the argument reads, and the table (applies.ts) says which theorem it may cite.
 */

/** The modulus m of a task whose answer is the number of 1s mod m (parity: 2), or undefined for any other task. */
export function countingModulus(task: Task): number | undefined {
  if (task.name === "parity") return 2;
  if (task.name === "mod-count") return task.params["modulus"];
  return undefined;
}

/** Whether a period P refutes counting mod m: w 1^t and w 1^(t+P) have numbers of 1s that differ by P. */
export function periodRefutes(modulus: number, period: number): boolean {
  return period % modulus !== 0;
}

/**
 * Why fixing the state fixes nothing about the answers to come (the argument does not apply), or undefined when the
 * model is a fixed-size state iterated by one map per token.
 */
export function notIterated(model: Model): string | undefined {
  if (model.kind === "transformer")
    return "a Transformer attends to every earlier position: it keeps no fixed-size state that one map iterates";
  if (!model.dynamics) return "the model does not say whether its step reads the position";
  if (!model.dynamics.timeInvariant)
    return "the model reads the position (position embeddings), so one token fed again and again is not one map iterated: the periodicity argument does not apply";
  return undefined;
}

/** Why a model is not a recurrence whose every layer is diagonal linear with non-negative a, or undefined if it is. */
export function outsideNonNegativeDiagonal(model: Model): string | undefined {
  const why = outsideDiagonal(model);
  if (why !== undefined) return why;
  for (const [l, layer] of (model as RecurrentModel).dynamics!.layers.entries()) {
    const negative = layer.diagonal?.negative;
    if (negative !== undefined) {
      return `a negative eigenvalue escapes it: layer ${l + 1}'s ${negative} is below 0, and the theorems cover non-negative diagonal transitions only (a gate a(x) in {-1, 1} computes parity)`;
    }
  }
  return undefined;
}

/** Why a model is not a recurrence whose every layer is diagonal linear (any real a), or undefined if it is. */
export function outsideDiagonal(model: Model): string | undefined {
  const why = notIterated(model);
  if (why !== undefined) return why;
  for (const [l, layer] of (model as RecurrentModel).dynamics!.layers.entries()) {
    if (layer.diagonal) continue;
    if (layer.cell === "dfa")
      return "a DFA's transition is an arbitrary table (two states compute parity): the theorems cover diagonal linear recurrences";
    return `layer ${l + 1} (${layer.cell}) has a transition that is not h' = a ⊙ h + u(x): the theorems cover diagonal linear recurrences (nonlinear RNNs count modulo m at finite precision)`;
  }
  return undefined;
}

/**
 * The state-repeat argument on one model and one counting task: the token to repeat ("1"; "0" starts a second orbit
 * when the first does not err at the asked length), and what a certificate cites. `guaranteed` when `theorem` is a
 * lower bound whose scope holds for this model: an error must then exist at some length (see applies.ts).
 */
export interface StateRepeat {
  readonly theorem: Theorem;
  readonly guaranteed: boolean;
  readonly model: RecurrentModel;
  readonly task: Task;
  readonly binding: Binding;
  /** m: the task answers the number of 1s mod m. */
  readonly modulus: number;
  /** Token ids of "1" and "0" in the model's vocabulary. */
  readonly one: number;
  readonly zero: number;
  /** The full state's size in bits: every value of every layer (pigeonhole repeats it within 2^stateBits + 1 states). */
  readonly stateBits: number;
}
