import type { Command } from "commander";
import { fail } from "../../errors.js";
import { modelFileText } from "../../io/model-file.js";
import { writeModelFile } from "../../io/write-model.js";
import { ZOO, zooEntry, type ZooParams } from "../../zoo/index.js";
import { wholeNumber } from "../options.js";

interface ZooFlags extends Partial<ZooParams> {
  out?: string;
}

export function registerZoo(program: Command): void {
  program
    .command("zoo")
    .description(
      `write a model whose errors are known by construction, for benchmarking refuters and marking a theorem's scope:\n${ZOO.map((e) => `  ${e.name}: ${e.summary}`).join("\n")}`,
    )
    .argument("<name>", ZOO.map((e) => e.name).join(", "))
    .requiredOption("--n <N>", "the task's N", wholeNumber("--n", 1, 4096))
    .option("--bits <c>", "hash-equality: bits of the hash (default 16)", wholeNumber("--bits", 1, 48))
    .option("--seed <S>", "hash-equality: seed of the hash weights (default 0)", wholeNumber("--seed", 0, 2 ** 32 - 1))
    .option("--separator", "hash-equality: the equality task with a | between the halves")
    .option(
      "--forget <t>",
      "forgetful-lookup: the 1-based position it forgets (default 1)",
      wholeNumber("--forget", 1, 4096),
    )
    .option(
      "--remember <m>",
      "partial-lookup: how many leading symbols it stores (default in the model)",
      wholeNumber("--remember", 1, 4096),
    )
    .option("--out <file>", "write here instead of stdout")
    .action((name: string, o: ZooFlags) => {
      const entry = zooEntry(name);
      const given = (["bits", "seed", "separator", "forget", "remember"] as const).filter((k) => o[k] !== undefined);
      const foreign = given.find((k) => !entry.takes.includes(k));
      if (foreign !== undefined) fail("invalid-flag", `${name} takes no --${foreign}`, `--${foreign}`);
      const spec = entry.build({ ...o, n: o.n! });
      if (o.out) writeModelFile(o.out, spec);
      else process.stdout.write(modelFileText(spec, "zoo"));
    });
}
