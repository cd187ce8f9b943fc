import { writeCertificate } from "../io/certificate.js";
import { belowBound } from "../reductions/applies.js";
import type { Model } from "../models/compile.js";
import { certificateOf, type Certificate } from "../refute/certificate.js";
import { FEED_ROLE } from "../refute/portfolio/feed.js";
import { DEFAULT_MAX_POINTS, type SearchPlan } from "../refute/plan.js";
import type { Verdict } from "../refute/verdict.js";
import type { Finding } from "../refute/finding.js";
import type { PeriodReport } from "../refute/feeds/period.js";
import { findResult } from "../registry/index.js";
import { taskArgs, type Task } from "../tasks/index.js";
import { VERSION } from "../version.js";
import { EXIT } from "./exit.js";
import { describeModel } from "../models/describe.js";
import { stateBits } from "../models/model.js";
import type { LoadedModel } from "./load.js";
import { shellQuote } from "./options.js";
import { printJson, printRows } from "./print.js";

/** What a verdict prints and writes, for check and for merge (which must print the same). */
export interface Report {
  readonly loaded: Pick<LoadedModel, "path" | "sha256" | "spec" | "model">;
  readonly task: Task;
  readonly verdict: Verdict;
  /** The model and its flags as a replay command names them. */
  readonly args: string;
  /** The check command that replays the search. */
  readonly again: string;
  readonly cert?: string;
  readonly json: boolean;
  /** Extra rows (merge: what rests on the shards' word). */
  readonly notes?: readonly (readonly [string, string])[];
  readonly jsonExtra?: Record<string, unknown>;
}

/**
 * The check command that replays a search exactly, from the plan's resolved values: the budget and the seed are
 * always written, --max-points when it is not the default, --feeds when the run was restricted. Check and merge both derive it here, so merge can compare.
 */
export function replayCommand(
  args: string,
  plan: Pick<SearchPlan, "task" | "strategy" | "budget" | "seed" | "maxPoints" | "only">,
  split?: string,
): string {
  return [
    `ccbound check ${args} ${taskArgs(plan.task)}`,
    split === undefined ? "" : ` --split ${shellQuote(split)}`,
    ` --strategy ${plan.strategy} --budget ${plan.budget} --seed ${plan.seed}`,
    plan.maxPoints === DEFAULT_MAX_POINTS ? "" : ` --max-points ${plan.maxPoints}`,
    plan.only === undefined ? "" : ` --feeds ${plan.only.join(",")}`,
  ].join("");
}

export function report(r: Report): number {
  const { loaded, task, verdict, args, again, cert, json } = r;
  let certificate: Certificate | undefined;
  if (verdict.kind === "refuted") {
    const replay = cert ? `ccbound verify ${shellQuote(cert)} --model ${args}` : again;
    certificate = certificateOf(verdict, {
      toolVersion: VERSION,
      modelSha256: loaded.sha256,
      format: loaded.model.formatName,
      task,
      replay,
    });
    if (cert) writeCertificate(cert, certificate);
  }
  const replay = certificate?.replay ?? again;
  if (json) printJson({ ...jsonReport(loaded, verdict, certificate, replay), ...r.jsonExtra });
  else printRows([...humanReport(loaded, verdict, cert, replay, r.notes ?? [])]);
  return exitCode(verdict);
}

function exitCode(v: Verdict): number {
  switch (v.kind) {
    case "refuted":
      return EXIT.refuted;
    case "survived":
      return EXIT.survived;
    case "inconclusive":
      return EXIT.inconclusive;
  }
}

