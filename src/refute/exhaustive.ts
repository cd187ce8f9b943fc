import { feed } from "../models/model.js";
import type { SearchResult } from "./outcome.js";
import { aliceIds, firstWrongQuery, messageKey, type SearchSpace } from "./search-space.js";

/**
 * Plain enumeration of every Alice input with a hash table of messages: each input is run from h_0. A repeated
 * message is a collision; otherwise Bob's queries are checked on every input. The caller bounds the family's size.
 */
export function exhaustiveSearch(space: SearchSpace): SearchResult {
  const { model, cut, choiceIds } = space;
  const stats = { runs: 0, steps: 0 };
  const seen = new Map<string, Uint8Array>();
  const choices = new Uint8Array(cut);
  const state = model.newState();
  const scratch = model.newState();
  let inputs = 0n;
  for (;;) {
    state.set(model.newState());
    feed(model, state, aliceIds(space, choices));
    stats.runs++;
    stats.steps += cut;
    const key = messageKey(space, state);
    const other = seen.get(key);
    if (other !== undefined) return { outcome: { kind: "collision", a: other, b: choices.slice() }, stats };
    seen.set(key, choices.slice());
    const position = firstWrongQuery(space, state, choices, scratch);
    stats.steps += space.queried.length;
    if (position >= 0) return { outcome: { kind: "wrong-answer", choices: choices.slice(), position }, stats };
    inputs += BigInt(space.queried.length);
    if (!nextChoice(choices, choiceIds)) return { outcome: { kind: "clean", mode: "exhaustive", inputs }, stats };
  }
}

/** Advance to the next Alice input in lexicographic order; false after the last. */
function nextChoice(choices: Uint8Array, choiceIds: readonly Int32Array[]): boolean {
  for (let t = choices.length - 1; t >= 0; t--) {
    if (choices[t]! + 1 < choiceIds[t]!.length) {
      choices[t]!++;
      return true;
    }
    choices[t] = 0;
  }
  return false;
}
