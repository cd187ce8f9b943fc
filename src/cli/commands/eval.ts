import type { Command } from "commander";
import { argmax, encodeState, feed, stateBits } from "../../models/model.js";
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
    if (model.kind === "transformer") {
      const logits = Float64Array.from(model.logits(ids));
      const finalVector = Float64Array.from(model.finalVector(ids));
      const label = model.labels[argmax(logits)]!;
      if (o.json) printJson({ output: label, logits: named(logits), finalVector: Array.from(finalVector) });
      else printRows([["output", label], ...overflow(logits, finalVector, "final vector")]);
      return;
    }
    const buffer = feed(model, model.newState(), ids);
    const label = model.labels[model.readout(buffer)]!;
    const logits = Float64Array.from(model.logits(buffer));
    // The state is what the next step reads: a layer output past it (Mamba's) is not state.
    const state = buffer.subarray(0, model.stateUnits);
    if (o.json) {
      printJson({
        output: label,
        logits: named(logits),
        state: Array.from(state),
        stateBits: stateBits(model),
        stateHex: encodeState(model, buffer).toHex(),
      });
    } else printRows([["output", label], ...overflow(logits, state, "state")]);
  });
}
