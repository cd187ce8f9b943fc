/**
 * Safetensors, read and written by hand (the format is small; see docs/safetensors.md):
 *
 *   [8 bytes: header length n, u64 little-endian] [n bytes: JSON header] [data]
 *
 * The header maps each tensor name to {dtype, shape, data_offsets: [begin, end]}, offsets counted from the first byte
 * after the header, and may hold "__metadata__", a map of strings to strings. Data is little-endian and row-major.
 * Like the reference implementation, the reader insists that the tensors tile the data exactly: no overlap, no hole,
 * nothing after the last one. Every problem is one CcboundError("malformed-safetensors") naming what and where.
 */
import { CcboundError } from "../errors.js";
import { bfloat16, float16 } from "../numeric/ieee.js";
import { DuplicateKeyError } from "./json-locate.js";
import { parseJsonText } from "./json-text.js";
import { MAX_HEADER_BYTES, MAX_TENSOR_ELEMENTS, SAFETENSORS_HEADER_LIMITS } from "./limits.js";
import { readAt, withRegularFile } from "./read-file.js";

/** Bytes per element of every dtype the format defines. */
const DTYPE_BYTES = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
} as const;
export type Dtype = keyof typeof DTYPE_BYTES;
/** The dtypes ccbound reads weights from; other tensors are checked for size but not decoded. */
export const FLOAT_DTYPES = ["F64", "F32", "F16", "BF16"] as const;
export type FloatDtype = (typeof FLOAT_DTYPES)[number];

/** A larger header is refused from the first 8 bytes, before it is read (src/io/limits.ts says why this size). */
export { MAX_HEADER_BYTES };
const HINT = "see docs/safetensors.md";

export interface SafetensorsTensor {
  readonly name: string;
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  /** Row-major values of a floating tensor, exactly as stored; undefined for integer, boolean and 8-bit float tensors. */
  readonly values: Float64Array | undefined;
}

export interface SafetensorsFile {
  /** In the order of their data in the file. */
  readonly tensors: ReadonlyMap<string, SafetensorsTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface ReadLimits {
  /** Most elements over all tensors: bounds the memory the decoded values take. */
  readonly maxElements: number;
}

function malformed(what: string, where: string): never {
  throw new CcboundError("malformed-safetensors", `malformed safetensors: ${what}`, where, HINT);
}

export function isFloatDtype(dtype: Dtype): dtype is FloatDtype {
  return (FLOAT_DTYPES as readonly string[]).includes(dtype);
}

/**
 * Reads and checks a safetensors file from a regular file, in three reads, each bounded before it is made: the
 * 8-byte header length (refused over MAX_HEADER_BYTES), the header (parsed within SAFETENSORS_HEADER_LIMITS, its
 * tensors checked against `limits` and against the file's size), then exactly the data the header declares. A
 * 90 MB header or a 2 GB checkpoint is refused after reading 8 bytes or the header, not the file.
 */
export function readSafetensorsFile(
  path: string,
  limits: ReadLimits = { maxElements: MAX_TENSOR_ELEMENTS },
): SafetensorsFile {
  return withRegularFile(path, Number.MAX_SAFE_INTEGER, (file) => {
    const head = readAt(file, path, 0, 8);
    const n = headerLength(head, file.size, path);
    const header = parseHeader(readAt(file, path, 8, n), path);
    const entries = tensorEntries(header, file.size - 8 - n, path, limits);
    const data = readAt(file, path, 8 + n, file.size - 8 - n);
    if (data.length !== file.size - 8 - n)
      malformed(`the file changed while it was read (${file.size} bytes when opened, fewer now)`, path);
    return decodeTensors(header, entries, data, path);
  });
}

/** True when the bytes start like a safetensors file: a header length below 2^40, then "{". JSON text never does. */
export function looksLikeSafetensors(head: Uint8Array): boolean {
  return head.length >= 9 && head[5] === 0 && head[6] === 0 && head[7] === 0 && head[8] === 0x7b;
}

/** Checks a safetensors file already in memory (what readSafetensorsFile does, from bytes). */
export function parseSafetensors(
  bytes: Uint8Array,
  where: string,
  limits: ReadLimits = { maxElements: MAX_TENSOR_ELEMENTS },
): SafetensorsFile {
  const n = headerLength(bytes.subarray(0, 8), bytes.length, where);
  const header = parseHeader(bytes.subarray(8, 8 + n), where);
  const entries = tensorEntries(header, bytes.length - 8 - n, where, limits);
  return decodeTensors(header, entries, bytes.subarray(8 + n), where);
}

/** The header's length from the file's first 8 bytes, checked against the limit and the file's size. */
function headerLength(head: Uint8Array, fileSize: number, where: string): number {
  if (head.length < 8) malformed(`the file is ${head.length} bytes, too short for the 8-byte header length`, where);
  const length = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER_BYTES))
    malformed(`header length ${length} is over the limit of ${MAX_HEADER_BYTES} bytes`, where);
  const n = Number(length);
  if (8 + n > fileSize)
    malformed(`header length ${n} is beyond the end of the file (${fileSize - 8} bytes follow the length)`, where);
  return n;
}

