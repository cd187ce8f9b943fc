import type { Command } from "commander";
import { encodeState, feed } from "../../models/model.js";
import { inputIds } from "../../reductions/bind.js";
import { loadModel } from "../load.js";
import { tokensOf } from "../options.js";
import { printJson, printRows } from "../print.js";

export function registerEval(program: Command): void {
  program
    .command("eval")
    .description("one forward pass")
    .argument("<model>", "model file (JSON)")
    .requiredOption("--input <tokens>", 'space-separated tokens, e.g. "0 1 1 @2"')
    .option("--json", "add the logits and the final state")
    .action((modelPath: string, o: { input: string; json?: boolean }) => {
      const { model } = loadModel(modelPath);
      const state = feed(model, model.newState(), inputIds(model, tokensOf(o.input)));
      const label = model.labels[model.readout(state)]!;
      if (o.json) {
        const logits = Object.fromEntries(Array.from(model.logits(state), (v, i) => [model.labels[i]!, v]));
        printJson({ output: label, logits, state: Array.from(state), stateBits: state.length * model.unitBits, stateHex: encodeState(model, state).toHex() });
      } else printRows([["output", label]]);
    });
}
