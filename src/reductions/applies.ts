import type { ProblemName } from "../cc/problems.js";
import { fail } from "../errors.js";
import type { Model } from "../models/compile.js";
import { stateBits } from "../models/model.js";
import type { TaskName } from "../tasks/task.js";
import type { Task } from "../tasks/task.js";
import { assocRecallFamily } from "./assoc-recall.js";
import { bind, type Binding } from "./bind.js";
import {
  countingModulus,
  notIterated,
  outsideDiagonal,
  outsideNonNegativeDiagonal,
  type StateRepeat,
} from "./dynamics.js";
import { compositionFamily } from "./function-composition.js";
import { copyFamily } from "./copy.js";
import { indexLookupFamily } from "./index-lookup.js";
import { nearestNeighborFamily } from "./nearest-neighbor.js";
import { cutOf, familySize, type OneWayFamily } from "./one-way-family.js";
import { protocolAt, type SplitProtocol } from "./protocol-at.js";
import { cutSplit, type Split } from "./split.js";
import { indexBits, theorem, type Theorem } from "./theorems.js";
import { twoWayFamily, type TwoWayFamily } from "./two-way-family.js";

/*
 * What applies, in one place: for a model, a task (with its parameters) and a split, which of the paper's lower
 * bounds binds, through which communication problem, fooling set, split and protocol, how many bits the model sends
 * across the split and how many the theorem requires. `check`, `verify`, `merge`, `simulate` and `bounds` all ask
 * `reductionFor` (or, without a model, `applicableTheorem`); nothing else decides it.
 */

/** The architecture classes the paper's bounds distinguish. */
export type ArchClass = "recurrent" | "transformer-1" | "transformer-deep";

export function archClassOf(model: Model): ArchClass {
  if (model.kind === "recurrent") return "recurrent";
  return model.layers.length === 1 ? "transformer-1" : "transformer-deep";
}

/** One row of the table: on this task, models of this class are bound by this theorem, unless `unless` says why not. */
interface Row {
  readonly task: TaskName;
  readonly arch: Exclude<ArchClass, "transformer-deep">;
  readonly theorem: string;
  /**
   * How ccbound runs the theorem's argument: one-way, from INDEX (Alice's strings, Bob's queries), or two-way,
   * through a fooling set at a split. Theorem 8 reduces from DISJ in the paper; one query per input is INDEX, which
   * gives the same collision argument and a certificate that is one forward pass (nearest-neighbor.ts). Or by
   * dynamics: the state on 1 1 1 ... repeats, and two lengths with one state get one answer (dynamics.ts).
   */
  readonly via: "one-way" | "two-way" | "dynamics";
  /** Why the row does not apply to these task parameters, or undefined when it does. */
  readonly unless?: (task: Task) => string | undefined;
  /**
   * Why this model is outside the theorem's scope, for a theorem about some models of its class only (the dynamics
   * results cover diagonal linear recurrences, not every recurrent model); undefined when it is inside.
   */
  readonly outside?: (model: Model, task: Task) => string | undefined;
}

const dyck22 = (task: Task) =>
  task.params["pairs"] === 2 && task.params["depth"] === 2
    ? undefined
    : `Lemma 1's fooling set and Theorem 5 are for Dyck-(2,2); this task is Dyck-(${task.params["pairs"]},${task.params["depth"]})`;

const passesOf = (task: Task) => task.params["passes"] ?? 1;
/** The paper's rows are about inputs read once. */
const onePass = (task: Task) =>
  passesOf(task) === 1
    ? undefined
    : `the paper's bound is for inputs read once; this task reads its input ${passesOf(task)} times`;
/** The multi-pass rows are about inputs read more than once. */
const manyPasses = (task: Task) =>
  passesOf(task) > 1 ? undefined : "the multi-pass bound is for inputs read more than once (--passes K, K >= 2)";
