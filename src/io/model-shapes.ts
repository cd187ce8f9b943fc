/**
 * Shape checks of a model file: the part of validity that types cannot say (matrix sizes agree with vocab, hidden and
 * the previous layer; DFA states and labels are in range).
 *
 * They run even when other fields have type errors (so one pass reports everything), hence they read the value as
 * `unknown` and check only what is well-typed; zod reports the rest. Each mismatch says where the expected size
 * comes from ("has 7 rows, expected 8 (4 gates (i|f|g|o) x hidden 2)").
 */
import type * as z from "zod";
import { MAX_DIM } from "./limits.js";

type Path = (string | number)[];
type Report = (path: Path, message: string) => void;
/** An expected size and the reason for it. */
interface Dim {
  readonly n: number;
  readonly why: string;
}

const GATES = { elman: 1, lstm: 4, gru: 3 } as const;
const GATE_ORDER = { elman: "", lstm: " (i|f|g|o)", gru: " (r|z|n)" } as const;

export function checkRecurrentShapes(value: unknown, ctx: z.RefinementCtx): void {
  const m = asRecord(value);
  if (!m) return;
  const report = reporter(ctx);
  const vocab = listLength(m["vocab"]);
  const labels = listLength(m["labels"]);
  const d = checkMatrix(
    m["embedding"],
    ["embedding"],
    vocab === undefined ? undefined : { n: vocab, why: "one row per vocab token" },
    undefined,
    report,
  );
  if (d === 0) report(["embedding"], "rows are empty, the embedding width d must be at least 1");
  if (d)
    checkMatrix(
      m["positionEmbedding"],
      ["positionEmbedding"],
      undefined,
      { n: d, why: "the embedding width d" },
      report,
    );
  let input: Dim | undefined = d ? { n: d, why: "the embedding width d" } : undefined;
  const layers = asArray(m["layers"]) ?? [];
  layers.forEach((layer, i) => {
    input = checkLayer(layer, ["layers", i], input, report);
  });
  if (layers.length === 0) input = undefined; // no layers is reported by the schema; the head has nothing to match
  const head = asRecord(m["head"]);
  if (!head) return;
  const perLabel = labels === undefined ? undefined : { n: labels, why: "one per label" };
  checkMatrix(head["weight"], ["head", "weight"], perLabel, input, report);
  checkVector(head["bias"], ["head", "bias"], perLabel, report);
}

/** Checks one recurrent layer against its input width; returns its output width (its hidden). */
function checkLayer(value: unknown, path: Path, input: Dim | undefined, report: Report): Dim | undefined {
  const layer = asRecord(value);
  if (!layer) return undefined;
  const at = (key: string): Path => [...path, key];
  const h = asPositiveInt(layer["hidden"]);
  const hidden = h === undefined ? undefined : { n: h, why: `hidden ${h}` };
  const cell = layer["cell"];
  if (cell === "elman" || cell === "lstm" || cell === "gru") {
    const g = GATES[cell];
    const rows =
      h === undefined
        ? undefined
        : { n: g * h, why: g === 1 ? `hidden ${h}` : `${g} gates${GATE_ORDER[cell]} x hidden ${h}` };
    checkMatrix(layer["weight_ih"], at("weight_ih"), rows, input, report);
    checkMatrix(layer["weight_hh"], at("weight_hh"), rows, hidden, report);
    checkVector(layer["bias_ih"], at("bias_ih"), rows, report);
    checkVector(layer["bias_hh"], at("bias_hh"), rows, report);
  } else if (cell === "linear") {
    checkVector(layer["a"], at("a"), hidden, report);
    checkMatrix(layer["b"], at("b"), hidden, input, report);
    checkVector(layer["bias"], at("bias"), hidden, report);
  }
  return h === undefined ? undefined : { n: h, why: `hidden ${h} of layer ${String(path.at(-1))}` };
}

export function checkDfaShapes(value: unknown, ctx: z.RefinementCtx): void {
  const m = asRecord(value);
  if (!m) return;
  const report = reporter(ctx);
  const states = asPositiveInt(m["states"]);
  const vocab = listLength(m["vocab"]);
  const labels = listLength(m["labels"]);
  const stateRange = states === undefined ? "" : `, states are 0 to ${states - 1}`;
  const start = m["start"];
  if (states !== undefined && Number.isSafeInteger(start) && (start as number) >= states) {
    report(["start"], `start state ${String(start)} is out of range${stateRange}`);
  }
  const perState = states === undefined ? undefined : { n: states, why: "one per state" };
  const perToken = vocab === undefined ? undefined : { n: vocab, why: "one column per vocab token" };
  checkMatrix(m["transitions"], ["transitions"], perState, perToken, report);
  asArray(m["transitions"])?.forEach((row, q) => {
    asArray(row)?.forEach((next, t) => {
      if (states !== undefined && Number.isSafeInteger(next) && (next as number) >= states) {
        report(["transitions", q, t], `next state ${String(next)} is out of range${stateRange}`);
      }
    });
  });
  checkVector(m["output"], ["output"], perState, report);
  asArray(m["output"])?.forEach((label, q) => {
    if (labels !== undefined && Number.isSafeInteger(label) && (label as number) >= labels) {
      report(["output", q], `label index ${String(label)} is out of range, labels are 0 to ${labels - 1}`);
    }
  });
}

