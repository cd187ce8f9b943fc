import type { BitString } from "../cc/bits.js";
import { run } from "../cc/protocol.js";
import { transcriptBits } from "../cc/transcript.js";
import { CcboundError } from "../errors.js";
import type { Model } from "../models/compile.js";
import type { RecurrentModel } from "../models/model.js";
import type { TransformerModel } from "../models/transformer.js";
import { parseSplit, tokensOf } from "../reductions/split.js";
import { theorem4Protocol } from "../reductions/theorem4.js";
import { makeTask, taskOptionsFromParams } from "../tasks/index.js";
import { theoremFor } from "./bound-for.js";
import { answerOf } from "./refute-two-way.js";
import { bind } from "../reductions/bind.js";
import { theorem2Protocol } from "../reductions/theorem2.js";
import type { Task } from "../tasks/task.js";
import type { Certificate } from "./certificate.js";

export type CertificateCheck =
  | { readonly valid: true; readonly expected: string; readonly answer: string; readonly collisionChecked: boolean }
  | { readonly valid: false; readonly reason: string };

/**
 * Re-check a certificate by recomputation only: the model's hash, the task's reference answer, one forward pass, and
 * (when the certificate claims a collision) Theorem 2's protocol on both colliding inputs. Nothing the search said
 * is trusted. Everything the certificate claims wrongly, its task and theorem included, is `invalid`.
 */
export function verifyCertificate(cert: Certificate, model: Model, modelSha256: string): CertificateCheck {
  const invalid = (reason: string): CertificateCheck => ({ valid: false, reason });
  if (cert.model.sha256 !== modelSha256)
    return invalid(
      `certificate is for model ${cert.model.sha256.slice(0, 12)}…, this model is ${modelSha256.slice(0, 12)}…`,
    );
  const task = taskOf(cert);
  if (typeof task === "string") return invalid(task);
  try {
    const theorem = theoremFor(model, task).id;
    if (cert.theorem !== theorem)
      return invalid(`the certificate cites "${cert.theorem}", but the bound for ${task.name} is "${theorem}"`);
    const b = bind(model, task);
    const expected = task.answer(cert.input);
    if (expected !== cert.expected)
      return invalid(`the task's answer is "${expected}", the certificate says "${cert.expected}"`);
    const answer = answerOf(model, b, cert.input);
    if (answer !== cert.answer) return invalid(`the model answers "${answer}", the certificate says "${cert.answer}"`);
    if (answer === expected) return invalid(`the model answers "${answer}", which is right`);
    if (!cert.collision) return { valid: true, expected, answer, collisionChecked: false };
    const claim: CollisionClaim = { c: cert.collision, input: cert.input, model, ids: b.ids, answer: task.answer };
    const problem = cert.collision.split !== undefined ? checkTwoWayCollision(claim) : checkCollision(claim);
    return problem ? invalid(problem) : { valid: true, expected, answer, collisionChecked: true };
  } catch (e) {
    if (
      e instanceof CcboundError &&
      (e.code === "invalid-input" ||
        e.code === "task-mismatch" ||
        e.code === "unsupported" ||
        e.code === "invalid-flag")
    )
      return invalid(e.message);
    throw e;
  }
}

/** A certificate's collision with what checking it needs: the model, token ids and the task's answers. */
interface CollisionClaim {
  readonly c: NonNullable<Certificate["collision"]>;
  readonly input: readonly string[];
  readonly model: Model;
  ids(tokens: readonly string[]): Int32Array;
  answer(tokens: readonly string[]): string;
}

/** Theorem 2's one-way collision: two inputs with Bob's part in common and one message from Alice. */
function checkCollision({ c, input, model, ids, answer }: CollisionClaim): string | undefined {
  if (model.kind !== "recurrent") return "collision: a cut collision is Theorem 2's, for recurrent models";
  const [x, y] = c.inputs;
  if (c.cut === undefined || c.cut < 1 || c.cut >= x.length || x.length !== y.length)
    return "collision: the cut or the input lengths are wrong";
  if (x.slice(c.cut).join(" ") !== y.slice(c.cut).join(" ")) return "collision: the two inputs differ on Bob's side";
  if (x.slice(0, c.cut).join(" ") === y.slice(0, c.cut).join(" "))
    return "collision: the two inputs are the same on Alice's side";
  if (answer(x) === answer(y)) return "collision: the task answers both inputs alike, so the collision shows nothing";
  if (![x, y].some((z) => z.join(" ") === input.join(" ")))
    return "collision: the certificate's input is neither colliding input";
  const protocol = theorem2Protocol(model as RecurrentModel, c.cut);
  return sameRecordedTranscript(
    c,
    [x, y].map((z) => transcriptBits(run(protocol, ids(z.slice(0, c.cut)), ids(z.slice(c.cut))).transcript)),
  );
}

/** Both colliding inputs sent one transcript, and it is the one the certificate records. */
function sameRecordedTranscript(
  c: NonNullable<Certificate["collision"]>,
  sent: readonly BitString[],
): string | undefined {
  if (!sent[0]!.equals(sent[1]!)) return "collision: the two inputs send different transcripts";
  if (sent[0]!.length !== c.transcriptBits || sent[0]!.toHex() !== c.transcriptHex)
    return "collision: the recorded transcript is not the one sent";
  return undefined;
}

/**
 * Theorem 4's two-way collision: two inputs with one transcript at the split, and the certificate's input made of
 * Alice's part of one and Bob's part of the other, which the task answers differently from both.
 */
function checkTwoWayCollision({ c, input, model, ids, answer }: CollisionClaim): string | undefined {
  if (model.kind !== "transformer") return "collision: a split collision is Theorem 4's, for one-layer Transformers";
  const [x, y] = c.inputs;
  if (x.length !== y.length || x.length !== input.length) return "collision: the inputs' lengths differ";
  const split = parseSplit(c.split!, x.length);
  const crossed = (a: readonly string[], b: readonly string[]) =>
    input.every((t, p) => t === (split.alice.includes(p) ? a[p] : b[p]));
  if (!crossed(x, y) && !crossed(y, x))
    return "collision: the certificate's input is not Alice's part of one input with Bob's part of the other";
  if (answer(x) !== answer(y))
    return "collision: the task answers the two inputs differently, so they are no fooling pair";
  if (answer(x) === answer(input))
    return "collision: the task answers the crossed input as the two inputs, so the collision shows nothing";
  const protocol = theorem4Protocol(model as TransformerModel, split);
  const sent = [x, y].map((z) => {
    const all = ids(z);
    return transcriptBits(run(protocol, tokensOf(all, split.alice), tokensOf(all, split.bob)).transcript);
  });
  return sameRecordedTranscript(c, sent);
}

/** The certificate's task, or why it names none: parameters are exactly those the task takes, with their types. */
function taskOf(cert: Certificate): Task | string {
  const { name, n, params } = cert.task;
  try {
    return makeTask(name, n, taskOptionsFromParams(name, params));
  } catch (e) {
    if (e instanceof CcboundError) return `the certificate's task: ${e.message}`;
    throw e;
  }
}
