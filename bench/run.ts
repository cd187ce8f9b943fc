/**
 * The benchmark harness: runs every benchmark in its own process (so no benchmark's JIT state colours another's),
 * passes --quick through, writes each one's JSON to bench/results/NAME.json (with --quick to bench/results/quick/,
 * which git ignores), a summary of the whole run to run.json there, and prints the markdown tables of bench/README.md.
 * Run: npm run bench            (full: about 25 minutes on a 2-core machine, most of it random testing)
 *      npm run bench -- --quick (short budgets: under 2 minutes)
 */
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { join } from "node:path";
import { benchArgs, emit } from "./args.js";
import { resultPath } from "./results.js";
import { tables } from "./table.js";

/** Every benchmark that takes --quick and --out. Not here: pytorch-lstm.py (needs PyTorch) and rho.ts (its own flags, all cores). */
const BENCHMARKS = ["forward", "numeric-matvec", "transformer", "constructions", "refuters"] as const;

const args = benchArgs();
const here = import.meta.dirname;

/** One benchmark as a child process: its JSON goes to the results file, its progress (stderr) to ours. */
function runOne(name: string): { name: string; file: string; seconds: number; status: number | null } {
  const file = resultPath(name, args.quick);
  const flags = [...(args.quick ? ["--quick"] : []), "--out", file];
  const t0 = performance.now();
  process.stderr.write(`bench: ${name}${args.quick ? " --quick" : ""}\n`);
  const child = spawnSync(process.execPath, [...process.execArgv, join(here, `${name}.ts`), ...flags], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const seconds = Number(((performance.now() - t0) / 1000).toFixed(1));
  process.stderr.write(
    `bench: ${name} ${child.status === 0 ? "done" : `FAILED (exit ${child.status})`} in ${seconds} s\n`,
  );
  return { name, file, seconds, status: child.status };
}

// The 1-minute load average before and after: on a shared machine it says how much the figures were contended.
const load = () => loadavg().map((x) => Number(x.toFixed(2)));
const before = { at: new Date().toISOString(), loadAverage: load() };
const t0 = performance.now();
const runs = BENCHMARKS.map(runOne);
const after = { at: new Date().toISOString(), loadAverage: load() };
const summary = {
  bench: "run",
  node: process.version,
  quick: args.quick,
  before,
  after,
  seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
  benchmarks: runs,
};
emit(summary, { quick: args.quick, out: resultPath("run", args.quick) });
process.stdout.write(`\n${tables(args.quick)}`);
if (runs.some((r) => r.status !== 0)) process.exitCode = 1;
