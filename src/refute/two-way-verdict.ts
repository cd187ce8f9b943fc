import { sameTranscript, transcriptBits } from "../cc/transcript.js";
import type { Model } from "../models/compile.js";
import { forward } from "../models/model.js";
import type { Binding } from "../reductions/bind.js";
import type { TwoWayFamily } from "../reductions/two-way-family.js";
import type { Finding } from "./finding.js";
import { runOn, type FoolingOutcome, type SplitProtocol } from "./fooling-search.js";
import type { RhoReport } from "./rho-sequencer.js";
import { SWEEP_LIMIT } from "./sweep.js";
import type { TwoWayPlan } from "./two-way-plan.js";
import type { Verdict } from "./verdict.js";

/** What a two-way search found and what it cost, before it becomes a verdict (the same for every way of running it). */
export interface TwoWayResult {
  readonly outcome: FoolingOutcome;
  readonly runs: number;
  readonly rho?: RhoReport;
}

/** The verdict of a plan's search: a finding re-derived by running the protocol, or why there is none. */
export function twoWayVerdict(plan: TwoWayPlan, result: TwoWayResult): Verdict {
  const { model, family, binding, protocol } = plan.ctx;
  const { outcome, runs } = result;
  const base = {
    ...plan.base,
    strategy: plan.strategy,
    stats: { runs, steps: runs * family.split.n },
    ...(result.rho && { rho: result.rho }),
  };
  switch (outcome.kind) {
    case "wrong-answer": {
      const input = family.element(outcome.element);
      return {
        ...base,
        kind: "refuted",
        finding: { input, expected: family.value, answer: answerOf(model, binding, input) },
      };
    }
    case "collision":
      return {
        ...base,
        kind: "refuted",
        finding: collisionFinding(model, family, binding, protocol, outcome.a, outcome.b),
      };
    case "clean":
      return cleanVerdict(base, model, family, binding, outcome.mode, outcome.elements);
    case "gave-up":
      return { ...base, kind: "inconclusive", reason: outcome.reason };
  }
}

/** The model's label on an input: one forward pass, whatever the architecture. */
export function answerOf(model: Model, binding: Binding, input: readonly string[]): string {
  const ids = binding.ids(input);
  return model.labels[model.kind === "transformer" ? model.forward(ids) : forward(model, ids)]!;
}

/**
 * Two elements with one transcript: the crossed input gets that transcript too, hence the elements' answer, which is
 * wrong there. Re-derived by running the protocol, not taken from the search. For a recurrent model the collision is
 * written one-way (the second element and the crossed input share Bob's half), as Theorem 2's verifier expects.
 */
function collisionFinding(
  model: Model,
  family: TwoWayFamily,
  binding: Binding,
  protocol: SplitProtocol,
  a: bigint,
  b: bigint,
): Finding {
  const input = family.crossed(a, b);
  const expected = family.task.answer(input);
  const answer = answerOf(model, binding, input);
  if (answer === expected)
    throw new Error("a transcript collision whose crossed input the model answers right: the protocol is not faithful");
  const [first, second] = [family.element(a), family.element(b)];
  // One-way: the element that gave the crossed input its Bob part (DISJ crosses either way round), then the input.
  const bobPart = (tokens: readonly string[]) => tokens.slice(family.split.alice.length).join(" ");
  const pair: [string[], string[]] =
    model.kind === "transformer" ? [first, second] : [bobPart(second) === bobPart(input) ? second : first, input];
  const runs = pair.map((tokens) => runOn(protocol, family, binding, tokens));
  if (!sameTranscript(runs[0]!.transcript, runs[1]!.transcript))
    throw new Error("search reported a collision that the protocol does not reproduce");
  const shared = transcriptBits(runs[0]!.transcript);
  const where = model.kind === "transformer" ? { split: family.split.name } : { cut: family.split.alice.length };
  return {
    input,
    expected,
    answer,
    collision: { ...where, inputs: pair, transcriptBits: shared.length, transcriptHex: shared.toHex() },
  };
}

type Base = Omit<Extract<Verdict, { kind: "inconclusive" }>, "kind" | "reason">;

/**
 * No collision and no error on the fooling set. Exhaustively: every element has its own transcript, so the protocol
 * is at least as long as the bound; small tasks are then swept input by input. Sampled: below the bound an error
 * must exist, so the verdict is inconclusive.
 */
function cleanVerdict(
  base: Base,
  model: Model,
  family: TwoWayFamily,
  binding: Binding,
  mode: "exhaustive" | "sampled",
  elements: number,
): Verdict {
  if (mode === "sampled") {
    if (base.messageBits < base.requiredBits) {
      return {
        ...base,
        kind: "inconclusive",
        reason: `${base.theorem.name} guarantees an error (${base.messageBits} bits < ${base.requiredBits}), but ${elements} sampled fooling-set elements found none; raise --budget`,
      };
    }
    return { ...base, kind: "survived", mode: "sampled", samples: elements };
  }
  const taskInputs = family.task.count();
  if (taskInputs > SWEEP_LIMIT)
    return { ...base, kind: "survived", mode: "exhaustive", scope: "family", inputs: BigInt(elements), taskInputs };
  for (const input of family.task.enumerate()) {
    const answer = answerOf(model, binding, input);
    const expected = family.task.answer(input);
    if (answer !== expected)
      return { ...base, strategy: `${base.strategy}+sweep`, kind: "refuted", finding: { input, expected, answer } };
  }
  return {
    ...base,
    strategy: `${base.strategy}+sweep`,
    kind: "survived",
    mode: "exhaustive",
    scope: "task",
    inputs: taskInputs,
    taskInputs,
  };
}