function decodeTensors(
  header: Record<string, unknown>,
  entries: readonly Entry[],
  data: Uint8Array,
  where: string,
): SafetensorsFile {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const tensors = new Map<string, SafetensorsTensor>();
  for (const e of entries)
    tensors.set(e.name, { name: e.name, dtype: e.dtype, shape: e.shape, values: decode(view, e.begin, e, where) });
  return { tensors, metadata: metadataOf(header, where) };
}

function parseHeader(raw: Uint8Array, where: string): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    return malformed("the header is not UTF-8 text", where);
  }
  let value: unknown;
  try {
    value = parseJsonText(text, where, SAFETENSORS_HEADER_LIMITS);
  } catch (error) {
    // Two entries of one name: JSON.parse would keep the last, silently; PyTorch never writes such a file.
    if (error instanceof DuplicateKeyError)
      malformed(
        error.pointer === ""
          ? `the header names tensor ${quote(error.key)} twice`
          : `the header gives key ${quote(error.key)} twice in ${JSON.stringify(error.pointer)}`,
        where,
      );
    if (error instanceof CcboundError && error.code === "too-large") throw error;
    const detail = error instanceof CcboundError ? error.message.replace(/^malformed JSON:? ?/, "") : "";
    return malformed(`the header is not valid JSON${detail ? ` (${detail})` : ""}`, where);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    malformed(`the header is ${describe(value)}, not a JSON object`, where);
  return value as Record<string, unknown>;
}

function metadataOf(header: Record<string, unknown>, where: string): Record<string, string> {
  const raw = header["__metadata__"];
  if (raw === undefined) return {};
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    malformed(`"__metadata__" is ${describe(raw)}, expected an object of strings`, where);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== "string")
      malformed(`"__metadata__" key ${quote(key)} holds ${describe(value)}, expected a string`, where);
    out[key] = value;
  }
  return out;
}

interface Entry {
  name: string;
  dtype: Dtype;
  shape: number[];
  elements: number;
  begin: number;
  end: number;
}

/** Every tensor's header entry, checked one by one, then together: they must tile the data exactly. */
function tensorEntries(
  header: Record<string, unknown>,
  dataLength: number,
  where: string,
  limits: ReadLimits,
): Entry[] {
  const entries: Entry[] = [];
  let elements = 0;
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const entry = entryOf(name, info, dataLength, where);
    elements += entry.elements;
    if (elements > limits.maxElements) {
      throw new CcboundError(
        "too-large",
        `the tensors hold more than ${limits.maxElements} values, the limit of this version of ccbound`,
        where,
      );
    }
    entries.push(entry);
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of entries) {
    if (e.begin < at)
      malformed(
        `tensor ${quote(e.name)} overlaps the tensor before it (its data starts at byte ${e.begin}, before ${at})`,
        where,
      );
    if (e.begin > at) malformed(`bytes ${at}..${e.begin} before tensor ${quote(e.name)} belong to no tensor`, where);
    at = e.end;
  }
  if (at !== dataLength) malformed(`the last ${dataLength - at} bytes of the data belong to no tensor`, where);
  return entries;
}

function entryOf(name: string, info: unknown, dataLength: number, where: string): Entry {
  const what = `tensor ${quote(name)}`;
  if (info === null || typeof info !== "object" || Array.isArray(info))
    malformed(`${what} is ${describe(info)}, expected {dtype, shape, data_offsets}`, where);
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof dtype !== "string") malformed(`${what} has dtype ${describe(dtype)}, expected a string`, where);
  if (!Object.hasOwn(DTYPE_BYTES, dtype))
    malformed(`${what} has unknown dtype ${quote(dtype)} (known: ${Object.keys(DTYPE_BYTES).join(", ")})`, where);
  if (!isIntList(shape))
    malformed(`${what} has shape ${describe(shape)}, expected a list of at most 64 whole numbers >= 0`, where);
  if (!isIntList(offsets) || offsets.length !== 2)
    malformed(`${what} has data_offsets ${describe(offsets)}, expected [begin, end]`, where);
  const [begin, end] = offsets as [number, number];
  if (begin > end) malformed(`${what} has data_offsets [${begin}, ${end}], which end before they begin`, where);
  if (end > dataLength)
    malformed(`${what} has data_offsets [${begin}, ${end}], out of range of the ${dataLength} data bytes`, where);
  const elements = shape.reduce((p, d) => p * d, 1);
  const bytes = elements * DTYPE_BYTES[dtype as Dtype];
  if (!Number.isSafeInteger(bytes) || bytes !== end - begin) {
    malformed(
      `${what} has ${end - begin} bytes of data, but shape [${shape.join(", ")}] of ${dtype} needs ${Number.isSafeInteger(bytes) ? bytes : "more than 2^53"}`,
      where,
    );
  }
  return { name, dtype: dtype as Dtype, shape, elements, begin, end };
}

