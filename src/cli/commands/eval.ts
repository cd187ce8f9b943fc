import type { Command } from "commander";
import { fail } from "../../errors.js";
import { readExpectFile } from "../../io/expect-file.js";
import { greedyDecode } from "../../models/decode.js";
import { argmax, encodeState, feed, stateBits } from "../../models/model.js";
import { inputIds } from "../../reductions/bind.js";
import { EXIT } from "../exit.js";
import { compareExpected, diffText, toleranceFor, type ExpectReport } from "../expect.js";
import { bindTask, loadModel, modelOptions, type LoadedModel, type ModelOptions } from "../load.js";
import { positiveNumber, tokensOf } from "../options.js";
import { printJson, printRows } from "../print.js";
import { taskFlags, taskOf, type TaskFlags } from "../task-flags.js";

interface EvalOptions extends ModelOptions, Partial<TaskFlags> {
  input?: string;
  expect?: string;
  tolerance?: number;
  json?: boolean;
}

/** Per-input rows a human report prints at most; --json has every input. */
const MAX_INPUT_ROWS = 50;

export function registerEval(program: Command): void {
  modelOptions(
    taskFlags(
      program
        .command("eval")
        .description("one forward pass (--input), or the model on a file of inputs against reference logits (--expect)")
        .argument("<model>", "model file (JSON, safetensors or a PyTorch state dict)")
        .option("--input <tokens>", 'space-separated tokens, e.g. "0 1 1 @2"')
        .option(
          "--expect <file>",
          "reference logits for a list of inputs, as PyTorch computed them (docs/pytorch.md): report the largest difference, exit 1 beyond --tolerance",
        )
        .option(
          "--tolerance <T>",
          "with --expect: the largest absolute difference to accept (default: float32 1e-5, float64 1e-12)",
          positiveNumber("--tolerance"),
        )
        .option("--json", "add the logits, and the final state (recurrent) or the final vector (Transformer)"),
      false,
    ),
  ).action((modelPath: string, o: EvalOptions) => {
    if ((o.input === undefined) === (o.expect === undefined))
      fail(
        "invalid-flag",
        "give either --input TOKENS or --expect FILE",
        o.input === undefined ? "--input" : "--expect",
      );
    if (o.tolerance !== undefined && o.expect === undefined)
      fail("invalid-flag", "--tolerance is for --expect", "--tolerance");
    if (o.task !== undefined && o.n === undefined) fail("invalid-flag", "--task needs --n", "--n");
    if (o.task === undefined && o.n !== undefined) fail("invalid-flag", "--n needs --task", "--task");
    const loaded = loadModel(modelPath, o);
    const task = o.task === undefined ? undefined : taskOf(o as TaskFlags);
    if (task) bindTask(loaded.model, task);
    if (o.expect !== undefined) {
      process.exitCode = expect(loaded, o.expect, o);
      return;
    }
    const tokens = tokensOf(o.input!);
    const answer = task?.answer(tokens);
    evalOne(loaded, tokens, answer, o.json === true, task?.answerTokens);
  });
}

function expect(loaded: LoadedModel, path: string, o: EvalOptions): number {
  const file = readExpectFile(path);
  const { tolerance, from } = toleranceFor(loaded.model, o.tolerance);
  const r = compareExpected(loaded.model, file, tolerance, from);
  if (o.json) {
    printJson({
      expect: path,
      ...(file.source !== undefined && { source: file.source }),
      format: loaded.model.formatName,
      within: r.within,
      maxAbs: r.maxAbs,
      maxRel: r.maxRel,
      worst: r.worst,
      tolerance: r.tolerance,
      toleranceFrom: r.toleranceFrom,
      answersDiffer: r.answersDiffer,
      inputs: r.inputs,
    });
  } else printExpect(loaded, path, r);
  return r.within ? EXIT.ok : EXIT.mismatch;
}

