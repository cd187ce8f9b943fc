/**
 * "Nothing is written half": data goes to a temporary file in the target's directory (same file system, so the
 * rename is atomic), is flushed to disk, then renamed over the target. Readers see the old file or the new one.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { CcboundError } from "../errors.js";
import { fsReason } from "./fs-error.js";

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  // A hidden name with pid and random suffix: concurrent writers (a job array) never share a temporary file.
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, "wx");
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd); // without it, a crash after the rename can leave an empty file on some file systems
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) closeQuietly(fd);
    removeQuietly(temp);
    throw new CcboundError("io", `cannot write: ${fsReason(error)}`, path);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already failing; the original error is the one to report
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // the temporary file may never have been created
  }
}
