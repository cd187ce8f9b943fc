import type { Command } from "commander";
import { readCertificateFile } from "../../io/certificate.js";
import { findResult } from "../../registry/index.js";
import { verifyCertificate, type Confirmed } from "../../refute/verify.js";
import { unusedTokenNotes } from "../../reductions/bind.js";
import { taskArgs, taskFromParams, type Task, type TaskName } from "../../tasks/index.js";
import { EXIT } from "../exit.js";
import { loadModel, modelOptions, note, type ModelOptions } from "../load.js";
import { printJson, printRows } from "../print.js";

export function registerVerify(program: Command): void {
  modelOptions(
    program
      .command("verify")
      .description(
        "re-check a certificate by recomputation only: one forward pass, the task's reference answer, and for a collision the theorem's protocol",
      )
      .argument("<certificate>", "certificate file")
      .requiredOption("--model <file>", "the model the certificate is about")
      .option("--json", "one JSON object on stdout"),
  ).action((certPath: string, o: ModelOptions & { model: string; json?: boolean }) => {
    const cert = readCertificateFile(certPath);
    const loaded = loadModel(o.model, o);
    // The task as the certificate names it: a task that cannot be built is verifyCertificate's to call invalid.
    let task: Task | undefined;
    try {
      task = taskFromParams(cert.task.name, cert.task.n, cert.task.params);
    } catch {
      task = undefined;
    }
    if (task) for (const line of unusedTokenNotes(loaded.model, task)) note(line);
    const check = verifyCertificate(cert, loaded.model, loaded.sha256);
    if (o.json) printJson({ ...check, certificate: certPath, model: o.model });
    else if (check.valid) printRows(confirmedRows(check));
    else printRows([["INVALID", check.reason]]);
    process.exitCode = check.valid ? EXIT.valid : EXIT.invalid;
  });
}

/** What was confirmed, each line a fact verify recomputed. */
function confirmedRows(c: Confirmed): [string, string][] {
  const theorem = c.theorem === null ? undefined : findResult(c.theorem);
  return [
    ["valid", `the model answers "${c.answer}" on the certificate's input; the task's answer is "${c.expected}"`],
    [
      "task",
      `${taskArgs({ name: c.task.name as TaskName, n: c.task.n, params: c.task.params })} (N = ${c.task.n}; params ${JSON.stringify(c.task.params)}), model run in ${c.format}`,
    ],
    [
      "kind",
      c.kind === "wrong-answer"
        ? "wrong answer: a plain counterexample, no theorem cited"
        : "collision: the theorem's argument, run on this model",
    ],
    ["theorem", theorem ? `${theorem.id} (${theorem.name}): applies to this model on this task` : "none"],
    ...(c.nonFinite
      ? [
          [
            "not finite",
            `logits ${Object.entries(c.nonFinite)
              .map(([l, v]) => `${l} ${v}`)
              .join(", ")}, as recorded (the forward pass overflowed in ${c.format})`,
          ] as [string, string],
        ]
      : []),
    ["collision", collisionLine(c.collision)],
  ];
}

function collisionLine(c: Confirmed["collision"]): string {
  if (c === undefined) return "none recorded";
  if ("period" in c) {
    const w = c.period.prefix.length === 0 ? "" : `${c.period.prefix.join(" ")} `;
    return `state repeat, re-run: both inputs reach one ${c.transcriptBits}-bit full state, as recorded; the state after ${w}1^t first repeats at t = ${c.period.start} with least period ${c.period.length}, as recorded`;
  }
  return `re-run through ${c.protocol === "thm4" ? "Theorem 4" : "Theorem 2"}'s protocol at split ${c.split}: both inputs and the certificate's input send one ${c.transcriptBits}-bit transcript, as recorded`;
}
