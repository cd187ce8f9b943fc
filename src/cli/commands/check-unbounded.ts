import { describeInputs, verifyWeights } from "../../constructions/verify.js";
import { CcboundError } from "../../errors.js";
import type { Model } from "../../models/compile.js";
import { theoremFor } from "../../refute/bound-for.js";
import type { Task } from "../../tasks/task.js";
import { EXIT } from "../exit.js";
import { describeModel, type LoadedModel } from "../load.js";
import { shellQuote } from "../options.js";
import { printJson, printRows } from "../print.js";

/**
 * `check` where the paper proves no lower bound: Transformers on the INDEX tasks (Theorem 1 solves index lookup in one
 * layer), RNNs on Dyck (a 7-state DFA), Transformers of two or more layers (Corollary 13.1). There is no bound to
 * compare with and no protocol to search, so the model is run on the task itself, on every input when there are few
 * and on seeded samples otherwise: exit 0 when it answers all of them right (the paper's constructions do), 1 with
 * the first input it gets wrong.
 */

/** Why no lower bound of the paper applies, or undefined when one does. */
export function missingBound(model: Model, task: Task): string | undefined {
  if (model.kind === "transformer" && model.layers.length > 1) {
    return `none for Transformers of ${model.layers.length} layers (Corollary 13.1: no Theorem-4-style protocol exists beyond one layer)`;
  }
  try {
    theoremFor(model, task);
    return undefined;
  } catch (e) {
    if (e instanceof CcboundError && e.code === "unsupported")
      return `none: ${e.message}${e.hint ? ` (${e.hint})` : ""}`;
    throw e;
  }
}

export function checkAgainstTask(
  loaded: LoadedModel,
  task: Task,
  reason: string,
  o: { seed: number; args: string; json: boolean },
): number {
  const check = verifyWeights(loaded.spec, task, { seed: o.seed });
  const wrong = check.counterexample;
  const replay = wrong ? `ccbound eval ${o.args} --input ${shellQuote(wrong.tokens.join(" "))}` : undefined;
  if (o.json) {
    printJson({
      model: { path: loaded.path, sha256: loaded.sha256, kind: loaded.model.kind },
      task: { name: task.name, n: task.n, params: task.params },
      bound: reason,
      verdict: wrong ? "wrong" : "survived",
      check,
      ...(replay && { replay }),
    });
  } else {
    printRows([
      ["model", `${loaded.path} (${describeModel(loaded.spec)})`],
      ["bound", reason],
      [
        "check",
        wrong
          ? `the model run on the task's inputs (${check.mode}, seed ${check.seed}): input ${check.inputs.toLocaleString("en")} is answered wrongly`
          : `the model run on ${describeInputs(check)}, against the task's answers`,
      ],
      [
        "verdict",
        wrong
          ? `WRONG: answers "${wrong.answer}" where the task says "${wrong.expected}"`
          : "SURVIVED: right on every input checked",
      ],
      ...(wrong && replay
        ? ([
            ["input", wrong.tokens.join(" ")],
            ["replay", replay],
          ] as [string, string][])
        : []),
    ]);
  }
  return wrong ? EXIT.refuted : EXIT.survived;
}
