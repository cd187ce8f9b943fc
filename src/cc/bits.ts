/**
 * An exact bit string: the unit of communication. Messages are built from the p-bit codes of the numbers a party
 * sends, so lengths are counted from what is sent, never estimated. Stored as (length, value) with value < 2^length,
 * most significant bit first.
 */
export class BitString {
  static readonly empty = new BitString(0, 0n);

  private constructor(
    readonly length: number,
    readonly value: bigint,
  ) {}

  /** The `width`-bit code `code` (0 <= code < 2^width). */
  static fromCode(code: bigint, width: number): BitString {
    if (!Number.isInteger(width) || width < 0) throw new RangeError(`bad width ${width}`);
    if (code < 0n || code >> BigInt(width) !== 0n) throw new RangeError(`code ${code} does not fit in ${width} bits`);
    return new BitString(width, code);
  }

  static fromBits(bits: ArrayLike<number>): BitString {
    let value = 0n;
    for (let i = 0; i < bits.length; i++) value = (value << 1n) | (bits[i] ? 1n : 0n);
    return new BitString(bits.length, value);
  }

  /** Concatenate codes of one width: how a party sends a vector of p-bit numbers. */
  static fromCodes(codes: readonly bigint[], width: number): BitString {
    let out = BitString.empty;
    for (const c of codes) out = out.concat(BitString.fromCode(c, width));
    return out;
  }

  concat(other: BitString): BitString {
    return new BitString(this.length + other.length, (this.value << BigInt(other.length)) | other.value);
  }

  /** The `width` bits starting at `offset` (0 = first bit sent), as a code. */
  readCode(offset: number, width: number): bigint {
    if (offset < 0 || width < 0 || offset + width > this.length) {
      throw new RangeError(`read of ${width} bits at ${offset} past the end of ${this.length} bits`);
    }
    const shift = BigInt(this.length - offset - width);
    return (this.value >> shift) & ((1n << BigInt(width)) - 1n);
  }

  /** Split into consecutive codes of one width (inverse of fromCodes). */
  toCodes(width: number): bigint[] {
    if (width <= 0 || this.length % width !== 0) throw new RangeError(`${this.length} bits are not codes of ${width}`);
    const out: bigint[] = [];
    for (let off = 0; off < this.length; off += width) out.push(this.readCode(off, width));
    return out;
  }

  equals(other: BitString): boolean {
    return this.length === other.length && this.value === other.value;
  }

  /** Hex of the bits, left-padded to whole nibbles; with the length it identifies the string. */
  toHex(): string {
    const digits = Math.ceil(this.length / 4);
    return digits === 0 ? "" : this.value.toString(16).padStart(digits, "0");
  }

  /** A hashing key: equal keys iff equal bit strings. */
  key(): string {
    return `${this.length}:${this.toHex()}`;
  }

  toString(): string {
    return this.length === 0 ? "" : this.value.toString(2).padStart(this.length, "0");
  }
}
