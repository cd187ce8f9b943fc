import type { Command } from "commander";
import { run } from "../../cc/protocol.js";
import { fail } from "../../errors.js";
import { forward } from "../../models/model.js";
import { inputIds } from "../../reductions/bind.js";
import { theorem2Cost, theorem2Protocol } from "../../reductions/theorem2.js";
import { makeTask, TASK_NAMES } from "../../tasks/index.js";
import { loadModel } from "../load.js";
import { oneOf, tokensOf, wholeNumber } from "../options.js";
import { printJson, printRows } from "../print.js";

interface SimulateOptions {
  input: string;
  split: number;
  task?: string;
  n?: number;
  json?: boolean;
}

export function registerSimulate(program: Command): void {
  program
    .command("simulate")
    .description("run Theorem 2's protocol on one input split at K and print the transcript with bit counts")
    .argument("<model>", "model file (JSON)")
    .requiredOption("--input <tokens>", "space-separated tokens")
    .requiredOption("--split <K>", "Alice holds the first K tokens, Bob the rest", wholeNumber("--split", 0))
    .option("--task <task>", `also give the task's answer: ${TASK_NAMES.join(", ")}`, oneOf("--task", TASK_NAMES))
    .option("--n <N>", "N for --task", wholeNumber("--n", 1))
    .option("--json", "one JSON object on stdout")
    .action((modelPath: string, o: SimulateOptions) => simulate(modelPath, o));
}

function simulate(modelPath: string, o: SimulateOptions): void {
  const { model } = loadModel(modelPath);
  const tokens = tokensOf(o.input);
  if (o.split > tokens.length) fail("invalid-flag", `split ${o.split} is past the input's ${tokens.length} tokens`, "--split");
  if (o.task !== undefined && o.n === undefined) fail("invalid-flag", "--task needs --n", "--n");
  const expected = o.task === undefined ? undefined : makeTask(o.task, o.n!).answer(tokens);
  const ids = inputIds(model, tokens);
  const result = run(theorem2Protocol(model), ids.subarray(0, o.split), ids.subarray(o.split));
  const output = model.labels[result.output]!;
  const forwardOutput = model.labels[forward(model, ids)]!;
  const messages = result.transcript.map((m) => ({ from: m.from, label: m.label, bits: m.bits.length, hex: m.bits.toHex() }));
  if (o.json) {
    printJson({ split: o.split, messages, cost: result.cost, closedForm: theorem2Cost(model), output, forward: forwardOutput, ...(expected !== undefined && { expected }) });
    return;
  }
  printRows([
    ["alice", tokens.slice(0, o.split).join(" ") || "(nothing)"],
    ["bob", tokens.slice(o.split).join(" ") || "(nothing)"],
    ...messages.map((m, i): [string, string] => [`message ${i + 1}`, `${m.from} -> ${m.from === "alice" ? "bob" : "alice"}: ${m.label}: ${m.bits} bits 0x${m.hex}`]),
    ["cost", `${result.cost} bits (Theorem 2's closed form: ${theorem2Cost(model)})`],
    ["output", `${output} (bob); forward pass: ${forwardOutput}${output === forwardOutput ? ", equal" : ", DIFFERENT"}`],
    ...(expected === undefined ? [] : [["task", `${expected}${expected === output ? " (right)" : " (WRONG)"}`] as [string, string]]),
  ]);
}
