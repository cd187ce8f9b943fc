/**
 * JSON in, with the one-line, located error that "bad input gets one clear line" asks for, and the structure limits
 * checked before JSON.parse builds anything (json-locate.ts scans first). readJsonFile scans the file as it is read,
 * so a file over a limit is not even read to its end.
 *
 * JSON.parse keeps a key named "__proto__" as an ordinary own property (it defines properties, it does not assign
 * them), so a validator sees it and refuses it like any other unknown key; nothing here may revive or copy values by
 * assignment, which would turn it into the object's prototype and drop it silently.
 */
import { TextDecoder } from "node:util";
import { CcboundError } from "../errors.js";
import { JsonScanner, JsonSyntaxStop } from "./json-locate.js";
import { DEFAULT_JSON_LIMITS, type JsonLimits } from "./limits.js";
import { readChunks } from "./read-file.js";

function syntaxError(stop: JsonSyntaxStop, where: string): CcboundError {
  const { line, column, message } = stop.error;
  return new CcboundError("malformed-json", `malformed JSON at line ${line}, column ${column}: ${message}`, where);
}

/** JSON.parse of a text the scanner accepted: if it still fails, the two disagree, a bug (an internal error), not bad input. */
function parseScanned(text: string): unknown {
  return JSON.parse(text) as unknown;
}

/** Parses a JSON text already in memory, within `limits` (the file size aside: the text is already read). */
export function parseJsonText(text: string, where: string, limits: JsonLimits = DEFAULT_JSON_LIMITS): unknown {
  const scanner = new JsonScanner(limits, where);
  try {
    scanner.feed(text);
    scanner.end();
  } catch (error) {
    if (error instanceof JsonSyntaxStop) throw syntaxError(error, where);
    throw error;
  }
  return parseScanned(text);
}

/**
 * Reads and parses a JSON file: a regular file of at most limits.maxBytes, strict UTF-8, scanned chunk by chunk as
 * it is read and refused at the first problem, then parsed. The decoded pieces are scanned and dropped; the text is
 * decoded once more, whole, for JSON.parse, so memory is the file's bytes and its text, as for a plain read.
 */
export function readJsonFile(path: string, limits: JsonLimits = DEFAULT_JSON_LIMITS): unknown {
  const scanner = new JsonScanner(limits, path);
  const decoder = new TextDecoder("utf-8", { fatal: true }); // drops a leading byte-order mark, as editors write one
  let bytes: Buffer;
  try {
    bytes = readChunks(path, limits.maxBytes, (chunk) => scanner.feed(decode(decoder, chunk, path)));
    scanner.feed(decode(decoder, undefined, path));
    scanner.end();
  } catch (error) {
    if (error instanceof JsonSyntaxStop) throw syntaxError(error, path);
    throw error;
  }
  // already checked as UTF-8 piece by piece, so this decode of the whole cannot fail
  return parseScanned(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
}

function decode(decoder: TextDecoder, bytes: Uint8Array | undefined, path: string): string {
  try {
    return bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true });
  } catch {
    // fatal: a binary file must not be silently turned into replacement characters and then "malformed JSON"
    throw new CcboundError("malformed-json", "file is not UTF-8 text", path, "expected a JSON file");
  }
}
