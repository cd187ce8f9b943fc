import { InvalidArgumentError, type Command } from "commander";
import {
  log2Ceil,
  boundParams,
  parseRational,
  ratString,
  REGISTRY_TASKS,
  summaryTable,
  TABLE_ARCHS,
  type EvaluatedResult,
  type Params,
  type Quantity,
  type Rational,
  type RegistryTask,
  type TableArch,
  type TableRow,
} from "../../registry/index.js";
import { oneOf, wholeNumber } from "../options.js";
import { printJson, printText } from "../print.js";

interface BoundsOptions {
  n: bigint;
  precision: number;
  task?: RegistryTask;
  arch?: TableArch;
  alphabet?: number;
  gamma?: Rational;
  sparsity?: number;
  passes?: number;
  json?: boolean;
}

/** A whole number of any size (N may go past 2^53); the range is checked with the other parameters. */
function bigWhole(what: string) {
  return (raw: string): bigint => {
    if (!/^\s*\d+\s*$/.test(raw)) throw new InvalidArgumentError(`${what} must be a whole number.`);
    return BigInt(raw.trim());
  };
}

function fraction(raw: string): Rational {
  const r = parseRational(raw);
  if (!r) throw new InvalidArgumentError("--gamma must be a fraction like 1/4 or a decimal like 0.25.");
  return r;
}

export function registerBounds(program: Command): void {
  program
    .command("bounds")
    .description("the paper's summary table evaluated at N and p: lower bounds and the constructions' sizes, exactly")
    .requiredOption("--n <N>", "input length N (up to 2^64)", bigWhole("--n"))
    .requiredOption("--precision <P>", "bits of precision p", wholeNumber("--precision", 1, 2 ** 20))
    .option("--task <T>", `only this task: ${REGISTRY_TASKS.join(", ")}`, oneOf("--task", REGISTRY_TASKS))
    .option("--arch <A>", `only this architecture: ${TABLE_ARCHS.join(", ")}`, oneOf("--arch", TABLE_ARCHS))
    .option(
      "--alphabet <K>",
      "alphabet size |Σ| for index lookup, associative recall and copy (default 2)",
      wholeNumber("--alphabet", 2, 2 ** 32),
    )
    .option("--gamma <G>", "nearest-neighbour margin γ, e.g. 1/4 (default 1/4)", fraction)
    .option("--sparsity <k>", "k of THRES_{k,N}: heads of Theorem 13 (default 2)", wholeNumber("--sparsity", 1, 64))
    .option(
      "--passes <K>",
      "the input read K times (JRT-Prompt): adds the multi-pass bound for recurrent models (default 1)",
      wholeNumber("--passes", 1, 16),
    )
    .option("--json", "one JSON object on stdout")
    .action((o: BoundsOptions) => bounds(o));
}

function bounds(o: BoundsOptions): void {
  const at = boundParams({
    n: o.n,
    p: o.precision,
    ...(o.alphabet !== undefined && { alphabet: o.alphabet }),
    ...(o.gamma !== undefined && { gamma: o.gamma }),
    ...(o.sparsity !== undefined && { sparsity: o.sparsity }),
    ...(o.passes !== undefined && { passes: o.passes }),
  });
  const rows = summaryTable(at, { ...(o.task && { task: o.task }), ...(o.arch && { arch: o.arch }) });
  if (o.json) printJson(jsonReport(at, rows));
  else printText(humanReport(at, rows));
}

const CONVENTIONS = {
  logN: "log N = ⌈log2 N⌉, the extra bits of a sum of N values of p bits (Theorem 4's normalisers)",
  ln: "ln is the natural log (Lemma 2: k >= (8/γ²) ln 2N from Hoeffding and a union bound)",
  least:
    "least: the least integer value of the quantity that satisfies the bound, or the construction's size rounded up",
  values: "exact values are decimal strings, rationals as a/b; approx has 6 significant digits",
  sizes: "construction sizes are the paper's formulas, not measured",
};

