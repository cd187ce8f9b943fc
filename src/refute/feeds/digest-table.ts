/**
 * A table of 64-bit digests (16 hex digits) to item indices, open addressing in one Uint32Array (three words a slot:
 * the digest's halves and index + 1), so a level of the dedup walk costs 12 to 24 bytes an entry instead of a Map
 * entry and its string. Digests that agree on different messages (false alarms) are all kept, each with its index,
 * so the first item with an equal message is always found.
 */
export class DigestTable {
  private slots = new Uint32Array(3 * 1024);
  private used = 0;
  /** Digests already in the table for another message: the further items with that digest. */
  private readonly alarms = new Map<string, number[]>();
  /** Digests met on two different messages. */
  falseAlarms = 0;

  /**
   * The earlier item whose message equals item `index`'s (`same` compares two items' exact messages), or, when
   * there is none, undefined after adding `index` under `digest`.
   */
  findOrAdd(digest: string, index: number, same: (earlier: number) => boolean): number | undefined {
    const h0 = parseInt(digest.slice(0, 8), 16) >>> 0;
    const h1 = parseInt(digest.slice(8, 16), 16) >>> 0;
    const mask = this.slots.length / 3 - 1;
    let s = (h0 ^ Math.imul(h1, 0x9e3779b1)) & mask;
    for (;;) {
      const at = 3 * s;
      const held = this.slots[at + 2]!;
      if (held === 0) break;
      if (this.slots[at] === h0 && this.slots[at + 1] === h1) {
        if (same(held - 1)) return held - 1;
        const others = this.alarms.get(digest);
        const match = others?.find(same);
        if (match !== undefined) return match;
        this.falseAlarms++;
        if (others) others.push(index);
        else this.alarms.set(digest, [index]);
        return undefined;
      }
      s = (s + 1) & mask;
    }
    this.put(h0, h1, index);
    return undefined;
  }

  private put(h0: number, h1: number, index: number): void {
    if (index >= 0xffffffff) throw new RangeError(`a digest table holds indices below 2^32 - 1, got ${index}`);
    if (2 * (this.used + 1) > this.slots.length / 3) this.grow();
    const mask = this.slots.length / 3 - 1;
    let s = (h0 ^ Math.imul(h1, 0x9e3779b1)) & mask;
    while (this.slots[3 * s + 2] !== 0) s = (s + 1) & mask;
    this.slots[3 * s] = h0;
    this.slots[3 * s + 1] = h1;
    this.slots[3 * s + 2] = index + 1;
    this.used++;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(2 * old.length);
    this.used = 0;
    for (let at = 0; at < old.length; at += 3)
      if (old[at + 2] !== 0) this.put(old[at]!, old[at + 1]!, old[at + 2]! - 1);
  }
}
