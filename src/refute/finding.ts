import { run } from "../cc/protocol.js";
import { sameTranscript, transcriptBits, type Transcript } from "../cc/transcript.js";
import type { Model } from "../models/compile.js";
import { greedyDecode } from "../models/decode.js";
import { feed, forward } from "../models/model.js";
import type { CcReduction, OneWayReduction, TwoWayReduction } from "../reductions/applies.js";
import type { Binding } from "../reductions/bind.js";
import { tokensOf } from "../reductions/split.js";
import type { Task } from "../tasks/task.js";
import type { FeedName } from "./portfolio/feed.js";

/** How a logit that is not a number is written (String(x) of NaN and the infinities). */
export type NonFinite = "NaN" | "Infinity" | "-Infinity";

/**
 * Two inputs on which the model's protocol at a split sends one transcript. A state repeat is the split "end"
 * (Alice holds every token, Bob none: the transcript is the full state after the last token), of two inputs of
 * different lengths, with the orbit they come from.
 */
export interface Collision {
  /** The split as --split names it: a cut K (Alice holds the first K tokens), "odd-even", or "end" (a state repeat). */
  readonly split: string;
  readonly inputs: readonly [string[], string[]];
  readonly transcriptBits: number;
  readonly transcriptHex: string;
  /** A state repeat's orbit: the states of prefix 1^t first repeat at t = start, with least period `length`. */
  readonly period?: Period;
}

/** Where a state repeat comes from: the inputs are prefix 1^t and prefix 1^(t+length), t >= start. */
export interface Period {
  readonly prefix: readonly string[];
  readonly start: number;
  readonly length: number;
}

interface FindingBase {
  /** An input on which the model is wrong: the task answers `expected`, the model `answer`. */
  readonly input: string[];
  readonly expected: string;
  readonly answer: string;
  /** The feed of the search that found it. */
  readonly feed: FeedName;
  /**
   * The task's n the input is an instance of, when it is not the searched task's: a state repeat is certified at a
   * length where the model errs, which may differ from the asked n (the certificate is then at this n).
   */
  readonly n?: number;
  /**
   * The labels whose logits on the input are NaN or infinite (the forward pass overflowed), as "NaN", "Infinity" or
   * "-Infinity": the answer is then argmax's choice among what is left (NaN never wins; docs/security.md).
   */
  readonly nonFinite?: Readonly<Record<string, NonFinite>>;
}

/**
 * What a search found, of one of two kinds. A wrong answer is a plain counterexample and cites no theorem. A
 * collision is two inputs with one transcript of the theorem's protocol, and an input of their rectangle (one of
 * them, or Alice's part of one with Bob's part of the other) that the protocol, hence the model, must answer as it
 * answers them though the task does not: the theorem's argument, run on this model.
 */
export type Finding =
  | (FindingBase & { readonly kind: "wrong-answer" })
  | (FindingBase & { readonly kind: "collision"; readonly theorem: string; readonly collision: Collision });

/**
 * The model's answer on an input, whatever the architecture: one forward pass's label, or for a task whose answer is
 * a sequence, the labels of greedy decoding (src/models/decode.ts) joined by single spaces.
 */
export function answerOf(model: Model, binding: Binding, input: readonly string[]): string {
  const ids = binding.ids(input);
  if (binding.answerTokens > 1)
    return greedyDecode(model, ids, binding.answerTokens)
      .map((l) => model.labels[l]!)
      .join(" ");
  return model.labels[model.kind === "transformer" ? model.forward(ids) : forward(model, ids)]!;
}

/** A plain wrong answer, re-derived by one forward pass (a feed's report of it is not trusted). */
export function wrongAnswer(model: Model, binding: Binding, task: Task, input: string[], feed: FeedName): Finding {
  const expected = task.answer(input);
  const answer = answerOf(model, binding, input);
  if (answer === expected)
    throw new Error(`the ${feed} feed reported a wrong answer that a forward pass does not give`);
  const nonFinite = nonFiniteLogits(model, binding, input);
  return { kind: "wrong-answer", input, expected, answer, feed, ...(nonFinite && { nonFinite }) };
}

/** The model's logits on an input (a copy). */
export function logitsOf(model: Model, binding: Binding, input: readonly string[]): Float64Array {
  const ids = binding.ids(input);
  const logits = model.kind === "transformer" ? model.logits(ids) : model.logits(feed(model, model.newState(), ids));
  return Float64Array.from(logits);
}

