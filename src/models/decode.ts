import type { Model } from "./compile.js";
import { feed, type RecurrentModel } from "./model.js";

/*
 * Greedy decoding (docs/semantics.md, "Greedy decoding"), in one place for every architecture: after the input, the
 * model's output is the label of the argmax of its logits (the first maximum on ties: the lowest index; NaN never
 * wins), that label is read as a token of the model's vocabulary and fed back, and so on for `steps` outputs. A task
 * whose answer is a sequence (copy) is answered this way; a task whose answer is one label is the case steps = 1.
 */

/** For each label index, the vocabulary id of the token with the same name, or -1 when the vocabulary has none. */
export function feedbackIds(model: {
  readonly vocab: readonly string[];
  readonly labels: readonly string[];
}): Int32Array {
  const id = new Map(model.vocab.map((t, i) => [t, i] as const));
  return Int32Array.from(model.labels, (label) => id.get(label) ?? -1);
}

const FEEDBACK = new WeakMap<Model, Int32Array>();
/** feedbackIds of a compiled model, made once: its vocabulary and labels never change, and decoding is a hot path. */
function feedbackOf(model: Model): Int32Array {
  let ids = FEEDBACK.get(model);
  if (!ids) FEEDBACK.set(model, (ids = feedbackIds(model)));
  return ids;
}

/**
 * The `steps` label indices a model decodes greedily after `tokens`. Every output but the last is fed back, so its
 * label must be a token of the vocabulary: a label that is not is a RangeError (a bound task's labels are its tokens).
 */
export function greedyDecode(model: Model, tokens: ArrayLike<number>, steps: number): number[] {
  if (model.kind === "recurrent") {
    const state = feed(model, model.newState(), tokens);
    return decodeFrom(model, state, tokens.length, steps);
  }
  const feedback = feedbackOf(model);
  const ids = Array.from(tokens);
  const out: number[] = [];
  for (let s = 0; s < steps; s++) {
    const label = model.forward(ids);
    out.push(label);
    if (s + 1 < steps) ids.push(fedBack(model, feedback, label));
  }
  return out;
}

/**
 * Greedy decoding of a recurrent model from a state (in place): the state after the tokens before `position`. What a
 * protocol's Bob computes from Alice's message and his own tokens, and what the one-way search checks at each string.
 * `stop`, when given, is asked after each output and ends the decoding early when it says so (the outputs so far).
 */
export function decodeFrom(
  model: RecurrentModel,
  state: Float64Array,
  position: number,
  steps: number,
  stop?: (step: number, label: number) => boolean,
): number[] {
  const feedback = feedbackOf(model);
  const out: number[] = [];
  for (let s = 0; s < steps; s++) {
    const label = model.readout(state);
    out.push(label);
    if (stop?.(s, label)) break;
    if (s + 1 < steps) model.step(state, fedBack(model, feedback, label), position + s);
  }
  return out;
}

function fedBack(model: Model, feedback: Int32Array, label: number): number {
  const id = feedback[label]!;
  if (id < 0)
    throw new RangeError(`label "${model.labels[label]}" is not a token of the vocabulary: it cannot be fed back`);
  return id;
}
