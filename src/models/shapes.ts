/**
 * Shape checks of a model file: the part of validity that types cannot say (matrix sizes agree with vocab, hidden and
 * the previous layer). Every architecture, cell and block checks its own fields with these.
 *
 * They run even when other fields have type errors (so one pass reports everything), hence they read the value as
 * `unknown` and check only what is well-typed; zod reports the rest. Each mismatch says where the expected size
 * comes from ("has 7 rows, expected 8 (4 gates (i|f|g|o) x hidden 2)").
 */
import type * as z from "zod";
import { MAX_DIM } from "../limits.js";

export type Path = (string | number)[];
export type Report = (path: Path, message: string) => void;

/** An expected size and the reason for it. */
export interface Dim {
  readonly n: number;
  readonly why: string;
}

export function reporter(ctx: z.RefinementCtx): Report {
  return (path, message) => ctx.addIssue({ code: "custom", path, message });
}

/**
 * Checks row count and row widths; returns the width (the expected one, or the first row's when none is expected).
 * When every row has the same wrong width (a transposed matrix, a wrong hidden) that is one problem, not one per row.
 */
export function checkMatrix(
  value: unknown,
  path: Path,
  rows: Dim | undefined,
  cols: Dim | undefined,
  report: Report,
): number | undefined {
  const matrix = asArray(value);
  if (!matrix) return undefined;
  if (rows && matrix.length !== rows.n)
    report(path, `has ${plural(matrix.length, "row")}, expected ${rows.n} (${rows.why})`);
  const widths = matrix.map((row) => asArray(row)?.length);
  const width = cols ?? firstWidth(widths);
  if (!width) return undefined;
  const wrong = widths.flatMap((w, r) => (w !== undefined && w !== width.n ? [r] : []));
  const first = wrong[0] === undefined ? undefined : widths[wrong[0]];
  const entries = (n: number | undefined): string => plural(n ?? 0, "entry", "entries");
  if (wrong.length > 1 && wrong.length === matrix.length && widths.every((w) => w === first)) {
    report(path, `every row has ${entries(first)}, expected ${width.n} (${width.why})`);
  } else {
    for (const r of wrong) report([...path, r], `row has ${entries(widths[r])}, expected ${width.n} (${width.why})`);
  }
  return width.n;
}

function firstWidth(widths: (number | undefined)[]): Dim | undefined {
  const n = widths.find((w) => w !== undefined);
  return n === undefined ? undefined : { n, why: "as wide as the first row" };
}

export function checkVector(value: unknown, path: Path, length: Dim | undefined, report: Report): void {
  const vector = asArray(value);
  if (vector && length && vector.length !== length.n) {
    report(path, `has ${plural(vector.length, "entry", "entries")}, expected ${length.n} (${length.why})`);
  }
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** The length of a vocab or label list, when it is usable as a size (an empty list is reported by the schema). */
export function listLength(value: unknown): number | undefined {
  const n = asArray(value)?.length;
  return n === 0 ? undefined : n;
}

/** A size to check others against; out-of-range sizes are reported by the schema and not used here. */
export function asPositiveInt(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 1 && value <= MAX_DIM ? value : undefined;
}

/** An embedding: one row per vocab token, d >= 1 wide. Returns d, when it can be read. */
export function checkEmbedding(model: Readonly<Record<string, unknown>>, key: string, report: Report): Dim | undefined {
  const vocab = listLength(model["vocab"]);
  const perToken = vocab === undefined ? undefined : { n: vocab, why: "one row per vocab token" };
  const d = checkMatrix(model[key], [key], perToken, undefined, report);
  if (d === 0) report([key], "rows are empty, the embedding width d must be at least 1");
  return d ? { n: d, why: "the embedding width d" } : undefined;
}

/** The linear head: one row per label, each as wide as what it reads (`input`), and a bias per label. */
export function checkHead(model: Readonly<Record<string, unknown>>, input: Dim | undefined, report: Report): void {
  const head = asRecord(model["head"]);
  if (!head) return;
  const labels = listLength(model["labels"]);
  const perLabel = labels === undefined ? undefined : { n: labels, why: "one per label" };
  checkMatrix(head["weight"], ["head", "weight"], perLabel, input, report);
  checkVector(head["bias"], ["head", "bias"], perLabel, report);
}
