/**
 * The paper's constructions verified at scale (issue 4): Theorem 1's index lookup on every one of the N queries of
 * seeded strings at N = 4096 (the goal: under a minute on 2 cores), and the two-layer constructions on seeded samples.
 * Every figure is the time to build the weights and run them in their own number format against the task's answers.
 *   npx tsx bench/constructions.ts [--quick] [--out FILE]
 */
import { benchArgs, emit } from "./args.js";
import {
  disjointnessConstruction,
  equalityConstruction,
  indexLookupConstruction,
  nearestNeighborConstruction,
  verifyWeights,
  type Construction,
  type VerifyOptions,
} from "../src/constructions/index.js";

const args = benchArgs();

function measure(c: Construction, n: number, verify: VerifyOptions) {
  const t0 = performance.now();
  const built = c.build(n);
  const t1 = performance.now();
  const check = verifyWeights(built.spec, built.task, verify);
  const t2 = performance.now();
  const seconds = (t2 - t1) / 1000;
  return {
    construction: c.name,
    n,
    width: built.size.width,
    precision: built.size.precision,
    verified: check.verified,
    mode: check.mode,
    inputs: check.inputs,
    buildSeconds: Number(((t1 - t0) / 1000).toFixed(2)),
    verifySeconds: Number(seconds.toFixed(2)),
    inputsPerSecond: Math.round(check.inputs / seconds),
  };
}

const rows = [
  measure(indexLookupConstruction, args.quick ? 1024 : 4096, { strings: args.quick ? 1 : 4 }),
  measure(equalityConstruction, args.quick ? 64 : 256, { samples: args.quick ? 100 : 1000 }),
  measure(disjointnessConstruction, args.quick ? 64 : 256, { samples: args.quick ? 100 : 1000 }),
  measure(nearestNeighborConstruction, args.quick ? 32 : 128, { samples: args.quick ? 100 : 1000 }),
];
emit({ bench: "constructions", node: process.version, quick: args.quick, rows }, args);
