import { Rng } from "../random.js";
import { MessageTable } from "./examine.js";
import type { ProgressListener, SearchResult } from "./outcome.js";
import type { SearchSpace } from "./search-space.js";

/**
 * Seeded random sampling of Alice inputs for families too large to walk: hash every message, so a repeated message
 * (birthday: about 2^(c/2) samples for c-bit messages spread out) is a collision, and check Bob's queries on each.
 */
export function sampleSearch(
  space: SearchSpace,
  samples: number,
  seed: number,
  progress?: ProgressListener,
): SearchResult {
  const rng = new Rng(seed);
  const table = new MessageTable(space, progress);
  for (let r = 0; r < samples; r++) {
    const choices = Uint8Array.from(space.choiceIds, (ids) => (ids.length === 1 ? 0 : rng.int(ids.length)));
    const found = table.examine(choices);
    if (found) return { outcome: found, stats: table.stats.snapshot() };
  }
  return { outcome: { kind: "clean", mode: "sampled", samples }, stats: table.stats.snapshot() };
}
