/** JSON.parse with the one-line, located error that "bad input gets one clear line" asks for. */
import { CcboundError } from "../errors.js";
import { locateJsonError } from "./json-locate.js";

export function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const located = locateJsonError(text);
    const message = located
      ? `malformed JSON at line ${located.line}, column ${located.column}: ${located.message}`
      : // the locator and JSON.parse disagree (not expected): fall back to V8's own words, on one line
        `malformed JSON: ${error instanceof Error ? error.message.replace(/\s+/g, " ") : String(error)}`;
    throw new CcboundError("malformed-json", message, where);
  }
}