/** No result here bounds a one-layer Transformer on a repeated input (its protocol is still Theorem 4's, one round). */
const onePassTf = (task: Task) =>
  passesOf(task) === 1
    ? undefined
    : `no result in the registry bounds one-layer Transformers on inputs read ${passesOf(task)} times (Theorem 4's protocol still applies at the copies' halves; \`simulate\` runs it)`;

/** Alice's choices in the one-way search are one byte each (src/refute/one-way/search-space.ts): n <= 256 values. */
const MAX_COMPOSITION_SEARCH_N = 256;
const composableInBytes = (task: Task) =>
  task.n <= MAX_COMPOSITION_SEARCH_N
    ? undefined
    : `the one-way search writes each of Alice's choices in a byte, so function-composition's reduction runs up to n = ${MAX_COMPOSITION_SEARCH_N} (n values a position); this task has n = ${task.n}`;

const ROWS: readonly Row[] = [
  { task: "index-lookup", arch: "recurrent", theorem: "thm3", via: "one-way" },
  { task: "assoc-recall", arch: "recurrent", theorem: "prop9", via: "one-way" },
  { task: "nearest-neighbor", arch: "recurrent", theorem: "thm8", via: "one-way" },
  // Function composition (Peng et al. 2024): g's table is a one-way INDEX prefix over n symbols for recurrent models.
  {
    task: "function-composition",
    arch: "recurrent",
    theorem: "composition-rnn",
    via: "one-way",
    unless: composableInBytes,
  },
  { task: "copy", arch: "recurrent", theorem: "jelassi-copy", via: "one-way" },
  { task: "equality", arch: "recurrent", theorem: "thm11", via: "two-way", unless: onePass },
  { task: "disjointness", arch: "recurrent", theorem: "disj-rnn", via: "two-way", unless: onePass },
  { task: "equality", arch: "recurrent", theorem: "jrt-multipass", via: "two-way", unless: manyPasses },
  { task: "disjointness", arch: "recurrent", theorem: "jrt-multipass", via: "two-way", unless: manyPasses },
  { task: "equality", arch: "transformer-1", theorem: "thm12", via: "two-way", unless: onePassTf },
  { task: "disjointness", arch: "transformer-1", theorem: "disj-tf1", via: "two-way", unless: onePassTf },
  { task: "dyck", arch: "transformer-1", theorem: "thm5", via: "two-way", unless: dyck22 },
  // One-way INDEX at the split "pairs" (Bob marks a slot and holds the last token), run as a family at a split, its
  // collisions checked on the queried pair; Theorem 4's protocol is interactive there, so no guarantee from the count.
  { task: "induction-heads", arch: "transformer-1", theorem: "sanford-induction", via: "one-way" },
  { task: "parity", arch: "recurrent", theorem: "sarrof-parity", via: "dynamics", outside: outsideNonNegativeDiagonal },
  {
    task: "mod-count",
    arch: "recurrent",
    theorem: "grazzi-modcount",
    via: "dynamics",
    // Counting mod 2 is parity, which a negative eigenvalue escapes; from m = 3 on, every real diagonal is covered.
    outside: (model, task) => (task.params["modulus"] === 2 ? outsideNonNegativeDiagonal : outsideDiagonal)(model),
  },
];

/**
 * Why Peng et al.'s one-layer bound has no row (proofs/peng-composition.md). Their argument needs a one-way message
 * from Alice (g's block) to Bob (f and the query); ccbound's exact Theorem-4 protocol is interactive: Alice's
 * normalisers depend on Bob's maxima, her weighted sums on Bob's normalisers (src/reductions/theorem4.ts), and with
 * interaction the task costs O(log n) bits (Bob sends x, Alice sends g(x)), so no pigeonhole over g runs on it.
 */
const COMPOSITION_TF1 =
  "Peng et al.'s bound (H(d+1)p >= n log n, `ccbound bounds`) counts a one-way message of the softmax's sums; ccbound's exact Theorem-4 protocol exchanges the maxima and normalisers both ways, and with interaction function composition needs only O(log n) bits, so no collision argument runs here: the check runs the task itself";

