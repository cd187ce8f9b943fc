/**
 * Typed errors for bad input. The CLI prints each as one line and exits 2; the core never prints.
 * `path` points into the offending file or flag (JSON pointer style, e.g. "/layers/0/weight_hh/3/1").
 */
export type ErrorCode =
  | "malformed-json"
  | "malformed-safetensors"
  | "malformed-pt"
  | "refused-pickle"
  | "invalid-model"
  | "invalid-certificate"
  | "invalid-format"
  | "invalid-flag"
  | "invalid-input"
  | "task-mismatch"
  | "head-mismatch"
  | "too-large"
  | "unsupported"
  | "io";

export interface Issue {
  readonly path: string;
  readonly message: string;
}

export class CcboundError extends Error {
  override readonly name = "CcboundError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Where the problem is: a file, a flag, or a path into a file. */
    readonly where?: string,
    readonly hint?: string,
    /** Every problem found, when validation found several. */
    readonly issues: readonly Issue[] = [],
  ) {
    super(message);
  }

  /** The one line a user sees. */
  oneLine(): string {
    const where = this.where ? `${this.where}: ` : "";
    const hint = this.hint ? ` (${this.hint})` : "";
    return `${where}${this.message}${hint}`;
  }
}

export function fail(code: ErrorCode, message: string, where?: string, hint?: string): never {
  throw new CcboundError(code, message, where, hint);
}
