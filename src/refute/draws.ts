import { Rng } from "../random.js";
import { subkey } from "./rho/keyed-hash.js";

/*
 * Seeded draws that any worker or shard job can make on its own: draw k of a feed is a function of the seed, the
 * feed's stream and k (Rng.keyed), never of a generator's position after k - 1 other draws.
 */

/** The seed's independent streams, one per feed that draws (tags of keyed-hash's subkey). */
export const STREAM = { probe: 101, crossed: 102 } as const;

/** The generator of draw k of a stream. */
export function drawRng(seed: number, stream: number, k: number): Rng {
  return Rng.keyed(subkey(seed, stream), k);
}

/** Uniform in [0, size) from 32-bit draws, by rejection. */
export function randomBelow(rng: Rng, size: bigint): bigint {
  if (size <= 2n ** 32n) return BigInt(rng.int(Number(size)));
  const words = Math.ceil(size.toString(2).length / 32);
  const top = 1n << BigInt(32 * words);
  const limit = top - (top % size);
  for (;;) {
    let x = 0n;
    for (let w = 0; w < words; w++) x = (x << 32n) | BigInt(rng.uint32());
    if (x < limit) return x % size;
  }
}
