import type { Command } from "commander";
import { run } from "../../cc/protocol.js";
import { fail } from "../../errors.js";
import { greedyDecode } from "../../models/decode.js";
import { forward } from "../../models/model.js";
import { theorem2Continuation } from "../../reductions/theorem2.js";
import { inputIds } from "../../reductions/bind.js";
import { reductionFor } from "../../reductions/applies.js";
import { protocolAt } from "../../reductions/protocol-at.js";
import { paperTheorem4Bits } from "../../reductions/theorem4.js";
import { parseSplit, tokensOf } from "../../reductions/split.js";
import type { Model } from "../../models/compile.js";
import { bindTask, loadModel, modelOptions, type ModelOptions } from "../load.js";
import { tokensOf as splitWords } from "../options.js";
import { taskFlags, taskOf, type TaskFlags } from "../task-flags.js";
import { printJson, printRows } from "../print.js";

interface SimulateOptions extends ModelOptions, Partial<TaskFlags> {
  input: string;
  split: string;
  json?: boolean;
}

export function registerSimulate(program: Command): void {
  modelOptions(
    taskFlags(
      program
        .command("simulate")
        .description(
          "run the model's protocol on one input (Theorem 2 for recurrent models, Theorem 4 for one-layer Transformers) and print the transcript with bit counts",
        )
        .argument("<model>", "model file (JSON or safetensors)")
        .requiredOption("--input <tokens>", "space-separated tokens")
        .requiredOption(
          "--split <K|odd-even>",
          "Alice holds the first K tokens (or, for Transformers, the odd positions 1, 3, ...), Bob the rest",
        )
        .option("--json", "one JSON object on stdout"),
      false,
    ),
  ).action((modelPath: string, o: SimulateOptions) => simulate(modelPath, o));
}

function simulate(modelPath: string, o: SimulateOptions): void {
  const { model } = loadModel(modelPath, o);
  const tokens = splitWords(o.input);
  if (o.task !== undefined && o.n === undefined) fail("invalid-flag", "--task needs --n", "--n");
  const task = o.task === undefined ? undefined : taskOf(o as TaskFlags);
  if (task) bindTask(model, task);
  const expected = task?.answer(tokens);
  const applies = task && reductionFor(model, task);
  const bound =
    applies === undefined
      ? undefined
      : applies.kind === "none"
        ? `none: ${applies.reason}`
        : applies.reduction.kind === "dynamics"
          ? `${applies.reduction.theorem.name}, by the model's dynamics on 1 1 1 ... (no split): ccbound check finds its state repeat`
          : `${applies.reduction.theorem.name} (from ${applies.reduction.problem}) at split ${applies.reduction.split.name}${applies.reduction.split.name === o.split ? "" : `, not this split: a collision here proves nothing`}`;
  const ids = inputIds(model, tokens);
  const { result, closedForm, forwardLabel, alice, bob } = runProtocol(model, ids, o.split);
  const sequence =
    task?.answerTokens === undefined ? undefined : continuation(model, ids, alice, result, task.answerTokens);
  const output = sequence?.bob ?? model.labels[result.output]!;
  const forwardOutput = sequence?.forward ?? model.labels[forwardLabel]!;
  const messages = result.transcript.map((m) => ({
    from: m.from,
    label: m.label,
    bits: m.bits.length,
    hex: m.bits.toHex(),
  }));
  if (o.json) {
    printJson({
      split: o.split,
      messages,
      cost: result.cost,
      closedForm,
      output,
      forward: forwardOutput,
      ...(expected !== undefined && { expected }),
      ...(bound !== undefined && { bound }),
    });
    return;
  }
  printRows([
    ["alice", Array.from(alice, (p) => tokens[p]).join(" ") || "(nothing)"],
    ["bob", Array.from(bob, (p) => tokens[p]).join(" ") || "(nothing)"],
    ...messages.map((m, i): [string, string] => [
      `message ${i + 1}`,
      `${m.from} -> ${m.from === "alice" ? "bob" : "alice"}: ${m.label}: ${m.bits} bits 0x${m.hex}`,
    ]),
    [
      "cost",
      `${result.cost} bits (${model.kind === "recurrent" ? "Theorem 2" : "Theorem 4"}'s closed form: ${closedForm}${model.kind === "transformer" ? `; the paper's 3m(p + log N)H: ${paperTheorem4Bits(model, ids.length)}` : ""})`,
    ],
    [
      "output",
      `${output} (${model.kind === "recurrent" ? "bob" : "both"}); forward pass: ${forwardOutput}${output === forwardOutput ? ", equal" : ", DIFFERENT"}`,
    ],
    ...(expected === undefined
      ? []
      : [["task", `${expected}${expected === output ? " (right)" : " (WRONG)"}`] as [string, string]]),
    ...(bound === undefined ? [] : [["bound", bound] as [string, string]]),
  ]);
}

/**
 * A sequence answer (copy) at a cut of a recurrent model: Bob's greedy continuation from Alice's message in the
 * protocol's run and his tokens (theorem2.ts), and the forward pass's greedy decoding, as label strings joined by
 * spaces.
 */
function continuation(
  model: Model,
  ids: Int32Array,
  alice: Int32Array,
  result: ReturnType<typeof run>,
  steps: number,
): { bob: string; forward: string } {
  const named = (labels: number[]) => labels.map((l) => model.labels[l]!).join(" ");
  const forwardText = named(greedyDecode(model, ids, steps));
  if (model.kind !== "recurrent" || alice.some((p, i) => p !== i)) {
    fail(
      "unsupported",
      "simulate decodes a sequence answer from Theorem 2's message at a cut of a recurrent model only",
      "--split",
    );
  }
  const cut = alice.length;
  const bob = theorem2Continuation(model, result.transcript[0]!.bits, ids.subarray(cut), cut, ids.length, steps);
  return { bob: named(bob), forward: forwardText };
}

/** The model's protocol at the split, from the one place that builds it (Theorem 2 at a cut, Theorem 4 at any split). */
function runProtocol(model: Model, ids: Int32Array, splitText: string) {
  const split = parseSplit(splitText, ids.length, true);
  const { protocol, bits } = protocolAt(model, split);
  const result = run(protocol, tokensOf(ids, split.alice), tokensOf(ids, split.bob));
  const forwardLabel = model.kind === "transformer" ? model.forward(ids) : forward(model, ids);
  return { result, closedForm: bits, forwardLabel, alice: split.alice, bob: split.bob };
}