/**
 * For a one-layer Transformer on function composition, where this model stands against Peng et al.'s count: H heads
 * of m values (a head's weighted sum; the paper's d) and one denominator, p bits each, against ⌈n log2 n⌉. Said, not
 * certified: the count is the paper's, for its arithmetic.
 */
function paperCount(model: Model, task: Task): string {
  if (task.name !== "function-composition" || model.kind !== "transformer" || model.layers.length !== 1) return "";
  const { heads: H, headWidth: m, unitBits: p } = model;
  const count = H * (m + 1) * p;
  const required = task.n < 2 ? 0 : indexBits(task.n, task.n);
  const where = count < required ? "below the paper's bound" : "at or above the paper's bound";
  return ` (this model in the paper's count: H(d+1)p = ${H} x (${m} + 1) x ${p} = ${count} bits, d read as the head width, against ⌈n log2 n⌉ = ${required}: ${where})`;
}

/** Why the paper proves no lower bound for a class on a task that has no row. */
function noRowReason(arch: ArchClass, task: TaskName): string {
  // (Recurrent models have copy's row.)
  if (task === "copy")
    return "the copying bound is for models of a fixed-size state; a Transformer's grows with the input (its keys and values), and two layers copy strings of length exponential in their size (Jelassi et al. 2024)";
  if (task === "parity" || task === "mod-count") {
    return `no result in the registry bounds Transformers on ${task}: the finite-precision dynamics results (Sarrof et al., Grazzi et al.) are about recurrent models`;
  }
  if (task === "function-composition" && arch === "transformer-1") return COMPOSITION_TF1;
  if (arch === "transformer-deep" && task === "induction-heads") {
    return "no lower bound for Transformers of two or more layers on induction-heads: two layers of constant width and O(log n) precision solve it (Sanford et al. 2024; construct induction-heads)";
  }
  if (arch === "transformer-deep") {
    return "the paper proves no lower bound for Transformers of two or more layers (Corollary 13.1: no Theorem-4-style protocol exists beyond one layer)";
  }
  if (arch === "recurrent") {
    if (task === "induction-heads")
      return "no result in the registry bounds recurrent models on induction-heads: Sanford et al.'s bound is for one-layer Transformers, and its INDEX split (pairs) is no cut, so Theorem 2's one message does not apply (a state relay of one message per pair would)";
    return task === "dyck"
      ? "the paper proves no lower bound for recurrent models on dyck: Lemma 1's split is odd/even, not a cut, and a 7-state DFA recognises Dyck-(2,2)"
      : `the paper proves no lower bound for recurrent models on ${task}`;
  }
  return task === "index-lookup"
    ? "the paper proves no lower bound for one-layer Transformers on index-lookup: one layer of width O(log N) solves it (Theorem 1)"
    : task === "assoc-recall"
      ? "the paper proves no lower bound for one-layer Transformers on assoc-recall (open, App. C.2)"
      : `the paper proves no lower bound for one-layer Transformers on ${task}`;
}

/**
 * The lower bound that binds models of a class on a task, or why none does: what `bounds` and `verify` read. A row
 * whose theorem covers only some models of the class (`outside`) is narrowed to the model by reductionFor.
 */
export function applicableTheorem(
  arch: ArchClass,
  task: Task,
): { theorem: Theorem; via: Row["via"] } | { none: string } {
  // The first row of the class and task whose conditions hold; else the first row's reason (the paper's own row).
  const rows = arch === "transformer-deep" ? [] : ROWS.filter((r) => r.task === task.name && r.arch === arch);
  if (rows.length === 0) return { none: noRowReason(arch, task.name) };
  const row = rows.find((r) => r.unless?.(task) === undefined);
  return row ? { theorem: theorem(row.theorem), via: row.via } : { none: rows[0]!.unless!(task)! };
}

/** The registry ids of every row, for tests and for `bounds`. */
export const APPLICABLE: readonly { readonly task: TaskName; readonly arch: ArchClass; readonly theorem: string }[] =
  ROWS.map(({ task, arch, theorem }) => ({ task, arch, theorem }));

