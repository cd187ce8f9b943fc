import { Command, CommanderError } from "commander";
import { CcboundError } from "../errors.js";
import { VERSION } from "../version.js";
import { registerBounds } from "./commands/bounds.js";
import { registerCheck } from "./commands/check.js";
import { registerCite } from "./commands/cite.js";
import { registerConstruct, registerVerifyConstruction } from "./commands/construct.js";
import { registerConvert } from "./commands/convert.js";
import { registerEval } from "./commands/eval.js";
import { registerMerge } from "./commands/merge.js";
import { registerProve } from "./commands/prove.js";
import { registerRandomModel } from "./commands/random-model.js";
import { registerSimulate } from "./commands/simulate.js";
import { registerVerify } from "./commands/verify.js";
import { registerZoo } from "./commands/zoo.js";
import { EXIT } from "./exit.js";

export function buildProgram(): Command {
  const program = new Command("ccbound")
    .description("Executable communication-complexity lower bounds for sequence models (arXiv 2406.09347)")
    .version(VERSION)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`ccbound: ${text.replace(/^error: /, "")}`) });
  for (const register of [
    registerCheck,
    registerMerge,
    registerVerify,
    registerEval,
    registerSimulate,
    registerRandomModel,
    registerConvert,
    registerZoo,
    registerConstruct,
    registerVerifyConstruction,
    registerBounds,
    registerCite,
    registerProve,
  ])
    register(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** Run the CLI: bad input becomes one line on stderr and exit 2, never a stack trace. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv as string[]);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version succeed; help shown because no command was given ("commander.help") is a usage error.
      const informational = e.code === "commander.helpDisplayed" || e.code === "commander.version";
      return informational ? EXIT.ok : EXIT.error;
    }
    if (e instanceof CcboundError) {
      process.stderr.write(`ccbound: ${e.oneLine()}\n`);
      return EXIT.error;
    }
    throw e;
  }
}