/** The labels whose logits on an input are not finite, or undefined when all are. */
export function nonFiniteLogits(
  model: Model,
  binding: Binding,
  input: readonly string[],
): Record<string, NonFinite> | undefined {
  const logits = Array.from(logitsOf(model, binding, input), (v, i) => [model.labels[i]!, v] as const);
  const bad = logits.filter(([, v]) => !Number.isFinite(v));
  return bad.length === 0 ? undefined : Object.fromEntries(bad.map(([label, v]) => [label, String(v) as NonFinite]));
}

/**
 * Theorem 2's one-way collision: two of Alice's strings with one message, completed by Bob's query for the first
 * position where they differ. Their answers must differ, so the model is wrong on one of them: that one is the input.
 */
export function oneWayCollision(
  r: OneWayReduction,
  a: readonly string[],
  b: readonly string[],
  feed: FeedName,
): Finding {
  const query = r.family.query(firstDifference(a, b));
  return pairCollision(
    r,
    [
      [...a, ...query],
      [...b, ...query],
    ],
    feed,
  );
}

/**
 * A two-way collision: fooling-set elements i and j with one transcript; the crossed input gets that transcript
 * too (rectangles), hence the elements' answer, which the task contradicts. Re-derived by running the protocol.
 */
export function twoWayCollision(r: TwoWayReduction, i: bigint, j: bigint, feed: FeedName): Finding {
  // A one-way family at a split that is not a cut (induction heads): elements i and j with Bob's query where their
  // strings differ, whose one transcript is checked on the two inputs themselves.
  if (r.family.queried) return pairCollision(r, r.family.queried(i, j), feed);
  const input = r.family.crossed(i, j);
  const expected = r.task.answer(input);
  const answer = answerOf(r.model, r.binding, input);
  if (answer === expected) {
    throw new Error("a transcript collision whose crossed input the model answers right: the protocol is not faithful");
  }
  const inputs: [string[], string[]] = [r.family.element(i), r.family.element(j)];
  const shared = sharedTranscript(r, inputs);
  const nonFinite = nonFiniteLogits(r.model, r.binding, input);
  return {
    kind: "collision",
    input,
    expected,
    answer,
    feed,
    ...(nonFinite && { nonFinite }),
    theorem: r.theorem.id,
    collision: collisionOf(r, inputs, shared),
  };
}

/**
 * Two inputs that send one transcript (re-run here, not assumed) get one answer; the task's answers differ, so the
 * model is wrong on one of them, found by a forward pass: that one is the finding's input.
 */
function pairCollision(r: CcReduction, inputs: [string[], string[]], feed: FeedName): Finding {
  const shared = sharedTranscript(r, inputs);
  const judged = inputs.map((input) => ({
    expected: r.task.answer(input),
    answer: answerOf(r.model, r.binding, input),
  }));
  const wrong = judged[0]!.answer !== judged[0]!.expected ? 0 : 1;
  if (judged[wrong]!.answer === judged[wrong]!.expected) {
    throw new Error("two inputs with one transcript are both answered rightly: the protocol is not faithful");
  }
  const nonFinite = nonFiniteLogits(r.model, r.binding, inputs[wrong]!);
  return {
    kind: "collision",
    input: inputs[wrong]!,
    ...judged[wrong]!,
    feed,
    ...(nonFinite && { nonFinite }),
    theorem: r.theorem.id,
    collision: collisionOf(r, inputs, shared),
  };
}

/** The protocol's transcript on both inputs, which must be one. */
function sharedTranscript(r: CcReduction, inputs: readonly (readonly string[])[]): Transcript {
  const runs = inputs.map((tokens) => runAt(r, tokens));
  if (!sameTranscript(runs[0]!.transcript, runs[1]!.transcript)) {
    throw new Error("the search reported a collision that the protocol does not reproduce");
  }
  return runs[0]!.transcript;
}

/** The reduction's protocol on a whole input given as task tokens. */
export function runAt(r: CcReduction, tokens: readonly string[]) {
  const ids = r.binding.ids(tokens);
  return run(r.protocol, tokensOf(ids, r.split.alice), tokensOf(ids, r.split.bob));
}

function collisionOf(r: CcReduction, inputs: [string[], string[]], transcript: Transcript): Collision {
  const bits = transcriptBits(transcript);
  return { split: r.split.name, inputs, transcriptBits: bits.length, transcriptHex: bits.toHex() };
}

function firstDifference(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  throw new RangeError("the two strings are equal");
}
