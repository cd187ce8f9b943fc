import { feed } from "../models/model.js";
import { Counter, type ProgressListener, type SearchOutcome } from "./outcome.js";
import { aliceIds, firstWrongQuery, messageKey, type SearchSpace } from "./search-space.js";

/**
 * One Alice input at a time, each run from h_0: hash its message against every earlier one (a repeat from another
 * input is a collision), then check Bob's queries on its state. Shared by the exhaustive and the sampled search.
 */
export class MessageTable {
  readonly stats: Counter;
  private readonly seen = new Map<string, Uint8Array>();
  private readonly state: Float64Array;
  private readonly scratch: Float64Array;

  constructor(
    private readonly space: SearchSpace,
    progress?: ProgressListener,
  ) {
    this.stats = new Counter(progress);
    this.state = space.model.newState();
    this.scratch = space.model.newState();
  }

  /** What this input shows, or undefined when it is consistent with everything so far. Keeps a copy of `choices`. */
  examine(choices: Uint8Array): SearchOutcome | undefined {
    const { space, state, stats } = this;
    state.set(space.model.newState());
    feed(space.model, state, aliceIds(space, choices));
    stats.run(space.cut);
    const key = messageKey(space, state);
    const other = this.seen.get(key);
    if (other !== undefined && !other.every((c, t) => c === choices[t]))
      return { kind: "collision", a: other, b: choices.slice() };
    this.seen.set(key, choices.slice());
    const position = firstWrongQuery(space, state, choices, this.scratch);
    stats.steps += space.queried.length;
    return position >= 0 ? { kind: "wrong-answer", choices: choices.slice(), position } : undefined;
  }
}
