import type { Command } from "commander";
import { argmax, encodeState, feed } from "../../models/model.js";
import { inputIds } from "../../reductions/bind.js";
import { loadModel, modelOptions, type ModelOptions } from "../load.js";
import { tokensOf } from "../options.js";
import { printJson, printRows } from "../print.js";

export function registerEval(program: Command): void {
  modelOptions(
    program
      .command("eval")
      .description("one forward pass")
      .argument("<model>", "model file (JSON or safetensors)")
      .requiredOption("--input <tokens>", 'space-separated tokens, e.g. "0 1 1 @2"')
      .option("--json", "add the logits, and the final state (recurrent) or the final vector (Transformer)"),
  ).action((modelPath: string, o: ModelOptions & { input: string; json?: boolean }) => {
    const { model } = loadModel(modelPath, o);
    const ids = inputIds(model, tokensOf(o.input));
    const named = (logits: Float64Array) => Object.fromEntries(Array.from(logits, (v, i) => [model.labels[i]!, v]));
    if (model.kind === "transformer") {
      const logits = Array.from(model.logits(ids));
      const label = model.labels[argmax(Float64Array.from(logits))]!;
      if (o.json)
        printJson({
          output: label,
          logits: named(Float64Array.from(logits)),
          finalVector: Array.from(model.finalVector(ids)),
        });
      else printRows([["output", label]]);
      return;
    }
    const state = feed(model, model.newState(), ids);
    const label = model.labels[model.readout(state)]!;
    if (o.json) {
      printJson({
        output: label,
        logits: named(model.logits(state)),
        state: Array.from(state),
        stateBits: state.length * model.unitBits,
        stateHex: encodeState(model, state).toHex(),
      });
    } else printRows([["output", label]]);
  });
}