function isIntList(v: unknown): v is number[] {
  return Array.isArray(v) && v.length <= 64 && v.every((x) => Number.isSafeInteger(x) && x >= 0);
}

// 16-bit floats have no DataView getter in Node 20; these decode every code exactly (they are binary64 values).
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

export function float16Value(code: number): number {
  const sign = code & 0x8000 ? -1 : 1;
  const exponent = (code >>> 10) & 0x1f;
  const fraction = code & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (0x400 + fraction) * 2 ** (exponent - 25);
}

/** bfloat16 is the high half of a float32. */
export function bfloat16Value(code: number): number {
  U32[0] = code << 16;
  return F32[0]!;
}

function decode(view: DataView, at: number, e: Entry, where: string): Float64Array | undefined {
  if (!isFloatDtype(e.dtype)) return undefined;
  const out = new Float64Array(e.elements);
  const read = READERS[e.dtype];
  for (let i = 0; i < out.length; i++) {
    const v = read(view, at, i);
    if (!Number.isFinite(v))
      malformed(
        `tensor ${quote(e.name)} holds ${v} at flat index ${i}${position(e.shape, i)}; weights must be finite`,
        where,
      );
    out[i] = v;
  }
  return out;
}

const READERS: Record<FloatDtype, (view: DataView, at: number, i: number) => number> = {
  F64: (view, at, i) => view.getFloat64(at + 8 * i, true),
  F32: (view, at, i) => view.getFloat32(at + 4 * i, true),
  F16: (view, at, i) => float16Value(view.getUint16(at + 2 * i, true)),
  BF16: (view, at, i) => bfloat16Value(view.getUint16(at + 2 * i, true)),
};

/** " (row 1, column 2)" for a matrix: where a user looks in the tensor. */
function position(shape: readonly number[], i: number): string {
  if (shape.length !== 2) return "";
  const cols = shape[1]!;
  return ` (row ${Math.floor(i / cols)}, column ${i % cols})`;
}

export interface TensorToWrite {
  readonly name: string;
  readonly dtype: FloatDtype;
  readonly shape: readonly number[];
  /** Row-major; every value must be exactly a value of the dtype (the caller rounds or picks a wider dtype). */
  readonly values: ArrayLike<number>;
}

/** The bytes of a safetensors file holding `tensors` in this order; the header is padded with spaces to 8 bytes. */
export function safetensorsBytes(
  tensors: readonly TensorToWrite[],
  metadata: Readonly<Record<string, string>>,
): Uint8Array {
  const header: Record<string, unknown> = Object.keys(metadata).length > 0 ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const t of tensors) {
    const size = t.values.length * DTYPE_BYTES[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = Buffer.from(JSON.stringify(header), "utf8");
  const padded = Math.ceil(json.length / 8) * 8;
  json = Buffer.concat([json, Buffer.alloc(padded - json.length, 0x20)]);
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of tensors) at = writeValues(view, at, t);
  return out;
}

function writeValues(view: DataView, at: number, t: TensorToWrite): number {
  const n = t.values.length;
  for (let i = 0; i < n; i++) {
    const v = t.values[i]!;
    switch (t.dtype) {
      case "F64":
        view.setFloat64(at + 8 * i, v, true);
        break;
      case "F32":
        if (Math.fround(v) !== v) throw new RangeError(`${v} in ${t.name} is not a float32 value`);
        view.setFloat32(at + 4 * i, v, true);
        break;
      case "F16":
        view.setUint16(at + 2 * i, Number(float16.encode(v)), true); // encode refuses a value that is not a float16
        break;
      case "BF16":
        view.setUint16(at + 2 * i, Number(bfloat16.encode(v)), true);
        break;
    }
  }
  return at + n * DTYPE_BYTES[t.dtype];
}

function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}

/** A header value as a message shows it: short lists as written ("[-1, 2]"), so the bad value is in the line. */
function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) {
    if (value.length === 0) return "an empty list";
    const written = `[${value.map((v) => JSON.stringify(v) ?? "null").join(", ")}]`;
    return written.length <= 40 ? written : `a list of ${value.length} entries`;
  }
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `the string ${quote(value)}`;
  return String(value);
}
