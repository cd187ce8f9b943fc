/**
 * Baselines (b) and (c) through the library's public API: refute() with a strategy ("exhaustive", "dedup", or
 * "auto", which is the fooling-set search for EQ/DISJ/Dyck and the state-deduplicating walk for INDEX below the
 * bound). Protocol runs are what the verdict reports. The clock stops when the certificate exists; it is then
 * re-checked by verifyCertificate (not timed), so every figure stands for a certificate that verifies.
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
import { millis } from "./numbers.js";

export type SearchRun =
  | {
      readonly seed: number;
      readonly verdict: "refuted" | "survived" | "inconclusive";
      readonly strategy: string;
      readonly runs: number;
      /** Model steps (a fooling-set run is a whole forward pass; a dedup run is one step from a kept state). */
      readonly steps: number;
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

export function librarySearch(spec: ModelSpec, model: Model, task: Task, strategy: Strategy, seed: number): SearchRun {
  const sha = modelSha256(spec);
  const t0 = performance.now();
  const verdict = refuteOrRefusal(model, task, strategy, seed);
  if (typeof verdict === "string") return { seed, refused: verdict };
  const base = {
    seed,
    verdict: verdict.kind,
    strategy: verdict.strategy,
    runs: verdict.stats.runs,
    steps: verdict.stats.steps,
    messageBits: verdict.messageBits,
    requiredBits: verdict.requiredBits,
  };
  if (verdict.kind !== "refuted") return { ...base, ms: millis(performance.now() - t0) };
  const replay = `ccbound verify cert.json --model model.json`;
  const cert = certificateOf(verdict, { toolVersion: VERSION, modelSha256: sha, task, replay });
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
function refuteOrRefusal(model: Model, task: Task, strategy: Strategy, seed: number): Verdict | string {
  try {
    return refute(model, task, { strategy, seed });
  } catch (e) {
    if (e instanceof CcboundError) return e.message;
    throw e;
  }
}
