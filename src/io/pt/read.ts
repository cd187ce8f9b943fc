/**
 * `torch.save(model.state_dict(), "m.pt")` files (PyTorch >= 1.6) as the tensor map the safetensors reader produces:
 *
 *   <archive>/data.pkl       the state dict, pickled (protocol 2 by default)
 *   <archive>/data/<key>     each storage's raw bytes
 *   <archive>/byteorder      "little" or "big" (PyTorch >= 2.1; older files are little-endian)
 *   <archive>/version, <archive>/.data/serialization_id, ...   not needed
 *
 * Stages, each refusing with one line: the file (a regular file, bounded size) -> the zip archive (zip.ts) -> the
 * pickle, run by the restricted unpickler (unpickle.ts) with the state dict whitelist (torch-pickle.ts) -> the tensors,
 * read through their strides (state-dict.ts). PyTorch's legacy format (before 1.6, or
 * `_use_new_zipfile_serialization=False`) and TorchScript archives are recognised and refused with what to do instead.
 */
import { readHead, readRegularFile } from "../read-file.js";
import type { SafetensorsFile } from "../safetensors.js";
import { malformed, tooLarge, unreadable } from "./fail.js";
import { PT_LIMITS, type PtLimits } from "./limits.js";
import { stateDictFile } from "./state-dict.js";
import { TorchPickleHooks } from "./torch-pickle.js";
import { unpickle } from "./unpickle.js";
import { readZip } from "./zip.js";

/** A zip archive's first bytes: a local header, or the end record of an empty archive. */
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP_MAGIC = [0x50, 0x4b, 0x05, 0x06];
/** PyTorch's legacy format: pickle protocol 2, then LONG1 of 10 bytes holding the magic number 0x1950a86a20f9469cfc6c. */
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

/** `.pt` or `.pth`, or a file that starts like a zip archive or a legacy torch.save file (JSON text never does). */
export function isPtPath(path: string): boolean {
  if (/\.(pt|pth)$/i.test(path)) return true;
  // readHead opens without blocking and reads regular files only: sniffing a FIFO or a device cannot hang or flood.
  const head = readHead(path, LEGACY_MAGIC.length);
  return head !== undefined && (startsWith(head, ZIP_MAGIC) || startsWith(head, LEGACY_MAGIC));
}

/** Reads a torch.save file's state dict; the file's size is checked before it is read. */
export function readPtFile(path: string, limits: PtLimits = PT_LIMITS): SafetensorsFile {
  return parsePt(readBytes(path, limits), path, limits);
}

export function parsePt(bytes: Uint8Array, where: string, limits: PtLimits = PT_LIMITS): SafetensorsFile {
  if (startsWith(bytes, LEGACY_MAGIC))
    unreadable(
      "this is PyTorch's legacy format (before 1.6, or _use_new_zipfile_serialization=False), which ccbound does not read; save it again with torch.save in PyTorch >= 1.6",
      where,
    );
  if (!startsWith(bytes, ZIP_MAGIC) && !startsWith(bytes, EMPTY_ZIP_MAGIC))
    malformed("not a zip archive, so not a file torch.save writes (PyTorch >= 1.6)", where);
  const entries = readZip(bytes, where, limits);
  const prefix = archivePrefix(entries, where);
  const pickle = entries.get(`${prefix}data.pkl`)!;
  if (pickle.length > limits.maxPickleBytes)
    tooLarge(`${prefix}data.pkl is ${pickle.length} bytes, more than ${limits.maxPickleBytes}`, where);
  const hooks = new TorchPickleHooks(`${prefix}data.pkl`, where, limits);
  const root = unpickle(pickle, `${prefix}data.pkl`, where, hooks, limits);
  return stateDictFile(
    root,
    { bytes: (key) => entries.get(`${prefix}data/${key}`), littleEndian: byteOrder(entries, prefix, where) },
    where,
    limits,
  );
}

/** The one folder holding data.pkl ("m/" for m.pt in PyTorch 1.x, "archive/" in some 2.x writers). */
function archivePrefix(entries: ReadonlyMap<string, Uint8Array>, where: string): string {
  const names = [...entries.keys()];
  if (names.some((n) => /^[^/]+\/(constants\.pkl|code\/)/.test(n)))
    unreadable(
      "this is a TorchScript archive (torch.jit.save), not a state dict; save torch.save(model.state_dict(), path) instead",
      where,
    );
  const pickles = names.filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pickles.length !== 1)
    malformed(
      pickles.length === 0
        ? "the archive has no <name>/data.pkl, so it is not a file torch.save writes"
        : `the archive has ${pickles.length} data.pkl records (${pickles.slice(0, 3).join(", ")}); torch.save writes one`,
      where,
    );
  return pickles[0]!.slice(0, -"data.pkl".length);
}

/** PyTorch >= 2.1 records the byte order; before, files were written little-endian (every platform it ran on). */
function byteOrder(entries: ReadonlyMap<string, Uint8Array>, prefix: string, where: string): boolean {
  const raw = entries.get(`${prefix}byteorder`);
  if (raw === undefined) return true;
  const text = Buffer.from(raw).toString("latin1").trim();
  if (text !== "little" && text !== "big")
    malformed(`${prefix}byteorder is ${JSON.stringify(text.slice(0, 20))}, not "little" or "big"`, where);
  return text === "little";
}

/** The file's bytes: a regular file only (checked on the opened descriptor), its size checked before it is read. */
function readBytes(path: string, limits: PtLimits): Uint8Array {
  return readRegularFile(path, limits.maxFileBytes);
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}
