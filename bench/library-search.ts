/**
 * ccbound's searches through the library's public API: refute() with a strategy, either the whole portfolio (the
 * task's generator, the crossed inputs and the collision search under one budget) or, with `only`, one feed alone
 * (a single method: the exhaustive enumeration of the fooling set, the dedup walk). Protocol runs are what the verdict
 * reports, up to the finding. The clock stops when the certificate exists; it is then re-checked by
 * verifyCertificate (not timed), so every figure stands for a certificate that verifies.
 */
import {
  CcboundError,
  certificateOf,
  modelSha256,
  refute,
  verifyCertificate,
  VERSION,
  type Model,
  type ModelSpec,
  type Strategy,
  type Task,
  type Verdict,
} from "../src/index.js";
import type { FeedName } from "../src/refute/portfolio/feed.js";
import { millis } from "./numbers.js";

export type SearchRun =
  | {
      readonly seed: number;
      readonly verdict: "refuted" | "survived" | "inconclusive";
      readonly strategy: string;
      /** The feed that found it, and the kind of certificate. */
      readonly feed?: string;
      readonly kind?: string;
      readonly runs: number;
      readonly ms: number;
      /** What the model sends across the split (counted by ccbound) and what the theorem requires. */
      readonly messageBits: number;
      readonly requiredBits: number;
      /** The certificate re-checked by recomputation (refuted only). */
      readonly verified?: boolean;
      readonly transcriptBits?: number;
    }
  /** The library declined (for example an exhaustive search over more than 2^24 fooling-set elements). */
  | { readonly seed: number; readonly refused: string };

export function librarySearch(
  spec: ModelSpec,
  model: Model,
  task: Task,
  strategy: Strategy,
  seed: number,
  only?: readonly FeedName[],
): SearchRun {
  const sha = modelSha256(spec);
  const t0 = performance.now();
  const verdict = refuteOrRefusal(model, task, { strategy, seed, spec, ...(only && { only }) });
  if (typeof verdict === "string") return { seed, refused: verdict };
  const a = verdict.applied;
  const base = {
    seed,
    verdict: verdict.kind,
    strategy: verdict.search.strategy,
    ...(verdict.kind === "refuted" && { feed: verdict.finding.feed, kind: verdict.finding.kind }),
    runs: verdict.search.runs,
    messageBits: a.kind === "reduction" ? a.messageBits : NaN,
    requiredBits: a.kind === "reduction" ? a.requiredBits : NaN,
  };
  if (verdict.kind !== "refuted") return { ...base, ms: millis(performance.now() - t0) };
  const replay = `ccbound verify cert.json --model model.json`;
  const cert = certificateOf(verdict, {
    toolVersion: VERSION,
    modelSha256: sha,
    format: model.formatName,
    task,
    replay,
  });
  const elapsed = millis(performance.now() - t0);
  const check = verifyCertificate(cert, model, sha);
  return {
    ...base,
    ms: elapsed,
    verified: check.valid,
    ...(cert.collision && { transcriptBits: cert.collision.transcriptBits }),
  };
}

/** The verdict, or the library's one-line reason for declining the search (a CcboundError; anything else is a bug). */
function refuteOrRefusal(model: Model, task: Task, options: Parameters<typeof refute>[2]): Verdict | string {
  try {
    return refute(model, task, options);
  } catch (e) {
    if (e instanceof CcboundError) return e.message;
    throw e;
  }
}
