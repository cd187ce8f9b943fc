import { transcriptBits } from "../cc/transcript.js";
import { CcboundError } from "../errors.js";
import type { Model } from "../models/compile.js";
import { reductionFor, type Reduction } from "../reductions/applies.js";
import { bind } from "../reductions/bind.js";
import { taskFromParams } from "../tasks/index.js";
import type { Task } from "../tasks/task.js";
import type { Certificate } from "./certificate.js";
import { answerOf, nonFiniteLogits, runAt, type NonFinite } from "./finding.js";
import { checkStateRepeat, type ConfirmedRepeat } from "./period/verify.js";
import { countingModulus } from "../reductions/dynamics.js";

/** What verify confirmed, by recomputation only. */
export interface Confirmed {
  readonly kind: Certificate["kind"];
  readonly task: { readonly name: string; readonly n: number; readonly params: Readonly<Record<string, number>> };
  readonly format: string;
  /** The registry id of the theorem whose argument the collision runs, or null for a wrong answer. */
  readonly theorem: string | null;
  readonly expected: string;
  readonly answer: string;
  /** The labels whose logits are not finite on the input (the forward pass overflowed), as recorded. */
  readonly nonFinite?: Readonly<Record<string, NonFinite>>;
  /**
   * For a collision: the protocol re-run at the split, the one transcript all three inputs send; for a state repeat
   * (split "end"), the full state both inputs reach and the orbit's repeat.
   */
  readonly collision?:
    { readonly protocol: "thm2" | "thm4"; readonly split: string; readonly transcriptBits: number } | ConfirmedRepeat;
}

export type CertificateCheck =
  ({ readonly valid: true } & Confirmed) | { readonly valid: false; readonly reason: string };

/**
 * Re-check a certificate by recomputation only: the model's hash and number format, the task's reference answer,
 * one forward pass, and for a collision what applies (the same table `check` asks), the theorem's protocol re-run on
 * the two inputs and on the certificate's input. Nothing the search said is trusted; everything the certificate
 * claims wrongly, its task, kind and theorem included, makes it `invalid`.
 */
export function verifyCertificate(cert: Certificate, model: Model, modelSha256: string): CertificateCheck {
  const invalid = (reason: string): CertificateCheck => ({ valid: false, reason });
  if (cert.model.sha256 !== modelSha256) {
    return invalid(
      `certificate is for model ${cert.model.sha256.slice(0, 12)}…, this model is ${modelSha256.slice(0, 12)}…`,
    );
  }
  if (cert.model.format !== model.formatName) {
    return invalid(
      `certificate was made in number format ${cert.model.format}, this model runs in ${model.formatName}`,
    );
  }
  try {
    const task = taskFromParams(cert.task.name, cert.task.n, cert.task.params);
    const binding = bind(model, task);
    const expected = task.answer(cert.input);
    if (expected !== cert.expected)
      return invalid(`the task's answer is "${expected}", the certificate says "${cert.expected}"`);
    const answer = answerOf(model, binding, cert.input);
    if (answer !== cert.answer) return invalid(`the model answers "${answer}", the certificate says "${cert.answer}"`);
    if (answer === expected) return invalid(`the model answers "${answer}", which is right`);
    const nonFinite = nonFiniteLogits(model, binding, cert.input);
    if (sorted(nonFinite) !== sorted(cert.nonFinite)) {
      return invalid(
        `the logits that are not finite are ${sorted(nonFinite)}; the certificate says ${sorted(cert.nonFinite)}`,
      );
    }
    const confirmed = {
      kind: cert.kind,
      task: { name: task.name, n: task.n, params: task.params },
      format: model.formatName,
      expected,
      answer,
      ...(nonFinite && { nonFinite }),
    };
    if (cert.kind === "wrong-answer") return { valid: true, ...confirmed, theorem: null };
    // On a task that counts 1s the only collision is a state repeat; everywhere else, a protocol's transcript.
    const checked =
      countingModulus(task) !== undefined ? checkStateRepeat(cert, model, task) : checkCollision(cert, model, task);
    return typeof checked === "string"
      ? invalid(checked)
      : { valid: true, ...confirmed, theorem: cert.theorem, collision: checked };
  } catch (e) {
    const bad = ["invalid-input", "task-mismatch", "unsupported", "invalid-flag", "too-large"];
    if (e instanceof CcboundError && bad.includes(e.code)) return invalid(e.message);
    throw e;
  }
}

