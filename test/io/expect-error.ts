/** Runs `fn`, which must throw a CcboundError, and returns it. */
import { expect } from "vitest";
import { CcboundError } from "../../src/errors.js";

export function errorOf(fn: () => unknown): CcboundError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CcboundError);
    return error as CcboundError;
  }
  throw new Error("expected a CcboundError, but nothing was thrown");
}

export function paths(error: CcboundError): string[] {
  return error.issues.map((i) => i.path);
}
