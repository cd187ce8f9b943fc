import { encodeState, feed } from "../../models/model.js";
import type { Model } from "../../models/compile.js";
import { stateRepeatFor } from "../../reductions/applies.js";
import type { Task } from "../../tasks/task.js";
import type { Certificate } from "../certificate.js";
import { checkRepeat } from "./check.js";
import { answerAtLength } from "./collision.js";

/** What verify confirmed of a state repeat, by recomputation. */
export interface ConfirmedRepeat {
  readonly protocol: "thm2";
  readonly split: "end";
  readonly transcriptBits: number;
  readonly period: { readonly prefix: readonly string[]; readonly start: number; readonly length: number };
}

/**
 * A state-repeat collision, re-derived: the citation is what the table gives for this model and task (the theorem
 * when the model is in its scope, the periodicity lemma when only the argument applies); the two inputs are the
 * recorded prefix followed by t and t + P ones, t at or after the recorded start; the certificate's input is one of
 * them; the task answers them differently; both reach the recorded full state; and the orbit first repeats at the
 * recorded start with least period P. Returns why not, or what was confirmed.
 */
export function checkStateRepeat(cert: Certificate, model: Model, task: Task): ConfirmedRepeat | string {
  const c = cert.collision!;
  const arg = stateRepeatFor(model, task);
  if ("none" in arg) return `the certificate cites ${cert.theorem}, but ${arg.none}`;
  if (arg.theorem.id !== cert.theorem) {
    const only = arg.guaranteed ? "" : ": no lower bound applies to this model, only the periodicity lemma";
    return `the certificate cites ${cert.theorem}, but a state repeat of this model on ${task.name} cites ${arg.theorem.id} (${arg.theorem.name})${only}`;
  }
  if (c.split !== "end")
    return `collision: a state repeat compares full states after the last token (split "end"), not at "${c.split}"`;
  const p = c.period;
  if (!p) return "collision: a state repeat records the orbit it comes from (period)";
  const [u, v] = c.inputs;
  const ones = (x: readonly string[]) =>
    x.length >= p.prefix.length &&
    p.prefix.every((t, i) => x[i] === t) &&
    x.slice(p.prefix.length).every((t) => t === "1")
      ? x.length - p.prefix.length
      : undefined;
  const [t0, t1] = [ones(u), ones(v)];
  if (t0 === undefined || t1 === undefined) return "collision: the two inputs are not the prefix followed by ones";
  if (t1 - t0 !== p.length) {
    return `collision: the inputs have ${t0} and ${t1} ones after the prefix, ${t1 - t0} apart, not the period ${p.length}`;
  }
  if (t0 < p.start) return `collision: the shorter input has ${t0} ones, before the repeat starts (${p.start})`;
  const w = cert.input.join(" ");
  if (w !== u.join(" ") && w !== v.join(" ")) return "collision: the certificate's input is neither of the two inputs";
  if (answerAtLength(task, u) === answerAtLength(task, v))
    return "collision: the task answers both inputs alike, so the repeat shows nothing";
  const states = [u, v].map((x) => encodeState(arg.model, feed(arg.model, arg.model.newState(), arg.binding.ids(x))));
  if (!states[0]!.equals(states[1]!)) return "collision: the two inputs reach different states";
  if (states[0]!.length !== c.transcriptBits || states[0]!.toHex() !== c.transcriptHex)
    return "collision: the recorded state is not the one both inputs reach";
  const why = checkRepeat(arg.model, arg.binding.ids(p.prefix), arg.one, p);
  if (why !== undefined) return `collision: ${why}`;
  return { protocol: "thm2", split: "end", transcriptBits: c.transcriptBits, period: p };
}
