import type { Command } from "commander";
import { makeTask, TASK_NAMES, type Task, type TaskOptions } from "../tasks/index.js";
import { oneOf, wholeNumber } from "./options.js";

/** The flags that pick a task: --task, --n and the task's own parameters, named as TaskOptions names them. */
export interface TaskFlags extends TaskOptions {
  task: string;
  n: number;
}

export function taskFlags(command: Command, required = true): Command {
  const task = `task: ${TASK_NAMES.join(", ")}`;
  const n = "input length parameter N";
  return taskParameterFlags(
    required
      ? command
          .requiredOption("--task <task>", task, oneOf("--task", TASK_NAMES))
          .requiredOption("--n <N>", n, wholeNumber("--n", 1))
      : command.option("--task <task>", task, oneOf("--task", TASK_NAMES)).option("--n <N>", n, wholeNumber("--n", 1)),
  );
}

/** The task's own parameters (every task's; a task refuses those it does not take). */
export function taskParameterFlags(command: Command): Command {
  return command
    .option(
      "--alphabet <K>",
      "index-lookup, assoc-recall: alphabet size (default 2)",
      wholeNumber("--alphabet", 2, 256),
    )
    .option("--variant <V>", "equality: eq (default) or ineq", oneOf("--variant", ["eq", "ineq"]))
    .option("--separator", "equality: a | token between the halves")
    .option("--pairs <K>", "dyck: bracket types (default 2)", wholeNumber("--pairs", 1, 4))
    .option("--depth <M>", "dyck: most unclosed brackets (default 2)", wholeNumber("--depth", 1, 4096))
    .option(
      "--dim <D>",
      "nearest-neighbor: key dimension (default: least D with 2^D >= N)",
      wholeNumber("--dim", 1, 12),
    )
    .option("--mqar", "nearest-neighbor: queries repeat a key (MQAR)");
}

/** The task the flags name. */
export function taskOf(o: TaskFlags): Task {
  return makeTask(o.task, o.n, taskOptionsOf(o));
}

/** The task parameters among parsed flags. */
export function taskOptionsOf(o: TaskOptions): TaskOptions {
  const options: TaskOptions = {};
  for (const key of ["alphabet", "variant", "separator", "pairs", "depth", "dim", "mqar"] as const) {
    if (o[key] !== undefined) (options as Record<string, unknown>)[key] = o[key];
  }
  return options;
}

/** The task flags as a replay command writes them. */
export function taskArgs(o: TaskFlags): string {
  const values = (["alphabet", "variant", "pairs", "depth", "dim"] as const)
    .filter((k) => o[k] !== undefined)
    .map((k) => ` --${k} ${o[k]}`);
  const switches = (["separator", "mqar"] as const).filter((k) => o[k]).map((k) => ` --${k}`);
  return `--task ${o.task} --n ${o.n}${values.join("")}${switches.join("")}`;
}
