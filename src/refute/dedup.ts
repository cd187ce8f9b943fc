import { Counter, type ProgressListener, type SearchResult } from "./outcome.js";
import { firstWrongQuery, messageKey, type SearchSpace } from "./search-space.js";

/**
 * State-deduplicating search. Walk Alice's positions one at a time and keep one prefix per distinct state (message):
 * the work grows with the number of distinct states, not with |alphabet|^N. Two prefixes that reach one state are a
 * collision (they differ somewhere, and every continuation, including Bob's query for that position, treats them
 * alike). If the walk ends without one, every Alice input has a state of its own, and checking Bob's queries on each
 * final state checks every input of the family: an exhaustive verdict.
 * Gives up after `maxRuns` messages (prefix states) without a verdict; that also bounds the memory it keeps.
 */
export function dedupSearch(space: SearchSpace, maxRuns: number, progress?: ProgressListener): SearchResult {
  const { model, cut, choiceIds } = space;
  const stats = new Counter(progress);
  let states: Float64Array[] = [model.newState()];
  let prefixes: Uint8Array[] = [new Uint8Array(cut)];

  for (let t = 0; t < cut; t++) {
    const ids = choiceIds[t]!;
    const seen = new Map<string, number>();
    const nextStates: Float64Array[] = [];
    const nextPrefixes: Uint8Array[] = [];
    for (let e = 0; e < states.length; e++) {
      for (let c = 0; c < ids.length; c++) {
        if (stats.runs >= maxRuns) {
          const reason = `the budget of ${maxRuns} protocol runs ran out at position ${t + 1} of ${cut}, with no two prefixes in one state so far`;
          return { outcome: { kind: "gave-up", reason }, stats: stats.snapshot() };
        }
        const state = states[e]!.slice();
        model.step(state, ids[c]!);
        stats.run(1);
        const prefix = prefixes[e]!.slice();
        prefix[t] = c;
        const key = messageKey(space, state);
        const other = seen.get(key);
        // Positions after t are 0 in both prefixes: one shared continuation keeps the states equal.
        if (other !== undefined) return { outcome: { kind: "collision", a: nextPrefixes[other]!, b: prefix }, stats: stats.snapshot() };
        seen.set(key, nextStates.length);
        nextStates.push(state);
        nextPrefixes.push(prefix);
      }
    }
    states = nextStates;
    prefixes = nextPrefixes;
  }

  const scratch = model.newState();
  for (let e = 0; e < states.length; e++) {
    const position = firstWrongQuery(space, states[e]!, prefixes[e]!, scratch);
    stats.steps += space.queried.length;
    if (position >= 0) return { outcome: { kind: "wrong-answer", choices: prefixes[e]!, position }, stats: stats.snapshot() };
  }
  return { outcome: { kind: "clean", mode: "exhaustive", inputs: BigInt(states.length) * BigInt(space.queried.length) }, stats: stats.snapshot() };
}
