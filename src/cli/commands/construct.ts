import type { Command } from "commander";
import {
  CONSTRUCTIONS,
  constructionNamed,
  type BuiltConstruction,
  type ConstructionCheck,
  type ConstructionOptions,
  type ConstructionSize,
} from "../../constructions/index.js";
import { describeInputs, verifyWeights, type VerifyOptions } from "../../constructions/verify.js";
import { measuredSize } from "../../constructions/size.js";
import { CcboundError, fail } from "../../errors.js";
import { writeModelFile } from "../../io/write-model.js";
import { parseFormat } from "../../numeric/parse.js";
import type { Task, TaskOptions } from "../../tasks/index.js";
import { EXIT } from "../exit.js";
import { loadModel, modelOptions, type ModelOptions } from "../load.js";
import { oneOf, positiveNumber, wholeNumber } from "../options.js";
import { printJson, printRows } from "../print.js";
import { taskFlags, taskOf, taskOptionsOf, taskParameterFlags, type TaskFlags } from "../task-flags.js";

/** Largest N `construct` builds: index lookup's verification stays in seconds there (one layer, a KV cache). */
const MAX_CONSTRUCT_N = 65536;

interface VerifyFlags {
  samples?: number;
  strings?: number;
  seed?: number;
  exhaustiveLimit?: number;
  json?: boolean;
}

interface ConstructFlags extends TaskOptions, VerifyFlags {
  n: number;
  out?: string;
  code?: "binary" | "random" | "reed-solomon";
  gamma?: number;
  k?: number;
  codeSeed?: number;
  eta?: number;
  fracBits?: number;
  format?: string;
  nonlinearity?: "relu" | "tanh";
}

function verifyFlags(command: Command): Command {
  return command
    .option(
      "--samples <S>",
      "inputs to sample when there are too many to run them all (default 2000; fewer for long two-layer inputs)",
      wholeNumber("--samples", 1, 10_000_000),
    )
    .option(
      "--strings <S>",
      "index-lookup: seeded strings whose every query is run (default 1)",
      wholeNumber("--strings", 1, 10_000),
    )
    .option("--seed <S>", "seed of the sampled inputs (default 1)", wholeNumber("--seed", 0, 2 ** 32 - 1))
    .option(
      "--exhaustive-limit <L>",
      "run every input when there are at most L (default 65536)",
      wholeNumber("--exhaustive-limit", 0, 2 ** 40),
    )
    .option("--json", "print one JSON object");
}

export function registerConstruct(program: Command): void {
  verifyFlags(
    taskParameterFlags(
      program
        .command("construct")
        .description(
          `build one of the paper's constructions as weights, report its size beside the paper's, and verify it on the task in its own number format (exit 0 verified, 1 wrong):\n${CONSTRUCTIONS.map((c) => `  ${c.name}: ${c.description}`).join("\n")}`,
        )
        .argument("<name>", CONSTRUCTIONS.map((c) => c.name).join(", "))
        .requiredOption("--n <N>", "the task's N", wholeNumber("--n", 1, MAX_CONSTRUCT_N))
        .option("--out <file>", "write the weights: .json or .safetensors")
        .option(
          "--code <kind>",
          "position code: binary (default: the smallest that verifies), reed-solomon or random (the paper's)",
          oneOf("--code", ["binary", "random", "reed-solomon"] as const),
        )
        .option(
          "--gamma <g>",
          "random and reed-solomon codes: the bound γ on <T(i), T(j)> / k (default 0.25, Corollary 8.1)",
          positiveNumber("--gamma", 1),
        )
        .option("--k <k>", "random code: its width (default the paper's (8/γ^2) ln 2N)", wholeNumber("--k", 1, 4096))
        .option("--code-seed <S>", "random code: its seed (default 1)", wholeNumber("--code-seed", 0, 2 ** 32 - 1))
        .option(
          "--eta <η>",
          "attention scale η (default: the least that makes attention hard)",
          positiveNumber("--eta", 1e6),
        )
        .option(
          "--frac-bits <F>",
          "fraction bits of the fixed-point format (integer bits follow the ranges)",
          wholeNumber("--frac-bits", 0, 40),
        )
        .option("--format <F>", "number format, instead of the one the construction chooses")
        .option(
          "--nonlinearity <f>",
          "dyck-rnn: the Elman cell's relu (default) or tanh (a step function in fixed:I.0)",
          oneOf("--nonlinearity", ["relu", "tanh"] as const),
        ),
    ),
  ).action((name: string, o: ConstructFlags) => construct(name, o));
}

export function registerVerifyConstruction(program: Command): void {
  verifyFlags(
    modelOptions(
      taskFlags(
        program
          .command("verify-construction")
          .description(
            "verify weights on a task by running them on every input (or seeded samples) in their own number format: exit 0 verified, 1 wrong",
          )
          .argument("<model>", "model file (JSON or safetensors)"),
      ),
    ),
  ).action((path: string, o: TaskFlags & ModelOptions & VerifyFlags) => {
    const { spec } = loadModel(path, o);
    const task = taskOf(o);
    const check = verifyWeights(spec, task, verifyOptions(o));
    report(o.json ?? false, { model: path, task, size: measuredSize(spec) }, check);
  });
}

