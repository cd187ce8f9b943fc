/*
 * Keyed, counter-based hashing for the searches that must give one answer however their work is split: a value is
 * a function of (key, inputs) only, never of a generator's position, so trail j of a walk or block b of a shard
 * can be computed by any worker or job. 32-bit arithmetic only (Math.imul), no allocation. Not cryptographic: it
 * spreads transcripts over walk points; a collision it reports is always re-checked on the exact transcripts.
 */

/** murmur3's 32-bit finaliser: every input bit affects every output bit. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** One word into a running murmur3 state. */
export function absorb(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** A 32-bit pseudo-random function of a key and two words. */
export function prf(key: number, a: number, b: number): number {
  return fmix32(absorb(absorb(key, a), b) ^ 8);
}

/** Keys for independent uses of one seed (a different tag for each use). */
export function subkey(seed: number, tag: number): number {
  return prf(0x9e3779b9, seed >>> 0, tag);
}

/** murmur3 of `length` words of `words` under `key`. */
export function hashWords(key: number, words: Uint32Array, length: number): number {
  let h = key | 0;
  for (let i = 0; i < length; i++) h = absorb(h, words[i]!);
  return fmix32(h ^ (length * 4));
}

/** The two keys a walk hashes a transcript's message under, from the search's seed. */
export function messageHashKeys(seed: number): readonly [number, number] {
  return [subkey(seed, 1), subkey(seed, 2)];
}

/** A message's 64-bit hash: all of its words under each of the two keys, into out[at] and out[at + 1]. */
export function hashMessage(keys: readonly [number, number], words: Uint32Array, out: Uint32Array, at = 0): void {
  out[at] = hashWords(keys[0], words, words.length);
  out[at + 1] = hashWords(keys[1], words, words.length);
}

/** murmur3 of a string's UTF-16 code units, two to a word. */
export function hashString(key: number, text: string): number {
  let h = key | 0;
  let i = 0;
  for (; i + 1 < text.length; i += 2) h = absorb(h, text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16));
  if (i < text.length) h = absorb(h, text.charCodeAt(i));
  return fmix32(h ^ (text.length * 2));
}
