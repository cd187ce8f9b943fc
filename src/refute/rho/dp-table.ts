import { hashWords } from "./keyed-hash.js";

/**
 * The distinguished points a rho search keeps: point -> (trail, length), in one preallocated typed array (open
 * addressing, linear probing, at most 3/4 full). Its memory is fixed when it is made, so the bound is a property of
 * the table, not a hope: `maxEntries` points of `words + 2` 32-bit words each, in a power-of-two number of slots.
 */
export class DpTable {
  private readonly slots: Uint32Array;
  private readonly mask: number;
  private readonly stride: number;
  size = 0;

  constructor(
    private readonly words: number,
    readonly maxEntries: number,
  ) {
    const slots = 2 ** Math.ceil(Math.log2(Math.max(2, Math.ceil((maxEntries * 4) / 3))));
    this.stride = words + 2;
    this.slots = new Uint32Array(slots * this.stride);
    this.mask = slots - 1;
  }

  /** Bytes of one entry as stored: the point, its trail and its length. */
  get bytesPerEntry(): number {
    return 4 * this.stride;
  }

  /** Bytes the table holds, empty slots included. */
  get bytes(): number {
    return this.slots.byteLength;
  }

  /** The (trail, length) stored for a point, or undefined. */
  get(point: Uint32Array): { trail: number; length: number } | undefined {
    const at = this.find(point);
    if (at < 0 || this.slots[at + this.words] === 0) return undefined;
    return { trail: this.slots[at + this.words]! - 1, length: this.slots[at + this.words + 1]! };
  }

  /** Stores a new point; false when the table already holds maxEntries points. */
  add(point: Uint32Array, trail: number, length: number): boolean {
    if (this.size >= this.maxEntries) return false;
    const at = this.find(point);
    this.slots.set(point.subarray(0, this.words), at);
    // Trail + 1, so that 0 marks an empty slot.
    this.slots[at + this.words] = trail + 1;
    this.slots[at + this.words + 1] = length;
    this.size++;
    return true;
  }

  /** The slot holding the point, or the empty slot where it would go. */
  private find(point: Uint32Array): number {
    const { slots, stride, words } = this;
    for (let i = hashWords(0x64707473, point, words) & this.mask; ; i = (i + 1) & this.mask) {
      const at = i * stride;
      if (slots[at + words] === 0) return at;
      let same = true;
      for (let w = 0; w < words && same; w++) same = slots[at + w] === point[w];
      if (same) return at;
    }
  }
}
