/**
 * The one way ccbound reads a file it did not write: opened without blocking, checked to be a regular file on the
 * opened descriptor (so what is checked is what is read), its size checked before a byte is read, then read in
 * chunks that never go past the limit, whatever the size said. Every reader of a model, safetensors file,
 * certificate, shard file, sidecar or writeup goes through here.
 *
 * Why each step: `/dev/zero` stats as 0 bytes and never ends (it grew to 5 GB); a FIFO blocks open() until a writer
 * comes, so the open is non-blocking; a /proc file is regular but stats as 0 bytes, so the read is bounded by the
 * limit, not by the size.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { CcboundError } from "../errors.js";
import { fsReason } from "./fs-error.js";
import { MAX_FILE_BYTES } from "./limits.js";

export interface RegularFile {
  readonly fd: number;
  /** What fstat said; the file may still grow or shrink while it is read. */
  readonly size: number;
}

/** Why a file that is not a regular file cannot be read, for the one line. */
function notRegular(stat: ReturnType<typeof fstatSync>): string {
  if (stat.isDirectory()) return "is a directory";
  const kind = stat.isFIFO()
    ? "a FIFO (named pipe)"
    : stat.isCharacterDevice()
      ? "a character device"
      : stat.isBlockDevice()
        ? "a block device"
        : stat.isSocket()
          ? "a socket"
          : "something other than a file";
  return `is ${kind}, not a regular file`;
}

/**
 * Opens `path` for reading and checks, on the descriptor, that it is a regular file of at most `maxBytes` bytes.
 * The caller closes the descriptor (withRegularFile does).
 */
export function openRegularFile(path: string, maxBytes: number = MAX_FILE_BYTES): RegularFile {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it has no effect on the regular files that pass.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0));
  } catch (error) {
    throw new CcboundError("io", `cannot read: ${fsReason(error)}`, path);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new CcboundError("io", `cannot read: ${notRegular(stat)}`, path);
    if (stat.size > maxBytes) throw tooLarge(path, `${stat.size} bytes`, maxBytes);
    return { fd, size: stat.size };
  } catch (error) {
    closeSync(fd);
    if (error instanceof CcboundError) throw error;
    throw new CcboundError("io", `cannot read: ${fsReason(error)}`, path);
  }
}

function tooLarge(path: string, size: string, maxBytes: number): CcboundError {
  return new CcboundError(
    "too-large",
    `file is ${size}, more than the limit of ${maxBytes} bytes for this kind of file`,
    path,
    "see docs/security.md",
  );
}

/** Runs `use` on the opened regular file and closes it, whatever happens. */
export function withRegularFile<T>(path: string, maxBytes: number, use: (file: RegularFile) => T): T {
  const file = openRegularFile(path, maxBytes);
  try {
    return use(file);
  } finally {
    closeSync(file.fd);
  }
}

const CHUNK = 1 << 20;

/**
 * Reads exactly `length` bytes at `position` (fewer only at the end of the file). Errors are io CcboundErrors.
 */
export function readAt(file: RegularFile, path: string, position: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let done = 0;
  try {
    while (done < length) {
      const n = readSync(file.fd, out, done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
  } catch (error) {
    throw new CcboundError("io", `cannot read: ${fsReason(error)}`, path);
  }
  return done === length ? out : out.subarray(0, done);
}

/**
 * Reads the whole file into one buffer, at most 1 MiB a read, handing each newly read piece to `onChunk` (a view:
 * copy what must outlive the call), and refuses it as soon as more than `maxBytes` bytes have come (the size fstat
 * gave is not trusted: the buffer grows if the file does). `onChunk` may throw to stop early: a JSON scan does at the
 * first limit it meets, so a rejected file is never read to its end. One buffer of the file's size, so reading costs
 * the file's bytes once.
 */
export function readChunks(path: string, maxBytes: number, onChunk?: (bytes: Buffer) => void): Buffer {
  return withRegularFile(path, maxBytes, (file) => {
    let buffer = Buffer.allocUnsafe(Math.min(maxBytes, file.size) + 1); // + 1: to see that it ends
    let total = 0;
    for (;;) {
      if (total === buffer.length) {
        if (total > maxBytes) throw tooLarge(path, `more than ${maxBytes} bytes`, maxBytes);
        const grown = Buffer.allocUnsafe(Math.min(maxBytes + 1, 2 * buffer.length + CHUNK));
        buffer.copy(grown, 0, 0, total);
        buffer = grown;
      }
      let n: number;
      try {
        n = readSync(file.fd, buffer, total, Math.min(CHUNK, buffer.length - total), null);
      } catch (error) {
        throw new CcboundError("io", `cannot read: ${fsReason(error)}`, path);
      }
      if (n === 0) return buffer.subarray(0, total);
      if (total + n > maxBytes) throw tooLarge(path, `more than ${maxBytes} bytes`, maxBytes);
      onChunk?.(buffer.subarray(total, total + n));
      total += n;
    }
  });
}

/** The bytes of a regular file of at most `maxBytes` bytes. */
export function readRegularFile(path: string, maxBytes: number = MAX_FILE_BYTES): Buffer {
  return readChunks(path, maxBytes);
}

/**
 * A text file that ccbound will parse: a regular file, bounded size, strict UTF-8. TextDecoder drops a leading
 * byte-order mark (editors on Windows add one), which JSON.parse would reject.
 */
export function readTextFile(path: string, maxBytes: number = MAX_FILE_BYTES): string {
  const bytes = readRegularFile(path, maxBytes);
  try {
    // fatal: a binary file must not be silently turned into replacement characters and then "malformed JSON"
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new CcboundError("malformed-json", "file is not UTF-8 text", path, "expected a text file");
  }
}

/** The first `length` bytes of a regular file (fewer if it is shorter), or undefined if it cannot be read as one. */
export function readHead(path: string, length: number): Buffer | undefined {
  try {
    return withRegularFile(path, Number.MAX_SAFE_INTEGER, (file) => readAt(file, path, 0, length));
  } catch {
    return undefined;
  }
}
