/**
 * A table of 64-bit digests (two 32-bit words) to item indices 0, 1, 2, ... (each added once, in order): the digests
 * stored densely by index (two Uint32 words an item, written in order, so only the pages used are resident) and an
 * open-addressing table of index + 1 (one Uint32 a slot, at most 70% full) over them. The slot table grows from small
 * (its writes land anywhere: a large one barely filled would be resident all the same) and takes its final size, for
 * the `expected` items a level of the dedup walk can take, once a quarter of them are in: full, an entry then costs
 * 8 + 4 / 0.7 < 14 bytes. Past `expected` both grow. Digests that agree on different messages (false alarms)
 * are all kept, each with its index, so the first item with an equal message is always found.
 */
export class DigestTable {
  /** hashes[2 i], hashes[2 i + 1]: item i's digest halves. */
  private hashes: Uint32Array;
  /** index + 1 of the first item of each digest, 0 for an empty slot. */
  private slots: Uint32Array;
  private used = 0;
  private items = 0;
  /** Digests already in the table for another message: the further items with that digest. */
  private readonly alarms = new Map<string, number[]>();
  /** Digests met on two different messages. */
  falseAlarms = 0;

  private readonly expected: number;

  constructor(expected = 1024) {
    this.expected = Math.max(16, Math.ceil(expected));
    this.hashes = new Uint32Array(2 * Math.min(this.expected, 1 << 24));
    this.slots = new Uint32Array(slotsFor(Math.min(this.expected, 1 << 12)));
  }

  /** Items added. */
  get size(): number {
    return this.items;
  }

  /** Bytes the table holds allocated (its two arrays; false alarms' lists aside, a handful in 2^32 pairs). */
  get byteLength(): number {
    return this.hashes.byteLength + this.slots.byteLength;
  }

  /**
   * The earlier item whose message equals item `index`'s (`same` compares two items' exact messages), or, when
   * there is none, undefined after adding `index` under the digest (h0, h1), two unsigned 32-bit words. `index` is
   * the number of items added so far.
   */
  findOrAdd(h0: number, h1: number, index: number, same: (earlier: number) => boolean): number | undefined {
    if (index !== this.items) throw new RangeError(`a digest table takes items in order: ${index} after ${this.items}`);
    if (index >= 0xffffffff) throw new RangeError(`a digest table holds indices below 2^32 - 1, got ${index}`);
    const { slots, hashes } = this;
    const cap = slots.length;
    for (let s = slotOf(h0, h1, cap); ; s = s + 1 === cap ? 0 : s + 1) {
      const held = slots[s]!;
      if (held === 0) break;
      if (hashes[2 * (held - 1)] === h0 && hashes[2 * (held - 1) + 1] === h1) {
        if (same(held - 1)) return held - 1;
        const digest = `${h0}:${h1}`;
        const others = this.alarms.get(digest);
        const match = others?.find(same);
        if (match !== undefined) return match;
        this.falseAlarms++;
        if (others) others.push(index);
        else this.alarms.set(digest, [index]);
        this.record(index, h0, h1);
        return undefined;
      }
    }
    this.record(index, h0, h1);
    this.put(index);
    return undefined;
  }

  private record(index: number, h0: number, h1: number): void {
    if (2 * index + 2 > this.hashes.length) {
      const grown = new Uint32Array(2 * Math.ceil(1.5 * (this.hashes.length / 2)));
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[2 * index] = h0;
    this.hashes[2 * index + 1] = h1;
    this.items++;
  }

  private put(index: number): void {
    if (10 * (this.used + 1) > 7 * this.slots.length) this.grow();
    this.place(this.slots, index);
    this.used++;
  }

  private place(slots: Uint32Array, index: number): void {
    const cap = slots.length;
    let s = slotOf(this.hashes[2 * index]!, this.hashes[2 * index + 1]!, cap);
    while (slots[s] !== 0) s = s + 1 === cap ? 0 : s + 1;
    slots[s] = index + 1;
  }

  private grow(): void {
    const old = this.slots;
    // Toward the expected size (at most 4x at once), or past it (or nearly there) twice the items.
    const want = this.expected >= 1.25 * this.used ? Math.min(this.expected, 4 * this.used) : 2 * this.used;
    const slots = new Uint32Array(slotsFor(want));
    for (let s = 0; s < old.length; s++) if (old[s] !== 0) this.place(slots, old[s]! - 1);
    this.slots = slots;
  }
}

/** Slots for n items at most 70% full. */
function slotsFor(n: number): number {
  return Math.ceil(n / 0.7) + 1;
}

/** The first slot of a digest among `cap` (any size below 2^32): a 32-bit mix scaled to [0, cap). */
function slotOf(h0: number, h1: number, cap: number): number {
  const mixed = (h0 ^ Math.imul(h1, 0x9e3779b1)) >>> 0;
  return Math.floor((mixed * cap) / 4294967296);
}
