/**
 * The zip archive of a `torch.save` file (PyTorch >= 1.6), read from its central directory with every field checked
 * before it is used. PyTorch writes each entry stored (uncompressed, with a data descriptor) and always adds a zip64
 * end record; a repacked archive may deflate entries, which node:zlib inflates with its output capped at the size the
 * directory declares.
 *
 * Why not a zip library's one-call reader: fflate's unzipSync, the pure-JS choice, inflates a deflated entry into a
 * buffer of its declared size and keeps decoding past it, discarding the overflow, so a 1 MB entry that declares 100
 * bytes but inflates to 1 GB takes 8 s (measured); it also gives no entry offsets, so overlapping entries (the
 * other kind of zip bomb) cannot be seen, and checks no CRC. node:zlib's inflateRawSync stops at maxOutputLength
 * (the same bomb: 1 ms) and node:zlib.crc32 checks the data, so the only part written here is the directory walk.
 *
 * Refused, each with one line: no end record (a truncated file), multi-disk or encrypted archives, methods other than
 * stored and deflate, names that are empty, absolute, hold `..`, a backslash or NUL, duplicate names, a local header
 * whose name differs from the directory's, entries that overlap or run past the directory, declared sizes over the
 * limits (before anything is inflated), data that inflates past its declared size, and CRC mismatches.
 */
import { crc32, inflateRawSync } from "node:zlib";
import { malformed, tooLarge } from "./fail.js";
import { PT_LIMITS, type PtLimits } from "./limits.js";

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const STORED = 0;
const DEFLATE = 8;
const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;

interface Entry {
  readonly name: string;
  readonly method: number;
  readonly crc: number;
  readonly compressed: number;
  readonly size: number;
  readonly header: number;
}

/** The archive's entries by name, each checked and inflated. The stored ones are views into `bytes`, not copies. */
export function readZip(
  bytes: Uint8Array,
  where: string,
  limits: PtLimits = PT_LIMITS,
): ReadonlyMap<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const directory = centralDirectory(view, where, limits);
  const entries = readEntries(view, directory, where, limits);
  const ranges = entries.map((e) => ({ e, ...dataRange(view, e, directory.offset, where) }));
  refuseOverlaps(ranges, where);
  const out = new Map<string, Uint8Array>();
  for (const { e, start, end } of ranges) out.set(e.name, contents(bytes.subarray(start, end), e, where));
  return out;
}

interface Directory {
  readonly count: number;
  readonly offset: number;
  readonly size: number;
}

/** The end record (and its zip64 form), found where it must be: at the very end, after at most a comment. */
function centralDirectory(view: DataView, where: string, limits: PtLimits): Directory {
  const n = view.byteLength;
  let at = -1;
  for (let i = n - 22; i >= Math.max(0, n - 22 - U16_MAX); i--) {
    if (view.getUint32(i, true) === EOCD && i + 22 + view.getUint16(i + 20, true) === n) {
      at = i;
      break;
    }
  }
  if (at < 0) malformed("not a complete zip archive: no end-of-central-directory record (a truncated file?)", where);
  let disk = view.getUint16(at + 4, true);
  let cdDisk = view.getUint16(at + 6, true);
  let onDisk: number = view.getUint16(at + 8, true);
  let count: number = view.getUint16(at + 10, true);
  let size: number = view.getUint32(at + 12, true);
  let offset: number = view.getUint32(at + 16, true);
  let end = at; // where the central directory must end
  if (at >= 20 && view.getUint32(at - 20, true) === ZIP64_LOCATOR) {
    const z = u64(view, at - 12, "the zip64 end record's offset", where);
    if (z + 56 > at - 20 || view.getUint32(z, true) !== ZIP64_EOCD)
      malformed(`the zip64 locator points at byte ${z}, where there is no zip64 end record`, where);
    disk = view.getUint32(z + 16, true);
    cdDisk = view.getUint32(z + 20, true);
    onDisk = u64(view, z + 24, "the zip64 entry count", where);
    count = u64(view, z + 32, "the zip64 entry count", where);
    size = u64(view, z + 40, "the zip64 directory size", where);
    offset = u64(view, z + 48, "the zip64 directory offset", where);
    end = z;
  } else if (count === U16_MAX || size === U32_MAX || offset === U32_MAX) {
    malformed("the end record defers to a zip64 record that is not there", where);
  }
  if (disk !== 0 || cdDisk !== 0 || onDisk !== count) malformed("a multi-disk zip archive", where);
  if (count > limits.maxEntries)
    tooLarge(`the archive declares ${count} entries, more than ${limits.maxEntries}`, where);
  if (offset + size !== end)
    malformed(
      `the central directory (bytes ${offset}..${offset + size}) does not end at the end record (${end})`,
      where,
    );
  return { count, offset, size };
}