function paramsJson(at: Params) {
  return {
    n: at.n.toString(),
    p: at.p.toString(),
    alphabet: at.alphabet.toString(),
    gamma: ratString(at.gamma),
    sparsity: at.sparsity.toString(),
    passes: at.passes.toString(),
    logN: log2Ceil(at.n),
  };
}

function quantityJson(q: Quantity) {
  return {
    quantity: q.quantity,
    relation: q.relation,
    formula: q.formula,
    ...(q.exact && { exact: ratString(q.exact) }),
    approx: q.approx,
    least: q.least.toString(),
    ...(q.per && { per: q.per }),
    text: q.text,
  };
}

function resultJson({ result, evaluation }: EvaluatedResult) {
  const base = {
    id: result.id,
    name: result.name,
    kind: result.kind,
    bound: result.paperBound ?? result.bound,
    writeup: result.writeup,
  };
  if (!evaluation.applicable) return { ...base, applicable: false, why: evaluation.why };
  const label = result.kind === "upper" ? { label: "the paper's formula" } : {};
  return {
    ...base,
    applicable: true,
    source: evaluation.source,
    ...label,
    quantities: evaluation.quantities.map(quantityJson),
    notes: evaluation.notes,
  };
}

function jsonReport(at: Params, rows: readonly TableRow[]) {
  return {
    params: paramsJson(at),
    conventions: CONVENTIONS,
    rows: rows.map((r) => ({
      task: r.task,
      arch: r.arch,
      ...(r.note !== undefined && { note: r.note }),
      results: r.results.map(resultJson),
    })),
  };
}

/** One line per result in a cell (or the cell's note), aligned; then the notes, each once. */
function humanReport(at: Params, rows: readonly TableRow[]): string {
  const lines: string[][] = [["task", "architecture", "kind", "bound at these N, p", "by", "formula"]];
  const notes = new Map<string, string[]>();
  for (const row of rows) {
    // A cell with no result of the paper (open, or cited from elsewhere): its note goes in the last, unpadded column.
    if (row.results.length === 0)
      lines.push([row.task, row.arch, row.note?.startsWith("open") ? "open" : "cited", "-", "-", row.note ?? ""]);
    for (const { result, evaluation } of row.results) {
      const by = row.note?.startsWith("via") ? `via ${result.name}` : result.name;
      if (!evaluation.applicable) {
        lines.push([row.task, row.arch, result.kind, `n/a: ${evaluation.why}`, by, result.paperBound ?? result.bound]);
        continue;
      }
      const kind =
        result.kind === "upper"
          ? "upper (paper's formula)"
          : evaluation.source === "derived"
            ? "lower (derived)"
            : "lower";
      lines.push([
        row.task,
        row.arch,
        kind,
        evaluation.quantities.map((q) => q.text).join(", "),
        by,
        evaluation.quantities.map((q) => q.formula).join("; "),
      ]);
      for (const n of evaluation.notes)
        notes.set(
          n,
          [...(notes.get(n) ?? []), result.name].filter((v, i, a) => a.indexOf(v) === i),
        );
    }
  }
  const widths = lines[0]!.map((_, c) => Math.max(...lines.map((l) => l[c]!.length)));
  const table = lines.map((l) =>
    l
      .map((cell, c) => (c === l.length - 1 ? cell : cell.padEnd(widths[c]!)))
      .join("  ")
      .trimEnd(),
  );
  const head = `N = ${at.n}, p = ${at.p}, |Σ| = ${at.alphabet}, γ = ${ratString(at.gamma)}, k = ${at.sparsity}${at.passes > 1n ? `, K = ${at.passes} passes` : ""}; log N = ⌈log2 N⌉ = ${log2Ceil(at.n)}`;
  const foot = [...notes].map(([text, who]) => `- ${who.join(", ")}: ${text}`);
  const cells = rows
    .filter((r) => r.note !== undefined && r.results.length > 0)
    .map((r) => `- ${r.task}, ${r.arch}: ${r.note}`);
  const notesBlock = cells.length + foot.length > 0 ? ["", "notes:", ...cells, ...foot] : [];
  return `${[head, "", ...table, ...notesBlock].join("\n")}\n`;
}
