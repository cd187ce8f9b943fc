/** Reads a text file that ccbound will parse: bounded size, strict UTF-8, errors as CcboundError. */
import { readFileSync, statSync } from "node:fs";
import { CcboundError } from "../errors.js";
import { fsReason } from "./fs-error.js";
import { MAX_FILE_BYTES } from "./limits.js";

export function readTextFile(path: string, maxBytes = MAX_FILE_BYTES): string {
  let bytes: Buffer;
  try {
    // stat first, so an oversized file (a checkpoint passed by mistake) is refused without reading it
    const stat = statSync(path);
    if (stat.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    if (stat.size > maxBytes) {
      throw new CcboundError("too-large", `file is ${stat.size} bytes, more than the limit of ${maxBytes}`, path);
    }
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof CcboundError) throw error;
    throw new CcboundError("io", `cannot read: ${fsReason(error)}`, path);
  }
  let text: string;
  try {
    // fatal: a binary file must not be silently turned into replacement characters and then "malformed JSON"
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new CcboundError("malformed-json", "file is not UTF-8 text", path, "expected a JSON file");
  }
  // TextDecoder drops a leading byte-order mark by default, which JSON.parse would reject; editors on Windows add one.
  return text;
}
