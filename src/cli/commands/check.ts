import { resolve } from "node:path";
import type { Command } from "commander";
import { fail } from "../../errors.js";
import { writeCertificate } from "../../io/certificate.js";
import { certificateOf, type Certificate } from "../../refute/certificate.js";
import { DEFAULT_BUDGET, refute, STRATEGIES, type Strategy, type Verdict } from "../../refute/refute.js";
import { freshSeed } from "../../random.js";
import type { Model } from "../../models/compile.js";
import { VERSION } from "../../version.js";
import { EXIT } from "../exit.js";
import { describeModel, loadModel, modelArgs, modelOptions, type ModelOptions } from "../load.js";
import { oneOf, shellQuote, wholeNumber } from "../options.js";
import { taskArgs, taskFlags, taskOf, type TaskFlags } from "../task-flags.js";
import { printJson, printRows, progress } from "../print.js";

interface CheckOptions extends ModelOptions, TaskFlags {
  split?: string;
  strategy: Strategy;
  budget: number;
  seed?: number;
  cert?: string;
  json?: boolean;
}

export function registerCheck(program: Command): void {
  modelOptions(taskFlags(program
    .command("check")
    .description("compare what a model sends across a split with the lower bound for a task, then search for an input it gets wrong")
    .argument("<model>", "model file (JSON or safetensors)")
    .option("--split <K|odd-even>", "where Alice's part ends (a cut K) or odd-even; default: the reduction's own split")
    .option("--strategy <S>", `search: ${STRATEGIES.join(", ")} (dedup: INDEX tasks only)`, oneOf("--strategy", STRATEGIES), "auto")
    .option("--budget <R>", "most protocol runs (Alice messages) to compute", wholeNumber("--budget", 1, 1 << 26), DEFAULT_BUDGET)
    .option("--seed <S>", "seed for sampling (printed either way)", wholeNumber("--seed", 0, 2 ** 32 - 1))
    .option("--cert <file>", "write the certificate here when the model is refuted")
    .option("--json", "one JSON object on stdout")))
    .action((modelPath: string, o: CheckOptions) => {
      process.exitCode = check(modelPath, o);
    });
}

