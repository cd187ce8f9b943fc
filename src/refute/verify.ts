import { run } from "../cc/protocol.js";
import { transcriptBits } from "../cc/transcript.js";
import { CcboundError } from "../errors.js";
import { forward, type RecurrentModel } from "../models/model.js";
import { bind } from "../reductions/bind.js";
import { theorem2Protocol } from "../reductions/theorem2.js";
import { makeTask } from "../tasks/index.js";
import type { Task } from "../tasks/task.js";
import { recurrentBound } from "../reductions/theorems.js";
import type { Certificate } from "./certificate.js";

export type CertificateCheck =
  | { readonly valid: true; readonly expected: string; readonly answer: string; readonly collisionChecked: boolean }
  | { readonly valid: false; readonly reason: string };

/**
 * Re-check a certificate by recomputation only: the model's hash, the task's reference answer, one forward pass, and
 * (when the certificate claims a collision) Theorem 2's protocol on both colliding inputs. Nothing the search said
 * is trusted. Everything the certificate claims wrongly, its task and theorem included, is `invalid`.
 */
export function verifyCertificate(cert: Certificate, model: RecurrentModel, modelSha256: string): CertificateCheck {
  const invalid = (reason: string): CertificateCheck => ({ valid: false, reason });
  if (cert.model.sha256 !== modelSha256) return invalid(`certificate is for model ${cert.model.sha256.slice(0, 12)}…, this model is ${modelSha256.slice(0, 12)}…`);
  const task = taskOf(cert);
  if (typeof task === "string") return invalid(task);
  const theorem = recurrentBound(task).theorem.id;
  if (cert.theorem !== theorem) return invalid(`the certificate cites "${cert.theorem}", but the bound for ${task.name} is "${theorem}"`);
  try {
    const b = bind(model, task);
    const expected = task.answer(cert.input);
    if (expected !== cert.expected) return invalid(`the task's answer is "${expected}", the certificate says "${cert.expected}"`);
    const answer = model.labels[forward(model, b.ids(cert.input))]!;
    if (answer !== cert.answer) return invalid(`the model answers "${answer}", the certificate says "${cert.answer}"`);
    if (answer === expected) return invalid(`the model answers "${answer}", which is right`);
    if (!cert.collision) return { valid: true, expected, answer, collisionChecked: false };
    const problem = checkCollision(cert.collision, cert.input, model, b.ids, task.answer);
    return problem ? invalid(problem) : { valid: true, expected, answer, collisionChecked: true };
  } catch (e) {
    if (e instanceof CcboundError && (e.code === "invalid-input" || e.code === "task-mismatch")) return invalid(e.message);
    throw e;
  }
}

function checkCollision(
  c: NonNullable<Certificate["collision"]>,
  input: readonly string[],
  model: RecurrentModel,
  ids: (t: readonly string[]) => Int32Array,
  answer: (t: readonly string[]) => string,
): string | undefined {
  const [x, y] = c.inputs;
  if (c.cut < 1 || c.cut >= x.length || x.length !== y.length) return "collision: the cut or the input lengths are wrong";
  if (x.slice(c.cut).join(" ") !== y.slice(c.cut).join(" ")) return "collision: the two inputs differ on Bob's side";
  if (x.slice(0, c.cut).join(" ") === y.slice(0, c.cut).join(" ")) return "collision: the two inputs are the same on Alice's side";
  if (answer(x) === answer(y)) return "collision: the task answers both inputs alike, so the collision shows nothing";
  if (![x, y].some((z) => z.join(" ") === input.join(" "))) return "collision: the certificate's input is neither colliding input";
  const protocol = theorem2Protocol(model);
  const sent = [x, y].map((z) => transcriptBits(run(protocol, ids(z.slice(0, c.cut)), ids(z.slice(c.cut))).transcript));
  if (!sent[0]!.equals(sent[1]!)) return "collision: the two inputs send different messages";
  if (sent[0]!.length !== c.transcriptBits || sent[0]!.toHex() !== c.transcriptHex) return "collision: the recorded transcript is not the one sent";
  return undefined;
}

/** The certificate's task, or why it names none: parameters are exactly those the task takes, with their types. */
function taskOf(cert: Certificate): Task | string {
  const { name, n, params } = cert.task;
  const unknown = Object.keys(params).find((k) => k !== "alphabet");
  if (unknown !== undefined) return `task parameter "${unknown}" is not a parameter of ${name}`;
  const alphabet = params.alphabet;
  if (alphabet !== undefined && typeof alphabet !== "number") return `task parameter "alphabet" is ${JSON.stringify(alphabet)}, not a number`;
  try {
    return makeTask(name, n, alphabet === undefined ? {} : { alphabet });
  } catch (e) {
    if (e instanceof CcboundError) return `the certificate's task: ${e.message}`;
    throw e;
  }
}