interface ReductionBase {
  readonly theorem: Theorem;
  readonly problem: ProblemName;
  readonly model: Model;
  readonly task: Task;
  /** The task's tokens and labels in the model's vocabulary. */
  readonly binding: Binding;
  /** Where Alice's part ends: a cut K (Alice holds the first K tokens) or odd/even. */
  readonly split: Split;
  /** The model's protocol at the split (Theorem 2 or Theorem 4), over token ids, answering label ids. */
  readonly protocol: SplitProtocol;
  /** Bits the protocol sends, counted from the model (its state, or Theorem 4's closed form at this split). */
  readonly messageBits: number;
  /** Bits the theorem requires: log2 of the fooling set the argument ranges over. */
  readonly requiredBits: number;
  /** How many inputs the argument ranges over (Alice's strings for INDEX, the fooling set for EQ, DISJ, DYCK). */
  readonly inputs: bigint;
  /** Why messageBits < requiredBits guarantees no error here, when it does not (see TwoWayFamily.noGuarantee). */
  readonly noGuarantee?: string;
}

/** Whether the count guarantees an error: the protocol sends fewer bits than the argument needs, and it binds. */
export function belowBound(r: {
  readonly messageBits: number;
  readonly requiredBits: number;
  readonly noGuarantee?: string;
}): boolean {
  return r.noGuarantee === undefined && r.messageBits < r.requiredBits;
}

/** One-way (INDEX): Alice's strings of the family, Bob's queries; two strings with one message err at a query. */
export interface OneWayReduction extends ReductionBase {
  readonly kind: "one-way";
  readonly model: Model & { kind: "recurrent" };
  readonly family: OneWayFamily;
}

/** Two-way (EQ, DISJ, DYCK): a fooling set at a split; two elements with one transcript err on a crossed input. */
export interface TwoWayReduction extends ReductionBase {
  readonly kind: "two-way";
  readonly family: TwoWayFamily;
}

/** The reductions that run a protocol at a split: a collision is two inputs with one transcript. */
export type CcReduction = OneWayReduction | TwoWayReduction;

/**
 * Dynamics (parity, mod-count): no split, no fooling set; the model's full state on w 1^t repeats, and the theorem
 * (its scope checked on this model) says a repeat that refutes the task must come: an error exists at some length.
 */
export interface DynamicsReduction extends StateRepeat {
  readonly kind: "dynamics";
  readonly guaranteed: true;
}

export type Reduction = CcReduction | DynamicsReduction;

export type Applicability =
  { readonly kind: "reduction"; readonly reduction: Reduction } | { readonly kind: "none"; readonly reason: string };

/**
 * The reduction that binds this model on this task, or `none` with its one-line reason. A split the user asked for
 * must be the reduction's own (a fooling set is only a fooling set at its split): anything else is a flag error.
 * Throws task-mismatch when the model cannot express the task (missing tokens or labels).
 */