/** Transformer shapes: embeddings d wide, every head m x d (m the first head's), W_O d x mH, FFN f, norms d. */
export function checkTransformerShapes(value: unknown, ctx: z.RefinementCtx): void {
  const t = asRecord(value);
  if (!t) return;
  const report = reporter(ctx);
  const vocab = listLength(t["vocab"]);
  const labels = listLength(t["labels"]);
  const w = checkMatrix(
    t["tokenEmbedding"],
    ["tokenEmbedding"],
    vocab === undefined ? undefined : { n: vocab, why: "one row per vocab token" },
    undefined,
    report,
  );
  if (w === 0) report(["tokenEmbedding"], "rows are empty, the embedding width d must be at least 1");
  const d: Dim | undefined = w ? { n: w, why: "the embedding width d" } : undefined;
  checkMatrix(t["positionEmbedding"], ["positionEmbedding"], undefined, d, report);
  if (asArray(t["positionEmbedding"])?.length === 0)
    report(["positionEmbedding"], "has no rows: the model must take at least one position");
  asArray(t["layers"])?.forEach((layer, i) => checkTransformerLayer(layer, ["layers", i], d, report));
  const head = asRecord(t["head"]);
  if (!head) return;
  const perLabel = labels === undefined ? undefined : { n: labels, why: "one per label" };
  checkMatrix(head["weight"], ["head", "weight"], perLabel, d, report);
  checkVector(head["bias"], ["head", "bias"], perLabel, report);
}

function checkTransformerLayer(value: unknown, path: Path, d: Dim | undefined, report: Report): void {
  const layer = asRecord(value);
  if (!layer) return;
  const at = (...keys: (string | number)[]): Path => [...path, ...keys];
  const heads = asArray(layer["heads"]) ?? [];
  const firstQuery = asArray(asRecord(heads[0])?.["query"]);
  const m: Dim | undefined =
    firstQuery && firstQuery.length > 0 ? { n: firstQuery.length, why: "the head width m of head 0" } : undefined;
  if (firstQuery?.length === 0) report(at("heads", 0, "query"), "has no rows: the head width m must be at least 1");
  heads.forEach((head, h) => {
    const r = asRecord(head);
    if (!r) return;
    for (const key of ["query", "key", "value"]) checkMatrix(r[key], at("heads", h, key), m, d, report);
  });
  const mH = m && { n: m.n * heads.length, why: `m ${m.n} x ${heads.length} heads` };
  checkMatrix(layer["output"], at("output"), d, mH, report);
  const ffn = asRecord(layer["ffn"]);
  if (ffn) {
    const f = asArray(ffn["bias1"])?.length;
    const hidden = f === undefined ? undefined : { n: f, why: "the FFN width f (length of bias1)" };
    checkMatrix(ffn["weight1"], at("ffn", "weight1"), hidden, d, report);
    checkMatrix(ffn["weight2"], at("ffn", "weight2"), d, hidden, report);
    checkVector(ffn["bias2"], at("ffn", "bias2"), d, report);
  }
  for (const key of ["norm1", "norm2"]) {
    const norm = asRecord(layer[key]);
    if (!norm) continue;
    checkVector(norm["weight"], at(key, "weight"), d, report);
    checkVector(norm["bias"], at(key, "bias"), d, report);
  }
}

/**
 * Checks row count and row widths; returns the width (the expected one, or the first row's when none is expected).
 * When every row has the same wrong width (a transposed matrix, a wrong hidden) that is one problem, not one per row.
 */
function checkMatrix(
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

function checkVector(value: unknown, path: Path, length: Dim | undefined, report: Report): void {
  const vector = asArray(value);
  if (vector && length && vector.length !== length.n) {
    report(path, `has ${plural(vector.length, "entry", "entries")}, expected ${length.n} (${length.why})`);
  }
}

function reporter(ctx: z.RefinementCtx): Report {
  return (path, message) => ctx.addIssue({ code: "custom", path, message });
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** A size to check others against; out-of-range sizes are reported by the schema and not used here. */
/** The length of a vocab or label list, when it is usable as a size (an empty list is reported by the schema). */
function listLength(value: unknown): number | undefined {
  const n = asArray(value)?.length;
  return n === 0 ? undefined : n;
}

function asPositiveInt(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 1 && value <= MAX_DIM ? value : undefined;
}
