import type { Command } from "commander";
import { makeTask, TASK_NAMES, TASK_PARAMS, type Task, type TaskOptions } from "../tasks/index.js";
import { oneOf, wholeNumber } from "./options.js";

/** The flags that pick a task: --task, --n and the task's own parameters (src/tasks/params.ts). */
export interface TaskFlags extends TaskOptions {
  task: string;
  n: number;
}

export function taskFlags(command: Command, required = true, nRequired = required): Command {
  const task = `task: ${TASK_NAMES.join(", ")}`;
  const n = "input length parameter N";
  const taskFlag = oneOf("--task", TASK_NAMES);
  const nFlag = wholeNumber("--n", 1);
  const withTask = required
    ? command.requiredOption("--task <task>", task, taskFlag)
    : command.option("--task <task>", task, taskFlag);
  const withN = nRequired ? withTask.requiredOption("--n <N>", n, nFlag) : withTask.option("--n <N>", n, nFlag);
  return taskParameterFlags(withN);
}

/** Every task's own parameters, from the one table (a task refuses those it does not take). */
export function taskParameterFlags(command: Command): Command {
  for (const p of TASK_PARAMS) {
    const flag = `--${p.option}`;
    switch (p.kind.type) {
      case "int":
        command.option(`${flag} <${p.option.charAt(0).toUpperCase()}>`, p.help, wholeNumber(flag, p.kind.min));
        break;
      case "choice":
        command.option(`${flag} <V>`, p.help, oneOf(flag, p.kind.choices));
        break;
      case "switch":
        command.option(flag, p.help);
        break;
    }
  }
  return command;
}

/** The task the flags name. */
export function taskOf(o: TaskFlags): Task {
  return makeTask(o.task, o.n, taskOptionsOf(o));
}

/** The task parameters among parsed flags. */
export function taskOptionsOf(o: TaskOptions): TaskOptions {
  const options: Record<string, unknown> = {};
  for (const { option } of TASK_PARAMS) if (o[option] !== undefined) options[option] = o[option];
  return options as TaskOptions;
}
