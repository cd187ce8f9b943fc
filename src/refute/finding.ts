import { run } from "../cc/protocol.js";
import { sameTranscript, transcriptBits } from "../cc/transcript.js";
import { forward } from "../models/model.js";
import { theorem2Protocol } from "../reductions/theorem2.js";
import type { SearchOutcome } from "./outcome.js";
import { aliceTokens, firstDifference, type SearchSpace } from "./search-space.js";

/** An input on which the model is wrong, and the collision that exposed it when there was one. */
export interface Finding {
  readonly input: string[];
  readonly expected: string;
  readonly answer: string;
  readonly collision?: {
    /** Alice holds tokens [0, cut): Theorem 2's one-way collision (the inputs share Bob's part). */
    readonly cut?: number;
    /** Or the split ("K" or "odd-even") of Theorem 4's two-way collision: two fooling-set elements, one transcript. */
    readonly split?: string;
    readonly inputs: readonly [string[], string[]];
    readonly transcriptBits: number;
    readonly transcriptHex: string;
  };
}

/** The model's answer on tokens, and the task's. */
export function judge(space: SearchSpace, input: string[]): { expected: string; answer: string } {
  return {
    expected: space.family.task.answer(input),
    answer: space.model.labels[forward(space.model, space.binding.ids(input))]!,
  };
}

export function findingOf(space: SearchSpace, outcome: SearchOutcome): Finding | undefined {
  switch (outcome.kind) {
    case "wrong-answer": {
      const input = [...aliceTokens(space, outcome.choices), ...space.family.query(outcome.position)];
      return { input, ...judge(space, input) };
    }
    case "collision":
      return collisionFinding(space, outcome.a, outcome.b);
    default:
      return undefined;
  }
}

/**
 * Two Alice inputs with one message, completed by Bob's query for the first position where they differ. The shared
 * transcript is re-derived by running Theorem 2's protocol on both inputs, not taken from the search.
 */
function collisionFinding(space: SearchSpace, a: Uint8Array, b: Uint8Array): Finding {
  const query = space.family.query(firstDifference(a, b));
  const inputs: [string[], string[]] = [
    [...aliceTokens(space, a), ...query],
    [...aliceTokens(space, b), ...query],
  ];
  const protocol = theorem2Protocol(space.model, space.cut);
  const runs = inputs.map((input) =>
    run(protocol, space.binding.ids(input.slice(0, space.cut)), space.binding.ids(query)),
  );
  if (!sameTranscript(runs[0]!.transcript, runs[1]!.transcript))
    throw new Error("search reported a collision that the protocol does not reproduce");
  const judged = inputs.map((input) => judge(space, input));
  // One answer for both, two different expected answers: at least one is wrong.
  const wrong = judged[0]!.answer !== judged[0]!.expected ? 0 : 1;
  const shared = transcriptBits(runs[0]!.transcript);
  return {
    input: inputs[wrong],
    ...judged[wrong]!,
    collision: { cut: space.cut, inputs, transcriptBits: shared.length, transcriptHex: shared.toHex() },
  };
}
