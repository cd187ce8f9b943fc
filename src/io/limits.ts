/**
 * Size limits for files ccbound reads. They keep memory bounded on hostile or mistaken input
 * (a 2 GB checkpoint passed by accident, or a JSON array of millions of nulls that would produce millions of issues).
 */
import { CcboundError } from "../errors.js";

/** Files larger than this are refused before they are read. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
/** Numbers in one file (weights, transitions, ...). */
export const MAX_NUMBERS = 1_000_000;
/** JSON values of any kind in one file; bounds the work (and the issue list) of validating junk. */
export const MAX_VALUES = 2 * MAX_NUMBERS;
/** Rows and columns of any matrix, and the length of any vector or list. */
export { MAX_DIM } from "../limits.js";

/**
 * Throws "too-large" when `value` holds more numbers or values than the limits allow.
 * Iterative (a deeply nested file cannot overflow the stack) and stops at the limit (a cyclic object terminates).
 */
export function checkValueCount(value: unknown, where: string): void {
  const stack: unknown[] = [];
  let numbers = 0;
  let values = 0;
  // Counted when pushed, so a huge array is refused before the stack grows past the limit.
  const visit = (v: unknown): void => {
    values += 1;
    if (values > MAX_VALUES) tooLarge(`more than ${MAX_VALUES} JSON values`, where);
    if (typeof v === "number" && ++numbers > MAX_NUMBERS) tooLarge(`more than ${MAX_NUMBERS} numbers`, where);
    if (v !== null && typeof v === "object") stack.push(v);
  };
  visit(value);
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) for (const item of v) visit(item);
    else if (v !== null && typeof v === "object") for (const item of Object.values(v)) visit(item);
  }
}

function tooLarge(what: string, where: string): never {
  throw new CcboundError("too-large", `file holds ${what}, the limit of this version of ccbound`, where);
}
