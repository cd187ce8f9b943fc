import type { Command } from "commander";
import { fail } from "../../errors.js";
import { MAX_NUMBERS } from "../../io/limits.js";
import { modelFileText } from "../../io/model-file.js";
import { writeModelFile } from "../../io/write-model.js";
import { randomModel } from "../../models/random.js";
import { CELL_TYPES } from "../../models/spec.js";
import { parseFormat } from "../../numeric/parse.js";
import { randomTransformer } from "../../models/random-transformer.js";
import type { TransformerModelSpec } from "../../models/spec.js";
import { alphabet } from "../../tasks/index.js";
import { oneOf, wholeNumber } from "../options.js";
import { taskFlags, taskOf, type TaskFlags } from "../task-flags.js";

interface RandomModelFlags extends Partial<TaskFlags> {
  arch: (typeof ARCHS)[number];
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
  out?: string;
}

const ARCHS = [...CELL_TYPES, "dfa", "transformer"] as const;

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
    .option("--vocab <V>", "instead of --task: tokens 0..V-1", wholeNumber("--vocab", 1, 4096))
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
      wholeNumber("--max-length", 1, 4096),
    )
    .option("--layer-norm", "transformer: layer norm after each residual")
    .option("--out <file>", "write here instead of stdout")
    .action((o: RandomModelFlags) => {
      const { vocab, labels, length } = vocabulary(o);
      parseFormat(o.format); // one clear line for a bad format before anything is built
      checkSize(o, vocab.length, labels.length, length);
      const spec =
        o.arch === "transformer"
          ? transformerOf(o, vocab, labels, length)
          : randomModel({ ...o, arch: o.arch, vocab, labels, ...(o.embed !== undefined && { embed: o.embed }) });
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
  return { vocab: [...task.vocab], labels: [...task.labels], length: task.inputLength };
}

function transformerOf(
  o: RandomModelFlags,
  vocab: string[],
  labels: string[],
  length: number | undefined,
): TransformerModelSpec {
  const maxLength =
    o.maxLength ?? length ?? fail("invalid-flag", "a transformer with --vocab needs --max-length", "--max-length");
  return randomTransformer({
    width: o.hidden,
    heads: o.heads,
    layers: o.layers,
    maxLength,
    format: o.format,
    vocab,
    labels,
    seed: o.seed,
    ...(o.headWidth !== undefined && { headWidth: o.headWidth }),
    ...(o.ffn !== undefined && { ffn: o.ffn }),
    ...(o.layerNorm && { layerNorm: true }),
  });
}

/** Refuse, before building it, a model with more numbers than a model file may hold (it would not be readable). */
function checkSize(o: RandomModelFlags, vocab: number, labels: number, length: number | undefined): void {
  const h = o.hidden;
  let numbers: number;
  if (o.arch === "dfa") numbers = h * (vocab + 1);
  else if (o.arch === "transformer") {
    const m = o.headWidth ?? h;
    const f = o.ffn ?? 2 * h;
    const perLayer = 3 * o.heads * m * h + h * m * o.heads + 2 * f * h + f + h + (o.layerNorm ? 4 * h + 2 : 0);
    numbers = (vocab + (o.maxLength ?? length ?? 0)) * h + o.layers * perLayer + labels * (h + 1);
  } else {
    const gates = o.arch === "lstm" ? 4 : o.arch === "gru" ? 3 : 1;
    const d = o.embed ?? h;
    numbers = vocab * d + o.layers * gates * h * (d + h + 2) + labels * (h + 1);
  }
  if (numbers > MAX_NUMBERS)
    fail(
      "too-large",
      `the model would have about ${numbers.toLocaleString("en")} numbers, more than a model file holds (${MAX_NUMBERS.toLocaleString("en")})`,
      "--hidden",
      "use a smaller --hidden, --heads or --layers",
    );
}
