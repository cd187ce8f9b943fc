import { fail } from "../errors.js";
import { indexLookupDfa } from "../models/lookup-dfa.js";
import type { ModelSpec } from "../models/spec.js";
import { makeTask, type Task } from "../tasks/index.js";
import { countingDyck } from "./counting-dyck.js";
import { hashEquality } from "./hash-equality.js";
import { partialLookup } from "./partial-lookup.js";

/** The parameters a zoo model takes (each entry reads the ones it needs). */
export interface ZooParams {
  n: number;
  bits?: number;
  seed?: number;
  separator?: boolean;
  forget?: number;
  /** partial-lookup: how many leading symbols it stores. */
  remember?: number;
}

/**
 * Models that are almost right: wrong on few inputs, so random testing rarely finds their errors, while the
 * reductions' searches do. Each entry builds a model file and names the task it is almost right on.
 */
export interface ZooEntry {
  readonly name: string;
  readonly summary: string;
  /** Parameters beyond --n, for the help text. */
  readonly takes: readonly (keyof ZooParams)[];
  build(p: ZooParams): ModelSpec;
  task(p: ZooParams): Task;
}

export const ZOO: readonly ZooEntry[] = [
  {
    name: "hash-equality",
    summary: "an RNN that compares c-bit hashes of the two halves (EQ): wrong exactly on hash collisions",
    takes: ["bits", "seed", "separator"],
    build: (p) => hashEquality({ n: p.n, bits: p.bits ?? 16, seed: p.seed ?? 0, separator: p.separator ?? false }),
    task: (p) => makeTask("equality", p.n, { separator: p.separator ?? false }),
  },
  {
    name: "counting-dyck",
    summary:
      "a one-layer Transformer that sums position-weighted bracket counts (Dyck-(2,2)): right on every member, wrong on a few others",
    takes: [],
    build: (p) => countingDyck({ n: p.n }),
    task: (p) => makeTask("dyck", p.n),
  },
  {
    name: "forgetful-lookup",
    summary: "a DFA that stores every symbol but one position's (index lookup): wrong only when asked for it",
    takes: ["forget"],
    build: (p) => ({
      ...indexLookupDfa(p.n, 2, [p.forget ?? 1]),
      name: `forgetful-lookup n=${p.n} forget=${p.forget ?? 1}`,
    }),
    task: (p) => makeTask("index-lookup", p.n),
  },
  {
    name: "partial-lookup",
    summary:
      "an RNN that stores only the first m symbols (index lookup): wrong when asked for a later position holding 1",
    takes: ["remember"],
    build: (p) => partialLookup({ n: p.n, remember: p.remember }),
    task: (p) => makeTask("index-lookup", p.n),
  },
];

export function zooEntry(name: string): ZooEntry {
  return (
    ZOO.find((e) => e.name === name) ??
    fail("invalid-flag", `no zoo model "${name}"`, "NAME", `one of ${ZOO.map((e) => e.name).join(", ")}`)
  );
}