/** A record of non-finite logits as one comparable line ("all finite" for none), whatever its key order. */
function sorted(r: Readonly<Record<string, string>> | undefined): string {
  if (r === undefined) return "all finite";
  return Object.entries(r)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([label, v]) => `${label}: ${v}`)
    .join(", ");
}

/**
 * A collision, by the theorem's own argument: the theorem that applies to this model on this exact task (the one
 * table), its protocol at its split, two distinct inputs with one transcript (the recorded one), and the
 * certificate's input in their rectangle (Alice's part of one, Bob's part of either), which then sends that
 * transcript too (checked, not assumed) while the task does not answer all three alike.
 */
function checkCollision(cert: Certificate, model: Model, task: Task): Confirmed["collision"] | string {
  const c = cert.collision!;
  const applies = reductionFor(model, task);
  if (applies.kind === "none") return `the certificate cites ${cert.theorem}, but ${applies.reason}`;
  const r: Reduction = applies.reduction;
  if (r.kind === "dynamics") return `collision: ${task.name} is refuted by a state repeat, not a split's transcript`;
  if (r.theorem.id !== cert.theorem) {
    return `the certificate cites ${cert.theorem}, but the bound for this model on ${task.name} is ${r.theorem.id} (${r.theorem.name})`;
  }
  if (c.split !== r.split.name)
    return `collision: ${r.theorem.name}'s argument splits at "${r.split.name}", not "${c.split}"`;
  const [u, v] = c.inputs;
  const n = task.inputLength;
  if (u.length !== n || v.length !== n || cert.input.length !== n)
    return `collision: every input of ${task.name} here has ${n} tokens`;
  const alice = (x: readonly string[]) => Array.from(r.split.alice, (p) => x[p]).join(" ");
  const bob = (x: readonly string[]) => Array.from(r.split.bob, (p) => x[p]).join(" ");
  if (alice(u) === alice(v) && bob(u) === bob(v)) return "collision: the two inputs are the same";
  const w = cert.input;
  if (![u, v].some((x) => alice(x) === alice(w)) || ![u, v].some((x) => bob(x) === bob(w))) {
    return "collision: the certificate's input is not Alice's part of one input with Bob's part of one of them";
  }
  const answers = [u, v, w].map((x) => task.answer(x));
  if (answers.every((a) => a === answers[0]))
    return "collision: the task answers all three inputs alike, so the collision shows nothing";
  const sent = [u, v, w].map((x) => transcriptBits(runAt(r, x).transcript));
  if (!sent[0]!.equals(sent[1]!)) return "collision: the two inputs send different transcripts";
  if (sent[0]!.length !== c.transcriptBits || sent[0]!.toHex() !== c.transcriptHex) {
    return "collision: the recorded transcript is not the one sent";
  }
  if (!sent[2]!.equals(sent[0]!))
    return "collision: the certificate's input sends another transcript (the protocol is not deterministic?)";
  if (task.answerTokens !== undefined) {
    // A sequence answer (copy): both strings' greedy continuations, decoded again, are one, so one copy is wrong.
    const binding = bind(model, task);
    const [cu, cv] = [u, v].map((x) => answerOf(model, binding, x));
    if (cu !== cv) return `collision: the two inputs' continuations differ ("${cu}", "${cv}")`;
  }
  return {
    protocol: model.kind === "transformer" ? "thm4" : "thm2",
    split: r.split.name,
    transcriptBits: c.transcriptBits,
  };
}