function u64(view: DataView, at: number, what: string, where: string): number {
  const v = view.getBigUint64(at, true);
  if (v > BigInt(view.byteLength)) malformed(`${what} is ${v}, beyond the ${view.byteLength}-byte file`, where);
  return Number(v);
}

/** Every central directory record, checked one by one and together, before any data is touched. */
function readEntries(view: DataView, d: Directory, where: string, limits: PtLimits): Entry[] {
  const entries: Entry[] = [];
  const names = new Set<string>();
  const end = d.offset + d.size;
  let total = 0;
  let at = d.offset;
  for (let i = 0; i < d.count; i++) {
    if (at + 46 > end || view.getUint32(at, true) !== CENTRAL)
      malformed(`central directory record ${i} (at byte ${at}) is missing or cut short`, where);
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const next = at + 46 + nameLength + extraLength + view.getUint16(at + 32, true);
    if (next > end) malformed(`central directory record ${i} (at byte ${at}) runs past the directory`, where);
    const name = entryName(new Uint8Array(view.buffer, view.byteOffset + at + 46, nameLength), i, where);
    if (names.has(name)) malformed(`two entries are named ${JSON.stringify(name)}`, where);
    names.add(name);
    if (flags & 1) malformed(`entry ${JSON.stringify(name)} is encrypted`, where);
    if (method !== STORED && method !== DEFLATE)
      malformed(
        `entry ${JSON.stringify(name)} uses compression method ${method}; only stored and deflate are read`,
        where,
      );
    const sizes = zip64Sizes(view, at, at + 46 + nameLength, extraLength, name, where);
    if (method === STORED && sizes.compressed !== sizes.size)
      malformed(
        `stored entry ${JSON.stringify(name)} declares ${sizes.compressed} bytes stored but ${sizes.size} bytes`,
        where,
      );
    if (sizes.size > limits.maxEntryBytes)
      tooLarge(`entry ${JSON.stringify(name)} declares ${sizes.size} bytes, more than ${limits.maxEntryBytes}`, where);
    total += sizes.size;
    if (total > limits.maxTotalBytes)
      tooLarge(`the archive's entries declare more than ${limits.maxTotalBytes} bytes together`, where);
    entries.push({ name, method, crc: view.getUint32(at + 16, true), ...sizes });
    at = next;
  }
  if (at !== end) malformed(`${end - at} bytes of the central directory belong to no record`, where);
  return entries;
}

