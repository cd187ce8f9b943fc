import type { Task } from "../tasks/task.js";
import type { Finding } from "./finding.js";
import type { Verdict } from "./verdict.js";

/**
 * A certificate: an input on which a model is wrong, with everything needed to re-check it by one forward pass and
 * the task's reference answer. It names the model by the SHA-256 of its canonical serialisation.
 */
export interface Certificate {
  ccbound: "certificate";
  version: 1;
  tool: { name: "ccbound"; version: string };
  model: { sha256: string };
  task: { name: string; n: number; params: Record<string, number | string> };
  theorem: string;
  input: string[];
  expected: string;
  answer: string;
  collision?: {
    cut?: number;
    split?: string;
    inputs: [string[], string[]];
    transcriptBits: number;
    transcriptHex: string;
  };
  search: { strategy: string; seed: number; runs: number };
  replay: string;
}

export interface CertificateContext {
  toolVersion: string;
  modelSha256: string;
  task: Task;
  /** The command that re-checks the certificate, e.g. "ccbound verify c.json --model m.json". */
  replay: string;
}

export function certificateOf(verdict: Verdict & { kind: "refuted" }, ctx: CertificateContext): Certificate {
  const f: Finding = verdict.finding;
  return {
    ccbound: "certificate",
    version: 1,
    tool: { name: "ccbound", version: ctx.toolVersion },
    model: { sha256: ctx.modelSha256 },
    task: { name: ctx.task.name, n: ctx.task.n, params: { ...ctx.task.params } },
    theorem: verdict.theorem.id,
    input: [...f.input],
    expected: f.expected,
    answer: f.answer,
    ...(f.collision && {
      collision: { ...f.collision, inputs: [[...f.collision.inputs[0]], [...f.collision.inputs[1]]] },
    }),
    search: { strategy: verdict.strategy, seed: verdict.seed, runs: verdict.stats.runs },
    replay: ctx.replay,
  };
}
