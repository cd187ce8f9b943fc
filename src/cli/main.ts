import { Command, CommanderError } from "commander";
import { CcboundError } from "../errors.js";
import { VERSION } from "../version.js";
import { registerBounds } from "./commands/bounds.js";
import { registerCheck } from "./commands/check.js";
import { registerCite } from "./commands/cite.js";
import { registerConstruct, registerVerifyConstruction } from "./commands/construct.js";
import { registerConvert } from "./commands/convert.js";
import { registerEval } from "./commands/eval.js";
import { registerJobs } from "./commands/jobs.js";
import { registerMerge } from "./commands/merge.js";
import { registerProve } from "./commands/prove.js";
import { registerRandomModel } from "./commands/random-model.js";
import { registerSimulate } from "./commands/simulate.js";
import { registerVerify } from "./commands/verify.js";
import { registerZoo } from "./commands/zoo.js";
import { EXIT } from "./exit.js";
import { escapeForTerminal } from "./print.js";

export function buildProgram(): Command {
  const program = new Command("ccbound")
    .description("Executable communication-complexity lower bounds for sequence models (arXiv 2406.09347)")
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      // commander's own usage errors quote the flags as given: one escaped, capped line too
      outputError: (text, write) => write(`${errorLine(text.replace(/^error: /, "").replace(/\n+$/, ""))}\n`),
    });
  for (const register of [
    registerCheck,
    registerMerge,
    registerJobs,
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

/** An error line is capped here, in one place: a message that lists 100,000 shard names once made a 1.4 MB "line". */
export const MAX_ERROR_LINE = 400;

/**
 * The one line a user sees for an error: "ccbound: " and the message, with anything a terminal would act on escaped
 * (a message may quote a hostile file) and cut at MAX_ERROR_LINE characters.
 */
export function errorLine(message: string): string {
  const line = `ccbound: ${escapeForTerminal(message)}`;
  if (line.length <= MAX_ERROR_LINE) return line;
  const cut = ` ... (cut here: ${line.length} characters in all)`;
  return line.slice(0, MAX_ERROR_LINE - cut.length) + cut;
}

/**
 * Anything thrown that is not bad input is a bug of ccbound: one line, exit 2, never a verdict's 0, 1 or 3 (a script
 * must not read a crash in `check` as "refuted", or in `verify` as "invalid"). CCBOUND_DEBUG=1 adds the stack.
 */
export function reportInternalError(error: unknown): number {
  const what =
    error instanceof Error
      ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`
      : `a thrown ${typeof error}: ${String(error)}`;
  process.stderr.write(`${errorLine(`internal error: ${what}; please report`)}\n`);
  if (process.env["CCBOUND_DEBUG"] === "1" && error instanceof Error && error.stack)
    process.stderr.write(`${error.stack}\n`);
  return EXIT.error;
}

/** Run the CLI: bad input becomes one line on stderr and exit 2, never a stack trace; so does a bug. */
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
    return reportError(e);
  }
}

/** Bad input as its one line, anything else as an internal error; exit 2 either way. */
export function reportError(e: unknown): number {
  if (!(e instanceof CcboundError)) return reportInternalError(e);
  process.stderr.write(`${errorLine(e.oneLine())}\n`);
  return EXIT.error;
}