function printExpect(loaded: LoadedModel, path: string, r: ExpectReport): void {
  const shown = r.inputs.slice(0, MAX_INPUT_ROWS);
  const rows: [string, string][] = shown.map((c) => [
    `input ${c.index}`,
    `${c.tokens} tokens: largest |difference| ${diffText(c.maxAbs)} (logit "${c.at}"), relative ${diffText(c.maxRel)}; answer ${c.output}${c.output === c.expectedOutput ? "" : `, the reference's ${c.expectedOutput}`}`,
  ]);
  if (r.inputs.length > shown.length)
    rows.push(["", `... ${r.inputs.length - shown.length} more inputs (--json lists every one)`]);
  const logits = r.inputs.reduce((s, c) => s + c.logits.length, 0);
  rows.push([
    "largest",
    `|difference| ${diffText(r.maxAbs)} at input ${r.worst.index}, logit "${r.worst.label}"; relative ${diffText(r.maxRel)}; over ${r.inputs.length} inputs and ${logits} logits, the model run in ${loaded.model.formatName}`,
  ]);
  if (r.answersDiffer > 0)
    rows.push(["answers", `${r.answersDiffer} of ${r.inputs.length} inputs answered otherwise than the reference`]);
  rows.push([
    r.within ? "within" : "FAILED",
    r.within
      ? `the tolerance ${r.tolerance} (${r.toleranceFrom}): ccbound computes the logits of ${path}`
      : `the largest difference ${diffText(r.maxAbs)} is beyond the tolerance ${r.tolerance} (${r.toleranceFrom}): the model as ccbound reads it does not compute the logits of ${path} (the framework ran these weights otherwise than ccbound's layout, for example with a head on pooled outputs or scaled attention, or the file is of another model)`,
  ]);
  printRows(rows);
}

/**
 * One input: the output label, its logits and the final state or vector. With a task whose answer is a sequence
 * (`steps` tokens, copy), the output is the greedy continuation (src/models/decode.ts), its tokens joined by spaces;
 * the logits and the state are still those after the input, the first output's.
 */
function evalOne(
  loaded: LoadedModel,
  tokens: string[],
  answer: string | undefined,
  json: boolean,
  steps: number | undefined,
): void {
  const { model } = loaded;
  const ids = inputIds(model, tokens);
  const sequence = (first: string) =>
    steps === undefined
      ? first
      : greedyDecode(model, ids, steps)
          .map((l) => model.labels[l]!)
          .join(" ");
  const named = (logits: Float64Array) => Object.fromEntries(Array.from(logits, (v, i) => [model.labels[i]!, v]));
  // --json writes NaN and the infinities as strings (print.ts); the human line says they are there
  const overflow = (logits: Float64Array, inner: Float64Array, what: string): [string, string][] => {
    const bad = Array.from(logits, (v, i) => [model.labels[i]!, v] as const).filter(([, v]) => !Number.isFinite(v));
    const innerBad = inner.filter((v) => !Number.isFinite(v)).length;
    if (bad.length === 0 && innerBad === 0) return [];
    const parts = [
      ...(bad.length > 0 ? [`logits ${bad.map(([l, v]) => `${l} ${v}`).join(", ")}`] : []),
      ...(innerBad > 0 ? [`${innerBad} of ${inner.length} ${what} values`] : []),
    ];
    return [["not finite", `${parts.join("; ")} (the forward pass overflowed in ${model.formatName})`]];
  };
  const taskRow = (label: string): [string, string][] =>
    answer === undefined ? [] : [["task", `${answer}${answer === label ? " (right)" : " (WRONG)"}`]];
  if (model.kind === "transformer") {
    const logits = Float64Array.from(model.logits(ids));
    const finalVector = Float64Array.from(model.finalVector(ids));
    const label = sequence(model.labels[argmax(logits)]!);
    if (json)
      printJson({
        output: label,
        ...(answer !== undefined && { expected: answer }),
        logits: named(logits),
        finalVector: Array.from(finalVector),
      });
    else printRows([["output", label], ...taskRow(label), ...overflow(logits, finalVector, "final vector")]);
    return;
  }
  const buffer = feed(model, model.newState(), ids);
  const label = sequence(model.labels[model.readout(buffer)]!);
  const logits = Float64Array.from(model.logits(buffer));
  // The state is what the next step reads: a layer output past it (Mamba's) is not state.
  const state = buffer.subarray(0, model.stateUnits);
  if (json) {
    printJson({
      output: label,
      ...(answer !== undefined && { expected: answer }),
      logits: named(logits),
      state: Array.from(state),
      stateBits: stateBits(model),
      stateHex: encodeState(model, buffer).toHex(),
    });
  } else printRows([["output", label], ...taskRow(label), ...overflow(logits, state, "state")]);
}
