/**
 * Markdown tables for bench/README.md from the JSON the benchmarks wrote. The README's tables are this script's
 * output, pasted. Run: npx tsx bench/table.ts [--quick] (reads bench/results/NAME.json, or bench/results/quick/NAME.json).
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { count, duration, median, powerOfTwo } from "./numbers.js";
import { resultPath } from "./results.js";

/* The shapes below are the parts of the JSON the tables read (written by refuters.ts, forward.ts, pytorch-lstm.py). */
interface Search {
  runs?: number;
  ms?: number;
  strategy?: string;
  verdict?: string;
  refused?: string;
}
interface RefuterCase {
  id: string;
  c: { bits: number; meaning: string };
  expectedRandomRuns: number | null;
  randomTesting: {
    budget: number;
    skipped?: string;
    chanceToFind: number | null;
    seeds?: { found: boolean; runs: number; ms: number }[];
  };
  exhaustive: Search;
  collisionAlone?: { feed: string; seeds: Search[] };
  previous?: { medianRuns: number | null; dedupRuns: number | null } | null;
  ccbound: { seeds: Search[] };
  dedup?: Search;
}
interface ForwardRow {
  cell: string;
  hidden: number;
  format: string;
  stepsPerSecond: number;
  naiveStepsPerSecond: number;
}
interface PytorchResult {
  torch: string;
  lstmHidden64: { mode: string; threads: number; stepsPerSecond: number }[];
  sequenceOneThread: { cell: string; hidden: number; stepsPerSecond: number }[];
}

const row = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
const header = (cells: readonly string[]) => [row(cells), row(cells.map(() => "---"))];

/** Median runs and time over seeds; a seed without an error counts as more than the budget. */
function randomCell(c: RefuterCase): { runs: string; time: string; median: number } {
  const r = c.randomTesting;
  if (r.skipped !== undefined || r.seeds === undefined)
    return {
      runs: `not run (P = ${(100 * (r.chanceToFind ?? 0)).toFixed(1)}% in ${count(r.budget)})`,
      time: "–",
      median: Infinity,
    };
  const found = r.seeds.filter((s) => s.found).length;
  const med = median(r.seeds.map((s) => (s.found ? s.runs : Infinity)));
  const time = median(r.seeds.map((s) => (s.found ? s.ms : Infinity)));
  const spent = median(r.seeds.map((s) => s.ms));
  return {
    runs: `${Number.isFinite(med) ? count(med) : `> ${count(r.budget)}`} (${found}/${r.seeds.length})`,
    time: Number.isFinite(time) ? duration(time) : `> ${duration(spent)}`,
    median: Number.isFinite(med) ? med : Infinity,
  };
}

function searchCell(s: Search | undefined): { runs: string; time: string } {
  if (s === undefined) return { runs: "–", time: "–" };
  if (s.refused !== undefined) return { runs: s.refused.includes("2^24") ? "refused (> 2^24)" : "refused", time: "–" };
  const mark = s.verdict === "refuted" ? "" : ` (${s.verdict})`;
  return { runs: `${count(s.runs!)}${mark}`, time: duration(s.ms!) };
}

/** Random testing's median over ccbound's: "> x" when random testing's median seed found nothing within its budget. */
function ratio(c: RefuterCase, randomMedian: number, ccboundRuns: number): string {
  if (Number.isFinite(randomMedian)) return readableRatio(randomMedian / ccboundRuns);
  return c.randomTesting.skipped === undefined ? `> ${count(c.randomTesting.budget / ccboundRuns)}` : "–";
}

/** Whole numbers from 10 up, two significant digits below. */
function readableRatio(x: number): string {
  return x >= 10 ? count(x) : String(Number(x.toPrecision(2)));
}

