/*
 * Walk points: the elements of a search space of 2^b elements, as b-bit integers in little-endian 32-bit words (the
 * element's index in a fooling set, or Alice's string as packed choices).
 */

/** Bits of a point: log2 of the fooling set's size, which must be a power of two (EQ, DISJ and Lemma 1's are). */
export function pointBits(size: bigint): number | undefined {
  const bits = size.toString(2).length - 1;
  return size === 1n << BigInt(bits) ? bits : undefined;
}

export function wordsFor(bits: number): number {
  return Math.max(1, Math.ceil(bits / 32));
}

export function indexOf(point: Uint32Array): bigint {
  let i = 0n;
  for (let w = point.length - 1; w >= 0; w--) i = (i << 32n) | BigInt(point[w]!);
  return i;
}

export function pointOf(index: bigint, words: number, out = new Uint32Array(words)): Uint32Array {
  for (let w = 0; w < words; w++, index >>= 32n) out[w] = Number(index & 0xffffffffn);
  return out;
}

/** A point as hex, most significant word first: a compact key and the form shard files keep. */
export function pointHex(point: Uint32Array): string {
  let s = "";
  for (let w = point.length - 1; w >= 0; w--) s += point[w]!.toString(16).padStart(8, "0");
  return s;
}

export function pointFromHex(hex: string, out: Uint32Array): Uint32Array {
  for (let w = 0; w < out.length; w++) out[w] = parseInt(hex.slice(hex.length - 8 * (w + 1), hex.length - 8 * w), 16);
  return out;
}