/** A name PyTorch could have written: UTF-8, relative, no `..`, no backslash or NUL. */
function entryName(raw: Uint8Array, i: number, where: string): string {
  let name: string;
  try {
    name = new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    return malformed(`entry ${i}'s name is not UTF-8`, where);
  }
  const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 77)}...` : name);
  if (name === "") malformed(`entry ${i} has an empty name`, where);
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) malformed(`entry name ${shown} is absolute`, where);
  if (name.includes("\\") || name.includes("\0")) malformed(`entry name ${shown} holds a backslash or NUL`, where);
  if (name.split("/").includes("..")) malformed(`entry name ${shown} climbs out of the archive with ".."`, where);
  return name;
}

/** Sizes and offset, from the zip64 extra field (id 1) for each one the record marks 0xffffffff, in the spec's order. */
function zip64Sizes(
  view: DataView,
  record: number,
  extra: number,
  extraLength: number,
  name: string,
  where: string,
): { size: number; compressed: number; header: number } {
  const fields = { size: view.getUint32(record + 24, true), compressed: view.getUint32(record + 20, true) };
  let header = view.getUint32(record + 42, true);
  const wanted = [fields.size === U32_MAX, fields.compressed === U32_MAX, header === U32_MAX];
  if (!wanted.includes(true)) return { ...fields, header };
  for (let at = extra; at + 4 <= extra + extraLength; at += 4 + view.getUint16(at + 2, true)) {
    if (view.getUint16(at, true) !== 1) continue;
    const fieldEnd = Math.min(at + 4 + view.getUint16(at + 2, true), extra + extraLength);
    let field = at + 4;
    const next = (what: string): number => {
      if (field + 8 > fieldEnd) malformed(`entry ${JSON.stringify(name)}'s zip64 field has no ${what}`, where);
      const v = u64(view, field, `entry ${JSON.stringify(name)}'s ${what}`, where);
      field += 8;
      return v;
    };
    if (wanted[0]) fields.size = next("size");
    if (wanted[1]) fields.compressed = next("compressed size");
    if (wanted[2]) header = next("offset");
    return { ...fields, header };
  }
  return malformed(`entry ${JSON.stringify(name)} defers its sizes to a zip64 field that is not there`, where);
}

/** Where an entry's data is: after its local header, whose name must be the directory's, and before the directory. */
function dataRange(
  view: DataView,
  e: Entry,
  directory: number,
  where: string,
): { header: number; start: number; end: number } {
  const quoted = JSON.stringify(e.name);
  if (e.header + 30 > directory || view.getUint32(e.header, true) !== LOCAL)
    malformed(`entry ${quoted}'s local header (at byte ${e.header}) is missing`, where);
  const nameLength = view.getUint16(e.header + 26, true);
  const start = e.header + 30 + nameLength + view.getUint16(e.header + 28, true);
  const end = start + e.compressed;
  if (end > directory) malformed(`entry ${quoted}'s data runs past the central directory`, where);
  const local = new Uint8Array(view.buffer, view.byteOffset + e.header + 30, nameLength);
  if (Buffer.compare(local, Buffer.from(e.name, "utf8")) !== 0)
    malformed(`entry ${quoted}'s local header names another file`, where);
  return { header: e.header, start, end };
}

/** Two entries that share bytes: how one small archive declares many large files (an overlapping zip bomb). */
function refuseOverlaps(ranges: { e: Entry; header: number; end: number }[], where: string): void {
  const sorted = [...ranges].sort((a, b) => a.header - b.header);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.header < sorted[i - 1]!.end)
      malformed(
        `entries ${JSON.stringify(sorted[i - 1]!.e.name)} and ${JSON.stringify(sorted[i]!.e.name)} overlap`,
        where,
      );
  }
}

function contents(data: Uint8Array, e: Entry, where: string): Uint8Array {
  let out = data;
  if (e.method === DEFLATE) {
    try {
      // maxOutputLength stops zlib as soon as the output passes the declared size: a lying entry costs nothing
      const inflated = inflateRawSync(data, { maxOutputLength: Math.max(1, e.size) });
      out = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.length);
    } catch (error) {
      const bomb = error instanceof RangeError || (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
      malformed(
        bomb
          ? `entry ${JSON.stringify(e.name)} inflates to more than the ${e.size} bytes it declares (a zip bomb?)`
          : `entry ${JSON.stringify(e.name)} is not valid deflate data`,
        where,
      );
    }
    if (out.length !== e.size)
      malformed(
        `entry ${JSON.stringify(e.name)} inflates to ${out.length} bytes, not the ${e.size} it declares`,
        where,
      );
  }
  if (crc32(out) !== e.crc)
    malformed(`entry ${JSON.stringify(e.name)} fails its CRC-32 check (a damaged file?)`, where);
  return out;
}
