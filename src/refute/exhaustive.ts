import { MessageTable } from "./examine.js";
import type { ProgressListener, SearchResult } from "./outcome.js";
import type { SearchSpace } from "./search-space.js";

/**
 * Plain enumeration of every Alice input with a hash table of messages: each input is run from h_0. A repeated
 * message is a collision; otherwise Bob's queries are checked on every input. The caller bounds the family's size.
 */
export function exhaustiveSearch(space: SearchSpace, progress?: ProgressListener): SearchResult {
  const table = new MessageTable(space, progress);
  const choices = new Uint8Array(space.cut);
  let inputs = 0n;
  do {
    const found = table.examine(choices);
    if (found) return { outcome: found, stats: table.stats.snapshot() };
    inputs += BigInt(space.queried.length);
  } while (nextChoice(choices, space.choiceIds));
  return { outcome: { kind: "clean", mode: "exhaustive", inputs }, stats: table.stats.snapshot() };
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
