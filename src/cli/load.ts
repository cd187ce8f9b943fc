import type { Command } from "commander";
import { modelSha256, readModelFile } from "../io/model-file.js";
import { CELL_SETTING_FLAGS, type ImportFlags, type Nonlinearity } from "../io/pytorch-import.js";
import { compileModel, type Model } from "../models/compile.js";
import { inFormat } from "../models/in-format.js";
import type { ModelSpec } from "../models/spec.js";
import { FORMAT_NAMES_HELP } from "../numeric/parse.js";
import { bind, unusedTokenNotes, type Binding } from "../reductions/bind.js";
import type { Task } from "../tasks/task.js";
import { oneOf, shellQuote, tokensOf } from "./options.js";
import { escapeForTerminal } from "./print.js";

// Defined in src/models/ with the architectures; the commands that print a model's description import it from here.
export { describeModel } from "../models/describe.js";

export interface LoadedModel {
  readonly path: string;
  readonly spec: ModelSpec;
  readonly sha256: string;
  readonly model: Model;
}

/** The flags every command that reads a model takes (modelOptions adds them): what to run it as, what to import it with. */
export interface ModelOptions {
  /** Run in this number format instead of the file's. */
  format?: string;
  /** Safetensors only: what the weights cannot say (a cell's settings are flags of their own names). */
  nonlinearity?: Nonlinearity;
  vocab?: string;
  labels?: string;
}

/** The cells' settings' keys: flags of those names, kept in ModelOptions under them. */
const SETTINGS = CELL_SETTING_FLAGS.map((s) => s.key);

function flagValue(o: ModelOptions, key: string): string | undefined {
  return (o as Readonly<Record<string, string | undefined>>)[key];
}

export function modelOptions(command: Command): Command {
  command.option(
    "--format <F>",
    `run the model in this number format, its weights rounded to it (${FORMAT_NAMES_HELP})`,
  );
  for (const { key, values, modules } of CELL_SETTING_FLAGS)
    command.option(
      `--${key} <${key[0]}>`,
      `safetensors: the ${key} of an ${modules.join(" or an ")}: ${values.join(", ")}`,
      oneOf(`--${key}`, values),
    );
  return command
    .option("--vocab <tokens>", "safetensors: the token of each embedding row, space-separated (default: ids 0..V-1)")
    .option("--labels <labels>", "safetensors: the label of each head row, space-separated (default: ids 0..C-1)");
}

/** Reads a model file (JSON or safetensors) and compiles it, in the number format of --format when given. */
export function loadModel(path: string, o: ModelOptions = {}): LoadedModel {
  const settings = Object.fromEntries(
    SETTINGS.flatMap((key) => (flagValue(o, key) === undefined ? [] : [[key, flagValue(o, key)]])),
  );
  const file = readModelFile(path, {
    ...(settings as ImportFlags),
    ...(o.vocab !== undefined && { vocab: tokensOf(o.vocab) }),
    ...(o.labels !== undefined && { labels: tokensOf(o.labels) }),
  });
  const spec = o.format === undefined ? file.spec : inFormat(file.spec, o.format);
  // The model run in another format is another model: certificates name it by its own hash.
  const sha256 = spec === file.spec ? file.sha256 : modelSha256(spec);
  return { path, spec, sha256, model: compileModel(spec) };
}

/** The model and its flags as a replay command names them: `m.json --format float16`. */
export function modelArgs(path: string, o: ModelOptions): string {
  const flags = ["format", ...SETTINGS, "vocab", "labels"]
    .filter((k) => flagValue(o, k) !== undefined)
    .map((k) => ` --${k} ${shellQuote(flagValue(o, k)!)}`);
  return shellQuote(path) + flags.join("");
}

/** The model flags that were given, by name: what a shard file records so that merge loads the same model. */
export function modelFlags(o: ModelOptions): Record<string, string> {
  const given = ["format", ...SETTINGS, "vocab", "labels"].filter((k) => flagValue(o, k) !== undefined);
  return Object.fromEntries(given.map((k) => [k, flagValue(o, k)!]));
}

/** One line on stderr that the run is not quite what the user may have meant, and why: "ccbound: note: ...". */
export function note(line: string): void {
  process.stderr.write(`ccbound: note: ${escapeForTerminal(line)}\n`);
}

/**
 * Binds the model to the task (src/reductions/bind.ts: missing tokens or labels, a head that does not fit the task's
 * labels, each one line and exit 2) and prints a note for each token of the vocabulary the task's flags leave unused.
 */
export function bindTask(model: Model, task: Task): Binding {
  const binding = bind(model, task);
  for (const line of unusedTokenNotes(model, task)) note(line);
  return binding;
}