function check(modelPath: string, o: CheckOptions): number {
  if (o.cert !== undefined && resolve(o.cert) === resolve(modelPath)) fail("invalid-flag", "the certificate would overwrite the model file", "--cert");
  const loaded = loadModel(modelPath, o);
  const task = taskOf(o);
  const seed = o.seed ?? freshSeed();
  const onProgress = (phase: string, runs: number) => progress.show(`${phase}: ${runs.toLocaleString("en")} protocol runs`);
  const verdict = refute(loaded.model, task, { strategy: o.strategy, budget: o.budget, seed, onProgress, ...(o.split !== undefined && { split: o.split }) });
  progress.done();
  const again = [
    `ccbound check ${modelArgs(modelPath, o)} ${taskArgs(o)}`,
    o.split === undefined ? "" : ` --split ${o.split}`,
    ` --strategy ${o.strategy}`,
    ` --budget ${o.budget} --seed ${seed}`,
  ].join("");
  let certificate: Certificate | undefined;
  if (verdict.kind === "refuted") {
    const replay = o.cert ? `ccbound verify ${shellQuote(o.cert)} --model ${modelArgs(modelPath, o)}` : again;
    certificate = certificateOf(verdict, { toolVersion: VERSION, modelSha256: loaded.sha256, task, replay });
    if (o.cert) writeCertificate(o.cert, certificate);
  }
  const replay = certificate?.replay ?? again;
  if (o.json) printJson(jsonReport(loaded.path, loaded.sha256, loaded.model.kind, verdict, certificate, replay));
  else printRows(humanReport(loaded.path, describeModel(loaded.spec), loaded.model.kind, verdict, o.cert, replay));
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

function verdictLine(v: Verdict): string {
  switch (v.kind) {
    case "refuted": {
      const c = v.finding.collision;
      const how = !c
        ? "a direct wrong answer"
        : c.split !== undefined
          ? `two fooling-set inputs share one ${c.transcriptBits}-bit transcript at split ${c.split}; the input crosses them`
          : `two inputs that differ on Alice's side send one ${c.transcriptBits}-bit message`;
      return `REFUTED: answers "${v.finding.answer}" where the task says "${v.finding.expected}" (${how})`;
    }
    case "survived":
      if (v.mode === "exhaustive" && v.scope === "task") return `SURVIVED: right on all ${v.inputs} inputs of the task (exhaustive)`;
      return v.mode === "exhaustive"
        ? `SURVIVED: right on all ${v.inputs} inputs of ${v.theorem.name}'s family (exhaustive there), which is not all ${v.taskInputs} inputs of the task`
        : `SURVIVED: right on ${v.samples} sampled inputs of ${v.theorem.name}'s reduction, with no collision (sampled, seed ${v.seed})`;
    case "inconclusive":
      return `INCONCLUSIVE: ${v.reason}`;
  }
}

function humanReport(path: string, what: string, kind: Model["kind"], v: Verdict, certPath: string | undefined, replay: string): [string, string][] {
  const below = v.messageBits < v.requiredBits;
  const sent =
    kind === "recurrent"
      ? ["state", `${v.messageBits} bits cross the cut at ${v.split} (Theorem 2: Alice sends her final state)`]
      : ["protocol", `${v.messageBits} bits cross the split ${v.split} (Theorem 4: the last token, maxima, normalisers and weighted sums)`];
  const rows: [string, string][] = [
    ["model", `${path} (${what})`],
    sent as [string, string],
    ["bound", `${v.theorem.name}: ${v.theorem.bound}, here ${v.requiredBits} bits; the model is ${below ? "BELOW the bound: an error must exist" : "at or above the bound"}`],
    ["reduction", reductionLine(v)],
    ["search", `${v.strategy}: ${v.stats.runs} protocol runs, ${v.stats.steps} model steps, seed ${v.seed}`],
    ["verdict", verdictLine(v)],
  ];
  if (v.kind === "refuted") rows.push(["input", v.finding.input.join(" ")]);
  if (v.kind === "refuted" && certPath) rows.push(["certificate", certPath]);
  rows.push(["replay", replay]);
  return rows;
}

/** What the bound's argument ranges over, and what a collision among those inputs means. */
function reductionLine(v: Verdict): string {
  const { problem, inputs } = v.reduction;
  const count = countText(inputs);
  return problem === "INDEX"
    ? `from INDEX: ${count} strings of Alice's; two in one state get one answer to the query where they differ, so one is wrong`
    : `from ${problem}: a fooling set of ${count} inputs at split ${v.split}; two with one transcript give a crossed input the model must answer wrongly`;
}

/** 1024 as "2^10", other counts in digits. */
function countText(n: bigint): string {
  const bits = n.toString(2);
  return /^10*$/.test(bits) && bits.length > 4 ? `2^${bits.length - 1}` : n.toLocaleString("en");
}

function jsonReport(path: string, sha256: string, kind: Model["kind"], v: Verdict, certificate: Certificate | undefined, replay: string) {
  return {
    verdict: v.kind,
    ...(v.kind === "survived" && {
      mode: v.mode,
      ...(v.mode === "exhaustive" ? { scope: v.scope, inputs: v.inputs.toString(), taskInputs: v.taskInputs.toString() } : { samples: v.samples }),
    }),
    ...(v.kind === "inconclusive" && { reason: v.reason }),
    model: { path, sha256, messageBits: v.messageBits, ...(kind === "recurrent" && { stateBits: v.messageBits }) },
    split: v.split,
    reduction: { problem: v.reduction.problem, inputs: v.reduction.inputs.toString() },
    bound: { theorem: v.theorem.id, statement: v.theorem.bound, requiredBits: v.requiredBits, below: v.messageBits < v.requiredBits },
    search: { strategy: v.strategy, runs: v.stats.runs, steps: v.stats.steps, seed: v.seed },
    ...(certificate && { certificate }),
    replay,
  };
}