/** The verdict line: the kind, and exactly what it rests on. */
export function verdictLine(v: Verdict): string {
  switch (v.kind) {
    case "refuted": {
      const f = v.finding;
      const says = `answers "${f.answer}" where the task says "${f.expected}"`;
      if (f.kind === "wrong-answer")
        return `REFUTED (wrong answer): ${says}; a plain counterexample found by the ${f.feed} feed, no theorem cited`;
      const theorem = findResult(f.theorem)?.name ?? f.theorem;
      const p = f.collision.period;
      if (p) {
        const [u, w] = f.collision.inputs.map((x) => ones(x, p.prefix));
        const at = f.n === undefined ? "" : ` (n = ${f.n}: where the certificate is, not the asked n)`;
        return `REFUTED (collision): ${says} on ${ones(f.input, p.prefix)}${at}; ${u} and ${w} reach one ${f.collision.transcriptBits}-bit state (it repeats from ${p.start} ones on, with period ${p.length}), so the model answers them alike and the task does not: the argument (${theorem}), run on this model`;
      }
      const bits = `${f.collision.transcriptBits}-bit`;
      const oneWay = [0, 1].some((i) => f.input.join(" ") === f.collision.inputs[i]!.join(" "));
      const copying = findResult(f.theorem)?.tasks.includes("copy") === true;
      const why = copying
        ? `two strings reach one ${bits} state at the delimiter (cut ${f.collision.split}), so they get one continuation, and it is not both of them`
        : oneWay
          ? `two of Alice's strings send one ${bits} ${/^\d+$/.test(f.collision.split) ? "message at the cut" : "transcript at the split"} ${f.collision.split} and ask the same query, whose right answers differ`
          : `two inputs send one ${bits} transcript at split ${f.collision.split}, and the crossed input must get their answer`;
      return `REFUTED (collision): ${says}; ${why}: ${theorem}'s argument, run on this model`;
    }
    case "survived":
      return v.mode === "exhaustive"
        ? `SURVIVED (exhaustive): right on every one of the task's ${v.inputs.toLocaleString("en")} inputs`
        : `SURVIVED (sampled): right on ${v.samples.toLocaleString("en")} inputs of the task's own distribution (seed ${v.search.seed}): its error rate there is below ${bound(v.errorBound)} with 95% confidence (3/k); not a proof`;
    case "inconclusive":
      return `INCONCLUSIVE: ${v.reason}${v.budgetCanHelp ? "" : " (more budget cannot help)"}`;
  }
}

function bound(x: number): string {
  return x >= 0.01 ? x.toFixed(3) : x.toExponential(2);
}

function humanReport(
  loaded: Report["loaded"],
  v: Verdict,
  certPath: string | undefined,
  replay: string,
  notes: readonly (readonly [string, string])[],
): (readonly [string, string])[] {
  const rows: (readonly [string, string])[] = [["model", `${loaded.path} (${describeModel(loaded.spec)})`]];
  const a = v.applied;
  if (a.kind === "none") {
    rows.push(["bound", `none: ${a.reason}`]);
    if (v.search.period) rows.push(["argument", stateRepeatLine(v.search.period.stateBits, loaded.model, "lemma")]);
  } else if (a.kind === "dynamics") {
    const scope = a.modulus === 2 ? "every layer h' = a ⊙ h + u(x) with a >= 0" : "every layer h' = a ⊙ h + u(x)";
    rows.push(
      ["state", stateRepeatLine(a.stateBits, loaded.model, "bound")],
      [
        "bound",
        `${a.theorem.name}: ${a.theorem.bound}; this model is in its scope (${scope}): it errs at some length, where its state on 1 1 1 ... repeats`,
      ],
      [
        "reduction",
        `state repeat: w 1^t and w 1^(t+P) (w empty or 0) with one full state get one answer, wrong for one of them when ${a.modulus === 2 ? "P is odd" : `${a.modulus} does not divide P`}`,
      ],
    );
  } else {
    const below = belowBound(a);
    rows.push(
      [sentLabel(loaded.model.kind), sentLine(loaded.model, a.messageBits, a.split, a.stateMessages ?? 1)],
      [
        "bound",
        a.noGuarantee !== undefined
          ? `${a.theorem.name}: ${a.theorem.bound}, here ${a.requiredBits} bits against ${a.messageBits} sent; no guarantee from the count: ${a.noGuarantee}`
          : `${a.theorem.name}: ${a.theorem.bound}, here ${a.requiredBits} bits; the model is ${below ? "BELOW the bound: an error must exist" : "at or above the bound"}`,
      ],
      ["reduction", reductionLine(a)],
    );
  }
  rows.push(["search", searchLine(v)], ...feedRows(v));
  if (v.search.rho) rows.push(["memory", rhoLine(v.search.rho)]);
  if (v.search.period) rows.push(...periodRows(v.search.period));
  rows.push(...notes, ["verdict", verdictLine(v)]);
  if (v.kind === "refuted") rows.push(["input", inputText(v.finding)]);
  if (v.kind === "refuted" && certPath) rows.push(["certificate", certPath]);
  rows.push(["replay", replay]);
  return rows;
}

