/*
 * The rho search on hash-equality RNNs (zoo `hash-equality`) at N = 128, c = 16..48 bits of hash: runs to a
 * collision against 2^(c/2), wall and CPU time, memory kept, on all cores. Writes JSON; asserts nothing.
 *
 *   npx tsx bench/rho.ts --bits 16,20,24,28,32,36,40,44,48 --out bench/results/rho.json
 *   npx tsx bench/rho.ts --bits 36 --workers 1,2          (the speed-up on 2 cores)
 *
 * tsx runs the sources, and the workers it starts load them through tsx too (about a second each to start, which
 * only the smallest c notice). processCpuSeconds is the whole process's CPU time, workers included; on a machine
 * shared with other work, wall time divided by it shows how much of the cores the search got.
 */
import { writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { makeTask } from "../src/tasks/index.js";
import { hashEquality } from "../src/zoo/hash-equality.js";
import { refuteParallel } from "../src/refute/check.js";
import { RhoSequencer } from "../src/refute/rho/sequencer.js";
import { uniformSpace } from "../src/refute/rho/uniform-space.js";
import { RhoWalker, rhoParams } from "../src/refute/rho/walker.js";

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

interface Row {
  n: number;
  bits: number;
  seed: number;
  workers: number;
  verdict: string;
  runs: number;
  ratio: number;
  wallSeconds: number;
  runsPerSecond: number;
  processCpuSeconds: number;
  memory: unknown;
  trails: number | undefined;
  falseAlarms: number | undefined;
  distinguishedBits: number | undefined;
  budget: number;
}

const n = Number(flag("n", "128"));
const bitsList = flag("bits", "16,20,24,28,32,36,40,44,48").split(",").map(Number);
const workersList = flag("workers", String(availableParallelism())).split(",").map(Number);
const seeds = Number(flag("seeds", "1"));
const out = flag("out", "");

const rows: Row[] = [];
for (const bits of bitsList) {
  for (const workers of workersList) {
    for (let seed = 1; seed <= seeds; seed++) {
      const spec = hashEquality({ n, bits, seed });
      const task = makeTask("equality", n);
      // Budget: 8x the expected runs; the memory bound stays the default 2^16 points.
      const budget = 2 ** Math.ceil(bits / 2 + 3);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const v = await refuteParallel(spec, task, { strategy: "rho", budget, seed, workers, only: ["rho"] });
      const wall = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const row: Row = {
        n,
        bits,
        seed,
        workers,
        verdict: v.kind,
        runs: v.search.runs,
        ratio: v.search.runs / 2 ** (bits / 2),
        wallSeconds: wall,
        runsPerSecond: v.search.runs / wall,
        processCpuSeconds: (cpu.user + cpu.system) / 1e6,
        memory: v.search.rho && {
          points: v.search.rho.points,
          bytesPerPoint: v.search.rho.bytesPerPoint,
          keptBytes: v.search.rho.points * v.search.rho.bytesPerPoint,
          tableBytes: v.search.rho.tableBytes,
          maxPoints: v.search.rho.maxPoints,
        },
        trails: v.search.rho?.trails,
        falseAlarms: v.search.rho?.falseAlarms,
        distinguishedBits: v.search.rho?.distinguishedBits,
        budget,
      };
      rows.push(row);
      process.stderr.write(`${JSON.stringify(row)}\n`);
    }
  }
}
/**
 * The same walk on uniformly random c-bit transcripts (no model, one thread): the algorithm's own cost, against the
 * birthday figure sqrt(pi/2) 2^(c/2) = 1.25 2^(c/2).
 */
const uniformSeeds = Number(flag("uniform-seeds", "16"));
const uniform = bitsList.map((bits) => {
  const ratios: number[] = [];
  const t0 = performance.now();
  for (let seed = 1; seed <= uniformSeeds; seed++) {
    const budget = 2 ** Math.ceil(bits / 2 + 3);
    const walker = new RhoWalker(uniformSpace(bits, seed), rhoParams(seed, budget, 2 ** 16));
    const sequencer = new RhoSequencer(walker, 2 ** 16);
    let found;
    for (let j = 0; sequencer.runs < budget && !found; j++)
      found = sequencer.accept(walker.trail(j), budget - sequencer.runs);
    ratios.push(sequencer.runs / 2 ** (bits / 2));
  }
  const row = {
    bits,
    seeds: uniformSeeds,
    meanRatio: ratios.reduce((a, b) => a + b, 0) / ratios.length,
    minRatio: Math.min(...ratios),
    maxRatio: Math.max(...ratios),
    seconds: (performance.now() - t0) / 1000,
  };
  process.stderr.write(`uniform ${JSON.stringify(row)}\n`);
  return row;
});

/** Per (c, workers): the mean and the spread of runs / 2^(c/2) over the seeds, and the mean wall time. */
const summary = [...new Set(rows.map((r) => `${r.bits}/${r.workers}`))].map((key) => {
  const group = rows.filter((r) => `${r.bits}/${r.workers}` === key);
  const ratios = group.map((r) => r.ratio).sort((a, b) => a - b);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    bits: group[0]!.bits,
    workers: group[0]!.workers,
    seeds: group.length,
    meanRatio: mean(ratios),
    minRatio: ratios[0],
    maxRatio: ratios.at(-1),
    meanWallSeconds: mean(group.map((r) => r.wallSeconds)),
    meanRunsPerSecond: mean(group.map((r) => r.runsPerSecond)),
  };
});
const result = {
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  loadAverage: loadavg(),
  date: new Date().toISOString(),
  summary,
  uniform,
  rows,
};
if (out) writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
