import type { Command } from "commander";
import { fail } from "../../errors.js";
import { modelFileText, writeModelFile } from "../../io/model-file.js";
import { randomModel } from "../../models/random.js";
import { CELL_TYPES } from "../../models/spec.js";
import { parseFormat } from "../../numeric/parse.js";
import { alphabet, makeTask, TASK_NAMES } from "../../tasks/index.js";
import { oneOf, wholeNumber } from "../options.js";

interface RandomModelFlags {
  arch: (typeof ARCHS)[number];
  hidden: number;
  format: string;
  task?: string;
  n?: number;
  alphabet?: number;
  vocab?: number;
  labels: number;
  seed: number;
  layers: number;
  embed?: number;
  nonlinearity: "tanh" | "relu";
  out?: string;
}

const ARCHS = [...CELL_TYPES, "dfa"] as const;

export function registerRandomModel(program: Command): void {
  program
    .command("random-model")
    .description("write a random model whose vocabulary and outputs fit a task (or a plain vocabulary)")
    .requiredOption("--arch <A>", `${ARCHS.join(", ")}`, oneOf("--arch", ARCHS))
    .requiredOption("--hidden <M>", "hidden units per layer (for dfa: number of states)", wholeNumber("--hidden", 1, 4096))
    .option("--format <F>", "number format: float64, float32, float16, bfloat16, fixed:I.F[:nearest]", "float32")
    .option("--task <T>", `fit this task: ${TASK_NAMES.join(", ")}`, oneOf("--task", TASK_NAMES))
    .option("--n <N>", "N for --task", wholeNumber("--n", 1))
    .option("--alphabet <K>", "alphabet size for --task", wholeNumber("--alphabet", 2, 256))
    .option("--vocab <V>", "instead of --task: tokens 0..V-1", wholeNumber("--vocab", 1, 4096))
    .option("--labels <L>", "with --vocab: labels 0..L-1", wholeNumber("--labels", 1, 4096), 2)
    .option("--seed <S>", "seed", wholeNumber("--seed", 0, 2 ** 32 - 1), 0)
    .option("--layers <L>", "stacked layers", wholeNumber("--layers", 1, 16), 1)
    .option("--embed <D>", "embedding width (default: hidden)", wholeNumber("--embed", 1, 4096))
    .option("--nonlinearity <f>", "elman nonlinearity: tanh, relu", oneOf("--nonlinearity", ["tanh", "relu"] as const), "tanh")
    .option("--out <file>", "write here instead of stdout")
    .action((o: RandomModelFlags) => {
      const { vocab, labels } = vocabulary(o);
      parseFormat(o.format); // one clear line for a bad format before anything is built
      const spec = randomModel({ ...o, vocab, labels, ...(o.embed !== undefined && { embed: o.embed }) });
      if (o.out) writeModelFile(o.out, spec);
      else process.stdout.write(modelFileText(spec, "random-model"));
    });
}

function vocabulary(o: RandomModelFlags): { vocab: string[]; labels: string[] } {
  if ((o.task === undefined) === (o.vocab === undefined)) fail("invalid-flag", "give either --task with --n, or --vocab", "--task");
  if (o.vocab !== undefined) return { vocab: alphabet(o.vocab), labels: alphabet(o.labels) };
  if (o.n === undefined) fail("invalid-flag", "--task needs --n", "--n");
  const task = makeTask(o.task!, o.n, o.alphabet === undefined ? {} : { alphabet: o.alphabet });
  return { vocab: [...task.vocab], labels: [...task.labels] };
}
