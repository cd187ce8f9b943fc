import { encodeState, feed } from "../../models/model.js";
import type { StateRepeat } from "../../reductions/dynamics.js";
import { taskFromParams } from "../../tasks/index.js";
import type { Task } from "../../tasks/task.js";
import { answerOf, nonFiniteLogits, type Finding } from "../finding.js";
import type { FeedName } from "../portfolio/feed.js";
import { checkRepeat } from "./check.js";
import type { Repeat } from "./orbit.js";

/** prefix 1^t as task tokens. */
export function onesAfter(prefix: readonly string[], t: number): string[] {
  return [...prefix, ...Array.from({ length: t }, () => "1")];
}

/** The task's answer on an input of any length: the same task (its parameters) at that input's n. */
export function answerAtLength(task: Task, input: readonly string[]): string {
  return taskFromParams(task.name, input.length, task.params).answer(input);
}

/**
 * A state-repeat collision, re-derived by running the model (the feed's word is not trusted): prefix 1^(t0) and
 * prefix 1^(t1), t1 - t0 = the period, reach one full state, so the model answers them alike; the task answers them
 * differently, so the model is wrong on one, `wrong` (0 or 1): the certificate's input, at its own length.
 */
export function stateRepeatCollision(
  arg: StateRepeat,
  prefix: readonly string[],
  ones: readonly [number, number],
  wrong: 0 | 1,
  repeat: Repeat,
  feedName: FeedName,
): Finding {
  const { model, binding, task } = arg;
  const inputs: [string[], string[]] = [onesAfter(prefix, ones[0]), onesAfter(prefix, ones[1])];
  const states = inputs.map((x) => encodeState(model, feed(model, model.newState(), binding.ids(x))));
  if (!states[0]!.equals(states[1]!))
    throw new Error("the period search reported a state repeat that the model does not reproduce");
  const why = checkRepeat(model, binding.ids(prefix), arg.one, repeat);
  if (why !== undefined) throw new Error(`the period search reported a repeat that does not hold: ${why}`);
  const input = inputs[wrong];
  const expected = answerAtLength(task, input);
  const answer = answerOf(model, binding, input);
  if (answer === expected || expected === answerAtLength(task, inputs[1 - wrong]!)) {
    throw new Error("a state repeat whose input the model answers rightly, or whose two inputs the task answers alike");
  }
  const nonFinite = nonFiniteLogits(model, binding, input);
  return {
    kind: "collision",
    input,
    expected,
    answer,
    feed: feedName,
    ...(input.length !== task.n && { n: input.length }),
    ...(nonFinite && { nonFinite }),
    theorem: arg.theorem.id,
    collision: {
      split: "end",
      inputs,
      transcriptBits: states[0]!.length,
      transcriptHex: states[0]!.toHex(),
      period: { prefix: [...prefix], start: repeat.start, length: repeat.length },
    },
  };
}