export function reductionFor(model: Model, task: Task, askedSplit?: string): Applicability {
  const found = applicableTheorem(archClassOf(model), task);
  if ("none" in found) return { kind: "none", reason: found.none + paperCount(model, task) };
  const t = found.theorem;
  const outside = ROWS.find((r) => r.theorem === t.id && r.task === task.name)?.outside?.(model, task);
  if (outside !== undefined) return { kind: "none", reason: outside };
  const binding = bind(model, task);
  if (found.via === "dynamics") {
    if (askedSplit !== undefined) noSplit(askedSplit, task);
    const reduction: DynamicsReduction = {
      kind: "dynamics",
      ...stateRepeatOf(model as Model & { kind: "recurrent" }, task, binding, t),
      guaranteed: true,
    };
    return { kind: "reduction", reduction };
  }
  // A one-way row for a one-layer Transformer (induction heads) is a family at a split, below (its `queried` pairs).
  if (model.kind === "recurrent" && found.via === "one-way") {
    const family = oneWayFamily(task);
    const split = cutSplit(task.inputLength, cutOf(family));
    checkAsked(split, askedSplit, "INDEX", task);
    const inputs = familySize(family);
    const at = protocolAt(model, split);
    const reduction: OneWayReduction = {
      kind: "one-way",
      theorem: t,
      problem: "INDEX",
      model,
      task,
      binding,
      split,
      protocol: at.protocol,
      messageBits: at.bits,
      requiredBits: bitsToDistinguish(inputs),
      inputs,
      family,
    };
    return { kind: "reduction", reduction };
  }
  const family = twoWayFamily(task);
  checkAsked(family.split, askedSplit, family.problem, task);
  const at = protocolAt(model, family.split);
  const reduction: TwoWayReduction = {
    kind: "two-way",
    theorem: t,
    problem: family.problem,
    model,
    task,
    binding,
    split: family.split,
    protocol: at.protocol,
    messageBits: at.bits,
    requiredBits: family.boundBits,
    inputs: family.size,
    ...(family.noGuarantee !== undefined && { noGuarantee: family.noGuarantee }),
    family,
  };
  return { kind: "reduction", reduction };
}

/**
 * What a state repeat of this model on this task may cite, from the same table: the theorem when the model is in its
 * scope (a lower bound: an error must exist at some length), else the periodicity lemma `state-repeat` whenever the
 * argument itself applies (every time-invariant recurrent model: the certificate's pair proves the error, nothing
 * guarantees one), else none with why. `check` plans its period search by it and `verify` re-derives the citation.
 */
export function stateRepeatFor(model: Model, task: Task): StateRepeat | { readonly none: string } {
  if (countingModulus(task) === undefined)
    return { none: `the state-repeat argument is for tasks that count 1s (parity, mod-count), not ${task.name}` };
  const why = notIterated(model);
  if (why !== undefined) return { none: why };
  const applies = reductionFor(model, task);
  if (applies.kind === "reduction" && applies.reduction.kind === "dynamics") return applies.reduction;
  const recurrent = model as Model & { kind: "recurrent" };
  return { ...stateRepeatOf(recurrent, task, bind(model, task), theorem("state-repeat")), guaranteed: false };
}

function stateRepeatOf(
  model: Model & { kind: "recurrent" },
  task: Task,
  binding: Binding,
  cited: Theorem,
): Omit<StateRepeat, "guaranteed"> {
  return {
    theorem: cited,
    model,
    task,
    binding,
    modulus: countingModulus(task)!,
    one: binding.tokenId.get("1")!,
    zero: binding.tokenId.get("0")!,
    stateBits: stateBits(model),
  };
}

function noSplit(asked: string, task: Task): never {
  return fail(
    "invalid-flag",
    `${task.name} is refuted by the model's dynamics on 1 1 1 ..., which splits nothing; "--split ${asked}" has no meaning here`,
    "--split",
    "leave --split out",
  );
}

function oneWayFamily(task: Task): OneWayFamily {
  switch (task.name) {
    case "index-lookup":
      return indexLookupFamily(task);
    case "assoc-recall":
      return assocRecallFamily(task);
    case "nearest-neighbor":
      return nearestNeighborFamily(task);
    case "function-composition":
      return compositionFamily(task);
    case "copy":
      return copyFamily(task);
    default:
      throw new Error(`${task.name} has no one-way INDEX family`);
  }
}

/** ceil(log2 size): distinct messages for `size` inputs need this many bits (for INDEX over k symbols, ceil(N log2 k)). */
function bitsToDistinguish(size: bigint): number {
  return size <= 1n ? 0 : (size - 1n).toString(2).length;
}

function checkAsked(split: Split, asked: string | undefined, problem: ProblemName, task: Task): void {
  if (asked === undefined || asked === split.name) return;
  fail(
    "invalid-flag",
    `the ${problem} reduction for ${task.name} splits the input at "${split.name}", not "${asked}"`,
    "--split",
    `use --split ${split.name} or leave it out`,
  );
}
