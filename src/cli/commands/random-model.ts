import type { Command } from "commander";
import { fail } from "../../errors.js";
import { MAX_NUMBERS, MAX_TOKENS } from "../../io/limits.js";
import { modelFileText } from "../../io/model-file.js";
import { writeModelFile } from "../../io/write-model.js";
import type { RandomOptions } from "../../models/archs/arch.js";
import { RANDOM_KINDS } from "../../models/archs/index.js";
import { nonNegative } from "../../models/known-orbits.js";
import type { RecurrentModelSpec } from "../../models/spec.js";
import { parseFormat } from "../../numeric/parse.js";
import { alphabet } from "../../tasks/index.js";
import { oneOf, wholeNumber } from "../options.js";
import { taskFlags, taskOf, type TaskFlags } from "../task-flags.js";

interface RandomModelFlags extends Partial<TaskFlags> {
  arch: string;
  hidden: number;
  format: string;
  vocab?: number;
  labels: number;
  seed: number;
  layers: number;
  embed?: number;
  nonlinearity: "tanh" | "relu";
  heads: number;
  headWidth?: number;
  ffn?: number;
  maxLength?: number;
  layerNorm?: boolean;
  dState?: number;
  dConv?: number;
  expand?: number;
  dtRank?: number;
  nonNegative?: boolean;
  normFirst?: boolean;
  activation?: "relu" | "gelu";
  out?: string;
}

/** Every kind of model the architectures can make at random: each cell, "dfa", "transformer". */
const ARCHS = RANDOM_KINDS.map((k) => k.name);

export function registerRandomModel(program: Command): void {
  taskFlags(
    program
      .command("random-model")
      .description("write a random model whose vocabulary and outputs fit a task (or a plain vocabulary)")
      .requiredOption("--arch <A>", `${ARCHS.join(", ")}`, oneOf("--arch", ARCHS))
      .requiredOption(
        "--hidden <M>",
        "hidden units per layer (dfa: number of states; transformer: width d)",
        wholeNumber("--hidden", 1, 4096),
      )
      .option("--format <F>", "number format: float64, float32, float16, bfloat16, fixed:I.F[:nearest]", "float32"),
    false,
  )
    .option("--vocab <V>", "instead of --task: tokens 0..V-1", wholeNumber("--vocab", 1, MAX_TOKENS))
    .option("--labels <L>", "with --vocab: labels 0..L-1", wholeNumber("--labels", 1, 4096), 2)
    .option("--seed <S>", "seed", wholeNumber("--seed", 0, 2 ** 32 - 1), 0)
    .option("--layers <L>", "stacked layers", wholeNumber("--layers", 1, 16), 1)
    .option("--embed <D>", "embedding width (default: hidden)", wholeNumber("--embed", 1, 4096))
    .option(
      "--nonlinearity <f>",
      "elman nonlinearity: tanh, relu",
      oneOf("--nonlinearity", ["tanh", "relu"] as const),
      "tanh",
    )
    .option("--heads <H>", "transformer: heads per layer", wholeNumber("--heads", 1, 64), 1)
    .option("--head-width <m>", "transformer: head width m (default: d)", wholeNumber("--head-width", 1, 4096))
    .option("--ffn <f>", "transformer: FFN width, 0 for none (default 2d)", wholeNumber("--ffn", 0, 4096))
    .option(
      "--max-length <L>",
      "transformer: longest input (default: the task's input length)",
      wholeNumber("--max-length", 1, MAX_TOKENS),
    )
    .option("--layer-norm", "transformer: layer norm after each residual")
    .option("--d-state <N>", "mamba: SSM state per channel (default 16)", wholeNumber("--d-state", 1, 4096))
    .option("--d-conv <K>", "mamba: convolution width (default 4)", wholeNumber("--d-conv", 1, 64))
    .option("--expand <E>", "mamba: d_inner / hidden (default 2)", wholeNumber("--expand", 1, 16))
    .option(
      "--dt-rank <R>",
      "mamba: rank of dt's projection (default ceil(hidden / 16))",
      wholeNumber("--dt-rank", 1, 4096),
    )
    .option("--non-negative", "linear: every diagonal a is drawn >= 0 (|a|): the scope of the parity results")
    .option("--norm-first", "torch-encoder: layer norms before attention and the FFN (norm_first=True)")
    .option(
      "--activation <f>",
      "torch-encoder: the FFN's activation, relu or gelu (erf)",
      oneOf("--activation", ["relu", "gelu"] as const),
    )
    .option("--out <file>", "write here instead of stdout")
    .action((o: RandomModelFlags) => {
      const { vocab, labels, length } = vocabulary(o);
      parseFormat(o.format); // one clear line for a bad format before anything is built
      const options = randomOptions(o, vocab, labels, length);
      const arch = RANDOM_KINDS.find((k) => k.name === o.arch)!.arch;
      checkSize(arch.randomNumbers(options));
      if (o.nonNegative && o.arch !== "linear")
        fail("invalid-flag", `--non-negative is for --arch linear (its diagonal a), not ${o.arch}`, "--non-negative");
      const drawn = arch.random(options);
      const spec = o.nonNegative ? nonNegative(drawn as RecurrentModelSpec) : drawn;
      if (o.out) writeModelFile(o.out, spec);
      else process.stdout.write(modelFileText(spec, "random-model"));
    });
}

