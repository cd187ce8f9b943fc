import { fail } from "../errors.js";
import { indexLookupDfa } from "../models/lookup-dfa.js";
import type { ModelSpec } from "../models/spec.js";
import { makeTask, type Task } from "../tasks/index.js";
import { countingDyck } from "./counting-dyck.js";
import { hashEquality } from "./hash-equality.js";
import { partialLookup } from "./partial-lookup.js";
import { blindInduction } from "./blind-induction.js";
import { flipLinear, parityElman } from "../models/known-orbits.js";

/** The format of the parity entries: any format holding 0, 1/4, 1/2 and 1 gives the same answers. */
const PARITY_FORMAT = "fixed:2.6";

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
 * Models whose errors are known by construction: most are almost right (wrong on few inputs, so random testing
 * rarely finds their errors, while the reductions' searches do); the parity entries mark where a theorem's scope
 * ends (right on 1 1 1 ... at every length, or right everywhere). Each entry builds a model file and names its task.
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
  {
    name: "flip-linear",
    summary:
      "one diagonal linear unit with a = -1 (parity): right on every 1^t, a negative eigenvalue outside Sarrof et al.'s scope; wrong on inputs with 0s",
    takes: [],
    build: () => flipLinear(PARITY_FORMAT),
    task: (p) => makeTask("parity", p.n),
  },
  {
    name: "parity-relu",
    summary: "a two-unit ReLU Elman network (parity): right on every input, a nonlinear transition no theorem covers",
    takes: [],
    build: () => parityElman(PARITY_FORMAT),
    task: (p) => makeTask("parity", p.n),
  },
  {
    name: "blind-induction",
    summary:
      "a one-layer Transformer that does not tell 0 from 1 and answers 0 (induction heads): its transcripts at the split pairs collide",
    takes: ["seed"],
    build: (p) => blindInduction(p.n, p.seed ?? 1),
    task: (p) => makeTask("induction-heads", p.n),
  },
];

export function zooEntry(name: string): ZooEntry {
  return (
    ZOO.find((e) => e.name === name) ??
    fail("invalid-flag", `no zoo model "${name}"`, "NAME", `one of ${ZOO.map((e) => e.name).join(", ")}`)
  );
}