function construct(name: string, o: ConstructFlags): void {
  const construction = constructionNamed(name);
  if (construction.maxN !== undefined && o.n > construction.maxN)
    fail("too-large", `${name} is built up to N = ${construction.maxN} (verifying it beyond takes hours)`, "--n");
  const taskOptions = taskOptionsOf(o);
  const foreign = (Object.keys(taskOptions) as (keyof TaskOptions)[]).find(
    (k) => !(construction.takes ?? []).includes(k),
  );
  if (foreign !== undefined) fail("invalid-flag", `${name} takes no --${foreign}`, `--${foreign}`);
  if (o.format !== undefined) parseFormat(o.format, "--format");
  if (o.nonlinearity !== undefined && name !== "dyck-rnn")
    fail("invalid-flag", `${name} takes no --nonlinearity`, "--nonlinearity");
  if (o.out !== undefined && !/\.(json|safetensors)$/i.test(o.out))
    fail("invalid-flag", "the output file must end in .json or .safetensors", o.out);
  const built = buildOrExplain(() => construction.build(o.n, constructionOptions(o, taskOptions)));
  const check = verifyWeights(built.spec, built.task, verifyOptions(o));
  const written = o.out !== undefined ? writeModelFile(o.out, built.spec) : undefined;
  report(
    o.json ?? false,
    { built, task: built.task, size: built.size, ...(written && o.out && { out: `${o.out} (${written.stored})` }) },
    check,
  );
}

/** A construction refuses what it cannot build with a RangeError; that is bad input, not a crash. */
function buildOrExplain(build: () => BuiltConstruction): BuiltConstruction {
  try {
    return build();
  } catch (e) {
    if (e instanceof RangeError) throw new CcboundError("invalid-flag", e.message, "construct");
    throw e;
  }
}

function constructionOptions(
  o: ConstructFlags,
  task: TaskOptions,
): ConstructionOptions & { nonlinearity?: "relu" | "tanh" } {
  return {
    ...(o.code !== undefined && { code: o.code }),
    ...(o.gamma !== undefined && { gamma: o.gamma }),
    ...(o.k !== undefined && { k: o.k }),
    ...(o.codeSeed !== undefined && { seed: o.codeSeed }),
    ...(o.eta !== undefined && { eta: o.eta }),
    ...(o.fracBits !== undefined && { fracBits: o.fracBits }),
    ...(o.format !== undefined && { format: o.format }),
    ...(o.nonlinearity !== undefined && { nonlinearity: o.nonlinearity }),
    task,
  };
}

function verifyOptions(o: VerifyFlags): VerifyOptions {
  return {
    ...(o.samples !== undefined && { samples: o.samples }),
    ...(o.strings !== undefined && { strings: o.strings }),
    ...(o.seed !== undefined && { seed: o.seed }),
    ...(o.exhaustiveLimit !== undefined && { exhaustiveLimit: o.exhaustiveLimit }),
  };
}

interface Subject {
  readonly built?: BuiltConstruction;
  readonly model?: string;
  readonly task: Task;
  readonly size: ConstructionSize;
  readonly out?: string;
}

function report(json: boolean, s: Subject, check: ConstructionCheck): void {
  if (json) printJson(reportObject(s, check));
  else printRows(reportRows(s, check));
  process.exitCode = check.verified ? EXIT.valid : EXIT.invalid;
}

function reportObject(s: Subject, check: ConstructionCheck) {
  return {
    ...(s.built && { construction: s.built.name, theorem: s.built.theorem }),
    ...(s.model && { model: s.model }),
    task: { name: s.task.name, n: s.task.n, params: s.task.params },
    size: s.size,
    ...(s.built && { parameters: s.built.parameters, paper: s.built.paper }),
    verification: check,
    ...(s.out && { wrote: s.out }),
  };
}

function reportRows(s: Subject, check: ConstructionCheck): [string, string][] {
  const { size, task } = s;
  const params = Object.entries(task.params)
    .map(([k, v]) => ` ${k}=${v}`)
    .join("");
  const rows: [string, string][] = [];
  if (s.built) rows.push(["construction", `${s.built.name} (${s.built.theorem})`]);
  if (s.model) rows.push(["model", s.model]);
  rows.push(["task", `${task.name} at N = ${task.n}${params}`]);
  rows.push(["size", sizeLine(size, task.n)]);
  if (s.built) {
    rows.push(["chosen", entries(s.built.parameters)]);
    rows.push(["paper", entries(s.built.paper)]);
  }
  rows.push(["verified", verificationLine(check)]);
  if (check.counterexample)
    rows.push([
      "wrong on",
      `${check.counterexample.tokens.join(" ")}: expected ${check.counterexample.expected}, got ${check.counterexample.answer}`,
    ]);
  if (s.out) rows.push(["wrote", s.out]);
  return rows;
}

function sizeLine(size: ConstructionSize, n: number): string {
  const share = ((100 * size.width) / n).toFixed(size.width * 1000 < n ? 3 : 2);
  const arch =
    size.heads > 0
      ? `${size.layers} layer${size.layers > 1 ? "s" : ""}, ${size.heads} head${size.heads > 1 ? "s" : ""}`
      : `${size.layers} recurrent layer${size.layers > 1 ? "s" : ""}`;
  const state = size.stateBits !== undefined ? `, state ${size.stateBits} bits` : "";
  return `width ${size.width} (${share}% of N), ${arch}, p = ${size.precision} bits${state}, ${size.parameterBits.toLocaleString("en")} parameter bits`;
}

function entries(record: Readonly<Record<string, number | string>>): string {
  return Object.entries(record)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
}

function verificationLine(c: ConstructionCheck): string {
  return c.verified
    ? `yes, on ${describeInputs(c)}`
    : `NO: input ${c.inputs.toLocaleString("en")} of the ${c.mode} run is answered wrongly (seed ${c.seed})`;
}
