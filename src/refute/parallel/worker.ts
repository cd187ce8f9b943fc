import { parentPort, workerData } from "node:worker_threads";
import { CcboundError } from "../../errors.js";
import { Evaluator } from "../portfolio/evaluator.js";
import type { WorkUnit } from "../portfolio/feed.js";
import { planOfJob, type SearchJob } from "./job.js";

/*
 * A worker thread of a parallel search: it rebuilds the plan from the job (compiling the model from its file, plain
 * data) and computes the pure units it is sent, one message back per unit.
 */
const evaluator = new Evaluator(planOfJob(workerData as SearchJob));
// Ready: the pool keeps only workers that say so (one that cannot build the plan, or start at all, is dropped).
parentPort!.postMessage({ ready: true });

parentPort!.on("message", (message: { id: number; unit: WorkUnit }) => {
  try {
    const result = evaluator.run(message.unit);
    // A unit's digests are its own buffer: handed over, not copied.
    const moved = result.kind === "digests" ? [result.digests.buffer as ArrayBuffer] : [];
    parentPort!.postMessage({ id: message.id, result }, moved);
  } catch (e) {
    // Bad input (a CcboundError) keeps its code, so the caller reports it as one line, as in one thread.
    const bad = e instanceof CcboundError ? { code: e.code, where: e.where, hint: e.hint } : undefined;
    parentPort!.postMessage({ id: message.id, error: e instanceof Error ? e.message : String(e), bad });
  }
});
