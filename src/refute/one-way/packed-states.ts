import type { RecurrentModel } from "../../models/model.js";
import { parseFormat } from "../../numeric/parse.js";

/*
 * Kept states packed at their encoded size: a stretch of states in one typed array, a state's values one after
 * another in the model's own bits (float64: binary64; float32: binary32; every other format its p-bit codes end to end
 * in a bit stream), never a Float64Array per state nor a JS object. A state of U values of p bits costs U p / 8 bytes
 * (float32, float64: exactly; the bit stream: U p bits, so at most its bits rounded up to bytes). Packing is lossless
 * on the format's values: the state read back is the one written, bit for bit (a NaN is read back as a NaN: its
 * payload may change, and a NaN's digest and message are its canonical NaN's anyway).
 */

/** How one model's states are packed: the lane kind and the bits of a state. */
export interface StatePacking {
  readonly kind: "binary64" | "binary32" | "codes";
  readonly units: number;
  /** Bits of one packed state: its encoded bits. */
  readonly bits: number;
  /** A unit's code as an unsigned integer below 2^unitBits, and back (the "codes" lane). */
  readonly code: (value: number) => number;
  readonly value: (code: number) => number;
  readonly unitBits: number;
}

export function statePacking(model: RecurrentModel): StatePacking {
  const units = model.stateUnits;
  const unitBits = model.unitBits;
  const none = () => {
    throw new Error("a binary lane has no codes");
  };
  if (model.formatName === "float64" || unitBits === 0 || unitBits > 53)
    return { kind: "binary64", units, bits: 64 * units, code: none, value: none, unitBits: 64 };
  if (model.formatName === "float32")
    return { kind: "binary32", units, bits: 32 * units, code: none, value: none, unitBits: 32 };
  const format = model.formatName === "dfa" ? undefined : parseFormat(model.formatName);
  if (format?.kind === "fixed" && "fracBits" in format) {
    // format.encode's code without a BigInt: k = x 2^F (exact), negative k as k + 2^p.
    const up = 2 ** (format.fracBits as number);
    const down = 2 ** -(format.fracBits as number);
    const modulus = 2 ** unitBits;
    const kmax = modulus / 2 - 1;
    return {
      kind: "codes",
      units,
      bits: unitBits * units,
      unitBits,
      code: (x) => {
        const k = x * up;
        return k < 0 ? k + modulus : k;
      },
      value: (n) => (n > kmax ? n - modulus : n) * down,
    };
  }
  return {
    kind: "codes",
    units,
    bits: unitBits * units,
    unitBits,
    code: (x) => Number(model.encodeUnit(x)),
    value: (n) => model.decodeUnit(BigInt(n)),
  };
}

const TWO32 = 4294967296;

/** A stretch of `capacity` states, packed; state i is written and read by its place. */
export class PackedStates {
  private f64: Float64Array | undefined;
  private f32: Float32Array | undefined;
  private words: Uint32Array | undefined;

  constructor(
    private readonly packing: StatePacking,
    readonly capacity: number,
  ) {
    const n = capacity * packing.units;
    if (packing.kind === "binary64") this.f64 = new Float64Array(n);
    else if (packing.kind === "binary32") this.f32 = new Float32Array(n);
    else this.words = new Uint32Array(Math.ceil((capacity * packing.bits) / 32));
  }

  /** Bytes this stretch holds allocated. */
  get byteLength(): number {
    return (this.f64 ?? this.f32 ?? this.words)!.byteLength;
  }

  /** The same states in a stretch of a larger capacity. */
  grown(capacity: number): PackedStates {
    const out = new PackedStates(this.packing, capacity);
    if (this.f64) out.f64!.set(this.f64);
    else if (this.f32) out.f32!.set(this.f32);
    else out.words!.set(this.words!);
    return out;
  }

  /** Writes state[0, units) as state i. */
  write(i: number, state: Float64Array): void {
    const u = this.packing.units;
    const at = i * u;
    if (this.f64) for (let j = 0; j < u; j++) this.f64[at + j] = state[j]!;
    else if (this.f32) for (let j = 0; j < u; j++) this.f32[at + j] = state[j]!;
    else {
      const { unitBits: w, code } = this.packing;
      let pos = i * this.packing.bits;
      for (let j = 0; j < u; j++, pos += w) {
        const c = code(state[j]!);
        if (w <= 32) writeBits(this.words!, pos, c, w);
        else {
          const hi = Math.floor(c / TWO32);
          writeBits(this.words!, pos, c - hi * TWO32, 32);
          writeBits(this.words!, pos + 32, hi, w - 32);
        }
      }
    }
  }

  /** Reads state i into out[0, units). */
  read(i: number, out: Float64Array): void {
    const u = this.packing.units;
    const at = i * u;
    if (this.f64) for (let j = 0; j < u; j++) out[j] = this.f64[at + j]!;
    else if (this.f32) for (let j = 0; j < u; j++) out[j] = this.f32[at + j]!;
    else {
      const { unitBits: w, value } = this.packing;
      let pos = i * this.packing.bits;
      for (let j = 0; j < u; j++, pos += w) {
        const c =
          w <= 32
            ? readBits(this.words!, pos, w)
            : readBits(this.words!, pos, 32) + readBits(this.words!, pos + 32, w - 32) * TWO32;
        out[j] = value(c);
      }
    }
  }
}

/** Writes the low `width` (1..32) bits of `value` at bit `pos` of the stream. */
function writeBits(words: Uint32Array, pos: number, value: number, width: number): void {
  const w = pos >>> 5;
  const o = pos & 31;
  const mask = width === 32 ? 0xffffffff : 2 ** width - 1;
  value = value & mask;
  words[w] = (words[w]! & ~(mask << o)) | (value << o);
  if (o + width > 32) words[w + 1] = (words[w + 1]! & ~(mask >>> (32 - o))) | (value >>> (32 - o));
}

/** The `width` (1..32) bits at bit `pos` of the stream, as an unsigned integer. */
function readBits(words: Uint32Array, pos: number, width: number): number {
  const w = pos >>> 5;
  const o = pos & 31;
  let v = words[w]! >>> o;
  if (o + width > 32) v |= words[w + 1]! << (32 - o);
  return width === 32 ? v >>> 0 : (v & (2 ** width - 1)) >>> 0;
}
