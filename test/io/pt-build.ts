/**
 * Builders for torch.save-like files in memory, to break one thing at a time: pickles opcode by opcode, zip archives
 * with any field overridden, and whole state dicts laid out as torch.save lays them out. Tests only.
 */
import { crc32, deflateRawSync } from "node:zlib";

/** A pickle, written opcode by opcode; `bytes()` returns it. Each method appends one opcode and its argument. */
export class Pickle {
  private readonly out: number[] = [];

  op(code: string | number, ...args: number[]): this {
    this.out.push(typeof code === "string" ? code.charCodeAt(0) : code, ...args);
    return this;
  }
  raw(bytes: ArrayLike<number>): this {
    for (let i = 0; i < bytes.length; i++) this.out.push(bytes[i]!);
    return this;
  }
  proto(v = 2): this {
    return this.op(0x80, v);
  }
  global(module: string, name: string): this {
    return this.op("c").raw(Buffer.from(`${module}\n${name}\n`, "latin1"));
  }
  str(s: string): this {
    const b = Buffer.from(s, "utf8");
    return this.op("X").raw(u32(b.length)).raw(b);
  }
  shortStr(s: string): this {
    const b = Buffer.from(s, "utf8");
    return this.op(0x8c, b.length).raw(b);
  }
  int(n: number): this {
    if (n >= 0 && n < 256) return this.op("K", n);
    if (n >= 0 && n < 65536) return this.op("M", n & 0xff, n >> 8);
    return this.op("J").raw(i32(n));
  }
  float(x: number): this {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(x);
    return this.op("G").raw(b);
  }
  mark(): this {
    return this.op("(");
  }
  tuple(): this {
    return this.op("t");
  }
  emptyTuple(): this {
    return this.op(")");
  }
  emptyDict(): this {
    return this.op("}");
  }
  put(i: number): this {
    return i < 256 ? this.op("q", i) : this.op("r").raw(u32(i));
  }
  get(i: number): this {
    return i < 256 ? this.op("h", i) : this.op("j").raw(u32(i));
  }
  reduce(): this {
    return this.op("R");
  }
  stop(): this {
    return this.op(".");
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

export function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

function i32(n: number): number[] {
  return u32(n >>> 0);
}

export interface ZipEntry {
  name: string;
  data: Uint8Array;
  /** 0 stored (default), 8 deflate. */
  method?: number;
  /** Override what the headers declare. */
  declaredSize?: number;
  crc?: number;
  flags?: number;
  /** The local header's name, when it should differ from the central directory's. */
  localName?: string;
  /** Write the central record twice (a duplicate name). */
  twice?: boolean;
}

/** A zip archive: local headers and data, the central directory, the end record (classic, no zip64). */
export function zipBytes(entries: ZipEntry[], options: { trailing?: Uint8Array } = {}): Uint8Array {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  let count = 0;
  for (const e of entries) {
    const method = e.method ?? 0;
    const body = Buffer.from(method === 8 ? deflateRawSync(e.data) : e.data);
    const name = Buffer.from(e.name, "utf8");
    const localName = Buffer.from(e.localName ?? e.name, "utf8");
    const crc = e.crc ?? crc32(e.data);
    const size = e.declaredSize ?? e.data.length;
    const compressed = method === 8 ? body.length : (e.declaredSize ?? body.length);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.flags ?? 0, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(localName.length, 26);
    parts.push(local, localName, body);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(20, 4);
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE(e.flags ?? 0, 8);
    record.writeUInt16LE(method, 10);
    record.writeUInt32LE(crc, 16);
    record.writeUInt32LE(compressed, 20);
    record.writeUInt32LE(size, 24);
    record.writeUInt16LE(name.length, 28);
    record.writeUInt32LE(offset, 42);
    for (let k = 0; k < (e.twice ? 2 : 1); k++) {
      central.push(record, name);
      count++;
    }
    offset += 30 + localName.length + body.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Uint8Array.from(Buffer.concat([...parts, directory, end, Buffer.from(options.trailing ?? [])]));
}

export type StorageName =
  "FloatStorage" | "DoubleStorage" | "HalfStorage" | "BFloat16Storage" | "LongStorage" | "BoolStorage";

export interface TensorSpec {
  name: string;
  /** Storage key; tensors with one key share the storage (give its values once, on the first). */
  key: string;
  type?: StorageName;
  /** The storage's raw bytes (defaults to `values` encoded in the type, little-endian). */
  storage?: Uint8Array;
  values?: number[];
  /** The persistent id's numel (defaults to the number of values). */
  numel?: number;
  offset?: number;
  size: number[];
  stride?: number[];
}

const ITEM = { FloatStorage: 4, DoubleStorage: 8, HalfStorage: 2, BFloat16Storage: 2, LongStorage: 8, BoolStorage: 1 };

export function storageBytes(type: StorageName, values: number[], littleEndian = true): Uint8Array {
  const b = Buffer.alloc(values.length * ITEM[type]);
  values.forEach((v, i) => {
    if (type === "FloatStorage") littleEndian ? b.writeFloatLE(v, 4 * i) : b.writeFloatBE(v, 4 * i);
    else if (type === "DoubleStorage") littleEndian ? b.writeDoubleLE(v, 8 * i) : b.writeDoubleBE(v, 8 * i);
    else if (type === "LongStorage") b.writeBigInt64LE(BigInt(v), 8 * i);
    else if (type === "BoolStorage") b[i] = v ? 1 : 0;
    else littleEndian ? b.writeUInt16LE(v, 2 * i) : b.writeUInt16BE(v, 2 * i); // 16-bit codes given as numbers
  });
  return Uint8Array.from(b);
}

/** Row-major strides of a shape. */
export function contiguous(size: number[]): number[] {
  const out = new Array<number>(size.length).fill(1);
  for (let k = size.length - 2; k >= 0; k--) out[k] = out[k + 1]! * size[k + 1]!;
  return out;
}

/** The pickle torch.save writes for an OrderedDict of these tensors (memo and all, as PyTorch 1.13 writes it). */
export function stateDictPickle(tensors: TensorSpec[]): Uint8Array {
  const p = new Pickle().proto(2).global("collections", "OrderedDict").put(0).emptyTuple().reduce().put(1).mark();
  for (const t of tensors) {
    p.str(t.name).global("torch._utils", "_rebuild_tensor_v2").mark();
    p.mark()
      .str("storage")
      .global("torch", t.type ?? "FloatStorage")
      .str(t.key)
      .str("cpu");
    p.int(t.numel ?? t.values?.length ?? 0)
      .tuple()
      .op("Q");
    p.int(t.offset ?? 0);
    dims(p, t.size);
    dims(p, t.stride ?? contiguous(t.size));
    p.op(0x89).get(0).emptyTuple().reduce().tuple().reduce();
  }
  return p.op("u").stop().bytes();
}

function dims(p: Pickle, d: number[]): void {
  p.mark();
  for (const x of d) p.int(x);
  p.tuple();
}

/** A whole torch.save file: `<name>/data.pkl`, one `data/<key>` per storage, `version`, and any extra records. */
export function ptBytes(
  tensors: TensorSpec[],
  options: { name?: string; pickle?: Uint8Array; extra?: ZipEntry[]; littleEndian?: boolean } = {},
): Uint8Array {
  const name = options.name ?? "archive";
  const storages = new Map<string, Uint8Array>();
  for (const t of tensors) {
    if (storages.has(t.key)) continue;
    storages.set(
      t.key,
      t.storage ?? storageBytes(t.type ?? "FloatStorage", t.values ?? [], options.littleEndian ?? true),
    );
  }
  return zipBytes([
    { name: `${name}/data.pkl`, data: options.pickle ?? stateDictPickle(tensors) },
    ...[...storages].map(([key, data]) => ({ name: `${name}/data/${key}`, data })),
    { name: `${name}/version`, data: Buffer.from("3\n") },
    ...(options.extra ?? []),
  ]);
}
