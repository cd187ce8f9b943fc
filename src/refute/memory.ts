import type { SearchSpace } from "./search-space.js";

/** The most memory a search may plan to keep. The machine this is built for has 24 GiB. */
export const MEMORY_LIMIT = 8 * 2 ** 30;

/**
 * Bytes a search keeps per protocol run, an over-estimate from what it stores: the message's key (hex, one byte a
 * character) with its Map entry, and the dedup walk's state (8 bytes a value and a typed array's overhead) or the
 * sampled and exhaustive searches' copy of Alice's choices (a byte a position). Measured: a float32 LSTM with 128
 * state values peaked at 2.0 GB for 2^20 dedup runs; this says 2.4 GB.
 */
export function bytesPerRun(space: SearchSpace, strategy: "dedup" | "table"): number {
  const key = Math.ceil((space.model.stateUnits * space.model.unitBits) / 4) + 64;
  const kept = strategy === "dedup" ? 8 * space.model.stateUnits + 200 : space.cut + 200;
  return key + kept + 64;
}
