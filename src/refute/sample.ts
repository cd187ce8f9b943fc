import { feed } from "../models/model.js";
import { Rng } from "../random.js";
import type { SearchResult } from "./outcome.js";
import { aliceIds, firstWrongQuery, messageKey, type SearchSpace } from "./search-space.js";

/**
 * Seeded random sampling of Alice inputs for families too large to walk: hash every message, so a repeated message
 * (birthday: about 2^(c/2) samples for c-bit messages spread out) is a collision, and check Bob's queries on each.
 */
export function sampleSearch(space: SearchSpace, samples: number, seed: number): SearchResult {
  const { model, cut, choiceIds } = space;
  const rng = new Rng(seed);
  const stats = { runs: 0, steps: 0 };
  const seen = new Map<string, Uint8Array>();
  const state = model.newState();
  const scratch = model.newState();
  for (let r = 0; r < samples; r++) {
    const choices = Uint8Array.from(choiceIds, (ids) => (ids.length === 1 ? 0 : rng.int(ids.length)));
    state.set(model.newState());
    feed(model, state, aliceIds(space, choices));
    stats.runs++;
    stats.steps += cut;
    const key = messageKey(space, state);
    const other = seen.get(key);
    if (other !== undefined && !sameChoices(other, choices)) return { outcome: { kind: "collision", a: other, b: choices }, stats };
    seen.set(key, choices);
    const position = firstWrongQuery(space, state, choices, scratch);
    stats.steps += space.queried.length;
    if (position >= 0) return { outcome: { kind: "wrong-answer", choices, position }, stats };
  }
  return { outcome: { kind: "clean", mode: "sampled", samples }, stats };
}

function sameChoices(a: Uint8Array, b: Uint8Array): boolean {
  return a.every((x, i) => x === b[i]);
}