/** What the state-repeat argument compares: the full state, and what a repeat of it shows. */
function stateRepeatLine(bits: number, model: Model, as: "bound" | "lemma"): string {
  const shape =
    model.kind === "recurrent" ? `${plural(model.stateUnits, "value")} x ${model.unitBits} bits` : `${bits} bits`;
  const full = `${bits} bits of full state (${shape})`;
  return as === "bound"
    ? `${full}, what 1 1 1 ... iterates: it repeats within 2^${bits} + 1 states (pigeonhole)`
    : `state repeat (the periodicity lemma, no lower bound): ${full} on 1 1 1 ... repeats within 2^${bits} + 1 states; a repeat with a period the task tells apart refutes it`;
}

/** Each orbit the period search walked: where its state repeated, in how many model steps of Brent's method. */
function periodRows(r: PeriodReport): [string, string][] {
  return r.walks.map((w, i) => {
    const from = w.prefix.length === 0 ? "1^t from h_0" : `${w.prefix.join(" ")} 1^t`;
    const found = w.repeat
      ? `repeats from t = ${w.repeat.start} with period ${w.repeat.length}`
      : "has not repeated yet";
    return [
      i === 0 ? "period" : "",
      `${from}: the full state ${found}, after ${plural(w.steps, "model step")} (Brent's method); pigeonhole allows up to 2^${r.stateBits} + 1`,
    ];
  });
}

/** prefix 1^t as "1^t" or "0 1^t". */
function ones(input: readonly string[], prefix: readonly string[]): string {
  const t = input.length - prefix.length;
  return [...prefix, `1^${t}`].join(" ");
}

/** The input as tokens, or a state repeat's as prefix 1^t with its length. */
/** Above this many tokens the input line shows its two ends: the whole input is in --json and in the certificate. */
const SHOWN_TOKENS = 256;

function inputText(f: Finding): string {
  const p = f.kind === "collision" ? f.collision.period : undefined;
  if (p) return `${ones(f.input, p.prefix)} (${plural(f.input.length, "token")})`;
  if (f.input.length <= SHOWN_TOKENS) return f.input.join(" ");
  const head = f.input.slice(0, 48).join(" ");
  const tail = f.input.slice(-16).join(" ");
  return `${head} ... ${tail} (${plural(f.input.length, "token")}: every one in --json and in --cert's certificate)`;
}

function sentLabel(kind: Model["kind"]): string {
  return kind === "recurrent" ? "state" : "protocol";
}

function sentLine(model: Model, bits: number, split: string, messages: number): string {
  if (model.kind === "recurrent") {
    // A state of named parts says how many values of each (zoology's plots count a Mamba's SSM state alone).
    const parts = model.stateParts?.map((p) => `${p.units.toLocaleString("en")} ${p.name}`).join(" + ");
    const state = `${plural(model.stateUnits, "value")} x ${model.unitBits} bits${parts ? `: ${parts}` : ""}`;
    return messages === 1
      ? `${bits} bits cross the cut at ${split} (Theorem 2: Alice sends her final state, ${state})`
      : `${bits} bits cross the split ${split} (Theorem 2 relayed: the state, ${state}, sent ${messages} times, at every change of holder)`;
  }
  return `${bits} bits cross the split ${split} (Theorem 4: the last token, maxima, normalisers and weighted sums)`;
}

function searchLine(v: Verdict): string {
  const s = v.search;
  return `${s.strategy}: ${plural(s.runs, "protocol run")} of a budget of ${s.budget.toLocaleString("en")}, seed ${s.seed}`;
}

function feedRows(v: Verdict): [string, string][] {
  return v.search.feeds.map((f) => {
    const ended =
      f.ended?.kind === "exhausted"
        ? `, all ${f.ended.items.toLocaleString("en")} covered`
        : f.ended?.kind === "gave-up"
          ? `, gave up: ${f.ended.reason}`
          : "";
    return [`  ${f.name}`, `${plural(f.runs, "run")}: ${FEED_ROLE[f.name]}${ended}`];
  });
}

/** "1 run", "2,048 runs". */
function plural(n: number, word: string): string {
  return `${n.toLocaleString("en")} ${word}${n === 1 ? "" : "s"}`;
}