export function refutersTable(cases: readonly RefuterCase[]): string[] {
  const lines = header([
    "model, task",
    "c",
    "2^(c/2)",
    "2^c + 1",
    "1/p",
    "random testing: runs (seeds found)",
    "exhaustive: runs",
    "collision search alone: runs",
    "dedup walk: runs",
    "ccbound 0.1: runs",
    "best single method",
    "portfolio: runs",
    "time",
    "found by",
    "portfolio ÷ best",
    "random ÷ portfolio",
  ]);
  for (const c of cases) {
    const random = randomCell(c);
    const done = c.ccbound.seeds.filter((s) => s.verdict === "refuted");
    const runs = median(done.map((s) => s.runs!));
    const feeds = [...new Set(c.ccbound.seeds.map((s) => (s as { feed?: string }).feed ?? "none"))].join(", ");
    const portfolio =
      done.length === c.ccbound.seeds.length
        ? { runs: count(runs), time: duration(median(done.map((s) => s.ms!))) }
        : { runs: `${done.length}/${c.ccbound.seeds.length} refuted`, time: "–" };
    const alone = c.collisionAlone;
    const aloneDone = alone ? alone.seeds.filter((s) => s.verdict === "refuted") : [];
    const aloneRuns =
      alone && aloneDone.length === alone.seeds.length ? median(aloneDone.map((s) => s.runs!)) : Infinity;
    const exhaustiveRuns = c.exhaustive.verdict === "refuted" ? c.exhaustive.runs! : Infinity;
    const dedupRuns = c.dedup?.verdict === "refuted" ? c.dedup.runs! : Infinity;
    const previousRuns = c.previous?.medianRuns ?? Infinity;
    const best = Math.min(random.median, exhaustiveRuns, aloneRuns, dedupRuns, previousRuns);
    lines.push(
      row([
        c.id,
        `${c.c.bits} (${c.c.meaning})`,
        powerOfTwo(c.c.bits / 2),
        powerOfTwo(c.c.bits, true),
        c.expectedRandomRuns === null ? "–" : count(c.expectedRandomRuns),
        random.runs,
        searchCell(c.exhaustive).runs,
        alone
          ? Number.isFinite(aloneRuns)
            ? `${count(aloneRuns)} (${alone.feed})`
            : `${aloneDone.length}/${alone.seeds.length} refuted`
          : "–",
        searchCell(c.dedup).runs,
        Number.isFinite(previousRuns) ? count(previousRuns) : "–",
        Number.isFinite(best) ? count(best) : "–",
        portfolio.runs,
        portfolio.time,
        feeds,
        Number.isFinite(best) && done.length === c.ccbound.seeds.length ? readableRatio(runs / best) : "–",
        ratio(c, random.median, runs),
      ]),
    );
  }
  return lines;
}

export function forwardTable(rows: readonly ForwardRow[]): string[] {
  const formats = [...new Set(rows.map((r) => r.format))];
  const lines = header(["cell", "hidden", ...formats.map((f) => `${f}: ccbound / naive`)]);
  const keys = [...new Set(rows.map((r) => `${r.cell} ${r.hidden}`))];
  for (const key of keys) {
    const [cell, hidden] = key.split(" ");
    const cells = formats.map((f) => {
      const r = rows.find((x) => `${x.cell} ${x.hidden}` === key && x.format === f)!;
      return `${count(r.stepsPerSecond)} / ${count(r.naiveStepsPerSecond)} (${(r.stepsPerSecond / r.naiveStepsPerSecond).toFixed(0)}x)`;
    });
    lines.push(row([cell!, hidden!, ...cells]));
  }
  return lines;
}

/** float32 steps per second beside PyTorch's (one thread, its own sequence loop), and the ratio. */
export function pytorchTable(rows: readonly ForwardRow[], torch: PytorchResult): string[] {
  const lines = header(["cell", "hidden", "ccbound float32", `PyTorch ${torch.torch} float32`, "ccbound ÷ PyTorch"]);
  for (const t of torch.sequenceOneThread) {
    const r = rows.find((x) => x.cell === t.cell && x.hidden === t.hidden && x.format === "float32");
    if (r === undefined) continue;
    lines.push(
      row([
        t.cell,
        String(t.hidden),
        count(r.stepsPerSecond),
        count(t.stepsPerSecond),
        (r.stepsPerSecond / t.stepsPerSecond).toFixed(2),
      ]),
    );
  }
  return lines;
}

function readJson<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as T) : undefined;
}

/** Every table whose results exist, as one markdown text. */
export function tables(quick: boolean): string {
  const out: string[] = [];
  const refuters = readJson<{ cases: RefuterCase[] }>(resultPath("refuters", quick));
  if (refuters) out.push("Refuters (bench/refuters.ts):", "", ...refutersTable(refuters.cases), "");
  const forward = readJson<{ forward: ForwardRow[] }>(resultPath("forward", quick));
  if (forward) out.push("Forward pass, steps per second (bench/forward.ts):", "", ...forwardTable(forward.forward), "");
  const torch = readJson<PytorchResult>(resultPath("pytorch-lstm", false));
  if (forward && torch)
    out.push(
      "Against PyTorch (bench/pytorch-lstm.py, sequence mode, 1 thread):",
      "",
      ...pytorchTable(forward.forward, torch),
      "",
    );
  return out.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(tables(process.argv.includes("--quick")));