function vocabulary(o: RandomModelFlags): { vocab: string[]; labels: string[]; length?: number } {
  if ((o.task === undefined) === (o.vocab === undefined))
    fail("invalid-flag", "give either --task with --n, or --vocab", "--task");
  if (o.vocab !== undefined) return { vocab: alphabet(o.vocab), labels: alphabet(o.labels) };
  if (o.n === undefined) fail("invalid-flag", "--task needs --n", "--n");
  const task = taskOf(o as TaskFlags);
  // A sequence answer (copy) feeds back all its outputs but the last: a Transformer's positions must reach them.
  return { vocab: [...task.vocab], labels: [...task.labels], length: task.inputLength + (task.answerTokens ?? 1) - 1 };
}

/** The flags as the architectures read them; the task's input length is a Transformer's default longest input. */
function randomOptions(
  o: RandomModelFlags,
  vocab: string[],
  labels: string[],
  length: number | undefined,
): RandomOptions {
  const maxLength = o.maxLength ?? length;
  return {
    kind: o.arch,
    hidden: o.hidden,
    format: o.format,
    vocab,
    labels,
    seed: o.seed,
    layers: o.layers,
    nonlinearity: o.nonlinearity,
    heads: o.heads,
    ...(o.embed !== undefined && { embed: o.embed }),
    ...(o.headWidth !== undefined && { headWidth: o.headWidth }),
    ...(o.ffn !== undefined && { ffn: o.ffn }),
    ...(maxLength !== undefined && { maxLength }),
    ...(o.layerNorm && { layerNorm: true }),
    ...(o.normFirst && { normFirst: true }),
    ...(o.activation !== undefined && { activation: o.activation }),
    ...(o.dState !== undefined && { dState: o.dState }),
    ...(o.dConv !== undefined && { dConv: o.dConv }),
    ...(o.expand !== undefined && { expand: o.expand }),
    ...(o.dtRank !== undefined && { dtRank: o.dtRank }),
  };
}

/** Refuse, before building it, a model with more numbers than a model file may hold (it would not be readable). */
function checkSize(numbers: number): void {
  if (numbers > MAX_NUMBERS)
    fail(
      "too-large",
      `the model would have about ${numbers.toLocaleString("en")} numbers, more than a model file holds (${MAX_NUMBERS.toLocaleString("en")})`,
      "--hidden",
      "use a smaller --hidden, --heads or --layers",
    );
}