/** A rho search's trails and its table: the memory it kept against its bound. */
function rhoLine(r: NonNullable<Verdict["search"]["rho"]>): string {
  return `${r.points} distinguished points x ${r.bytesPerPoint} bytes (table ${r.tableBytes} bytes for at most ${r.maxPoints}); ${r.trails} trails, 1 point in 2^${r.distinguishedBits} distinguished, ${r.falseAlarms} false alarms`;
}

/** What the bound's argument ranges over, and what a collision among those inputs means. */
function reductionLine(a: Extract<Verdict["applied"], { kind: "reduction" }>): string {
  const count = countText(a.inputs);
  if (a.theorem.tasks.includes("copy"))
    return `${count} strings of Alice's (the string before the delimiter); two in one state get one greedy continuation, which is not both, so one copy is wrong`;
  return a.problem === "INDEX"
    ? `from INDEX: ${count} strings of Alice's; two ${a.stateMessages === undefined ? "with one transcript" : "in one state"} get one answer to the query where they differ, so one is wrong`
    : `from ${a.problem}: a fooling set of ${count} inputs at split ${a.split}; two with one transcript give a crossed input the model must answer wrongly`;
}

/** 1024 as "2^10", other counts in digits. */
function countText(n: bigint): string {
  const bits = n.toString(2);
  return /^10*$/.test(bits) && bits.length > 4 ? `2^${bits.length - 1}` : n.toLocaleString("en");
}

function jsonReport(loaded: Report["loaded"], v: Verdict, certificate: Certificate | undefined, replay: string) {
  const a = v.applied;
  return {
    verdict: v.kind,
    ...(v.kind === "survived" && {
      mode: v.mode,
      ...(v.mode === "exhaustive" ? { inputs: v.inputs.toString() } : { samples: v.samples, errorBound: v.errorBound }),
    }),
    ...(v.kind === "inconclusive" && { reason: v.reason, budgetCanHelp: v.budgetCanHelp }),
    ...(v.kind === "refuted" && { kind: v.finding.kind }),
    // The certificate's n: a state repeat may certify at another length than the asked one.
    ...(certificate && { n: certificate.task.n }),
    model: {
      path: loaded.path,
      sha256: loaded.sha256,
      format: loaded.model.formatName,
      ...(a.kind === "reduction" && { messageBits: a.messageBits }),
      ...(a.kind === "reduction" && loaded.model.kind === "recurrent" && { stateBits: stateBits(loaded.model) }),
      ...(a.kind === "dynamics" && { stateBits: a.stateBits }),
    },
    bound:
      a.kind === "none"
        ? { theorem: null, none: a.reason }
        : a.kind === "dynamics"
          ? { theorem: a.theorem.id, statement: a.theorem.bound, argument: "state repeat", stateBits: a.stateBits }
          : {
              theorem: a.theorem.id,
              statement: a.theorem.bound,
              problem: a.problem,
              split: a.split,
              inputs: a.inputs.toString(),
              requiredBits: a.requiredBits,
              below: belowBound(a),
              ...(a.noGuarantee !== undefined && { noGuarantee: a.noGuarantee }),
            },
    search: {
      strategy: v.search.strategy,
      budget: v.search.budget,
      seed: v.search.seed,
      runs: v.search.runs,
      feeds: v.search.feeds.map((f) => ({
        name: f.name,
        runs: f.runs,
        items: f.items,
        ...(f.ended && {
          ended: f.ended.kind === "exhausted" ? { exhausted: f.ended.items.toString() } : { gaveUp: f.ended.reason },
        }),
      })),
      ...(v.search.rho && { rho: v.search.rho }),
      ...(v.search.dedup && { dedup: v.search.dedup }),
      ...(v.search.period && { period: periodJson(v.search.period) }),
    },
    ...(certificate && { certificate }),
    replay,
  };
}

/** The period search in --json: each orbit's repeat and steps, their total, and the pigeonhole bound they beat. */
function periodJson(r: PeriodReport) {
  return {
    stateBits: r.stateBits,
    pigeonhole: `2^${r.stateBits} + 1`,
    steps: r.walks.reduce((s, w) => s + w.steps, 0),
    walks: r.walks.map((w) => ({
      prefix: w.prefix.join(" "),
      steps: w.steps,
      ...(w.repeat && { start: w.repeat.start, period: w.repeat.length }),
    })),
  };
}
