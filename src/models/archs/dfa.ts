/**
 * `arch: "dfa"`: a deterministic finite automaton, a recurrent model with a time-invariant step (Lemma 4) whose state
 * is one value of ceil(log2 states) bits. It has no number format.
 */
import * as z from "zod";
import { fail } from "../../errors.js";
import { MAX_DIM, MAX_TOKENS } from "../../limits.js";
import { Rng } from "../../random.js";
import { compileDfa } from "../dfa.js";
import { modelFile, header, index, names, size, type Same } from "../file-schema.js";
import { asArray, asPositiveInt, checkMatrix, checkVector, listLength, type Report } from "../shapes.js";
import type { ArchKind, ModelHeader } from "./arch.js";

/** A deterministic finite automaton; its state is ceil(log2 states) bits. Output label per state. */
export interface DfaModelSpec extends ModelHeader {
  arch: "dfa";
  states: number;
  start: number;
  transitions: number[][]; // states x vocab -> next state
  output: number[]; // states -> label index
}

const fileSchema = modelFile(
  {
    ...header,
    arch: z.literal("dfa"),
    ...names,
    states: size,
    start: index,
    transitions: z.array(z.array(index).max(MAX_TOKENS)).max(MAX_DIM).describe("states x vocab: the next state"),
    output: z.array(index).max(MAX_DIM).describe("states: the label index of each state"),
  },
  checkShapes,
);

// Compile-time proof that the schema and the type describe the same objects, both ways.
const schemaMatchesType: Same<z.output<typeof fileSchema>, DfaModelSpec> = true;
void schemaMatchesType;

/** The transition table is states x vocab, and every state and label index is in range. */
function checkShapes(m: Readonly<Record<string, unknown>>, report: Report): void {
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

export const dfa: ArchKind<DfaModelSpec> = {
  name: "dfa",
  about: "a deterministic finite automaton: a transition table and an output label per state",
  noun: "a DFA",
  schema: fileSchema,
  compile: compileDfa,
  inFormat: (_spec, _format, where) => fail("invalid-flag", "a DFA has no number format", where),
  describe: (spec) => `dfa, ${spec.states} states`,
  randomKinds: [{ name: "dfa", about: "a random automaton with --hidden states" }],
  random(o) {
    const rng = new Rng(o.seed);
    const states = o.hidden;
    return {
      ccbound: "model",
      version: 1,
      name: `random dfa hidden=${states} seed=${o.seed}`,
      vocab: [...o.vocab],
      labels: [...o.labels],
      arch: "dfa",
      states,
      start: 0,
      transitions: Array.from({ length: states }, () => Array.from({ length: o.vocab.length }, () => rng.int(states))),
      output: Array.from({ length: states }, () => rng.int(o.labels.length)),
    };
  },
  randomNumbers: (o) => o.hidden * (o.vocab.length + 1),
};
