import type { Collision, NonFinite } from "./finding.js";
import type { FeedName } from "./portfolio/feed.js";
import type { Verdict } from "./verdict.js";

/**
 * A certificate: an input on which a model is wrong, with everything needed to re-check it by recomputation only
 * (`ccbound verify`). It names the model by the SHA-256 of its canonical serialisation and the number format it was
 * run in. Of one of two kinds: a `collision` (two inputs with one transcript of the theorem's protocol at the split,
 * and an input of their rectangle the model must answer wrongly: the theorem's argument, which `theorem` cites) or a
 * `wrong-answer` (a plain counterexample; `theorem` is null).
 */
export interface Certificate {
  ccbound: "certificate";
  version: 2;
  tool: { name: "ccbound"; version: string };
  kind: "collision" | "wrong-answer";
  model: { sha256: string; format: string };
  task: { name: string; n: number; params: Record<string, number> };
  theorem: string | null;
  input: string[];
  expected: string;
  answer: string;
  /** The labels whose logits on the input are NaN or infinite (the forward pass overflowed), when any are. */
  nonFinite?: Record<string, NonFinite>;
  collision?: {
    split: string;
    inputs: [string[], string[]];
    transcriptBits: number;
    transcriptHex: string;
    /** A state repeat's orbit: inputs prefix 1^t and prefix 1^(t+length), t >= start (split "end"). */
    period?: { prefix: string[]; start: number; length: number };
  };
  search: { feed: FeedName; strategy: string; seed: number; budget: number; runs: number };
  replay: string;
}

export interface CertificateContext {
  toolVersion: string;
  modelSha256: string;
  /** The number format the model ran in (its file's, or --format's). */
  format: string;
  task: { readonly name: string; readonly n: number; readonly params: Readonly<Record<string, number>> };
  /** The command that re-checks the certificate, e.g. "ccbound verify c.json --model m.json". */
  replay: string;
}

export function certificateOf(verdict: Verdict & { kind: "refuted" }, ctx: CertificateContext): Certificate {
  const f = verdict.finding;
  return {
    ccbound: "certificate",
    version: 2,
    tool: { name: "ccbound", version: ctx.toolVersion },
    kind: f.kind,
    model: { sha256: ctx.modelSha256, format: ctx.format },
    // A state repeat is certified at the length where the model errs, which may not be the searched n.
    task: { name: ctx.task.name, n: f.n ?? ctx.task.n, params: { ...ctx.task.params } },
    theorem: f.kind === "collision" ? f.theorem : null,
    input: [...f.input],
    expected: f.expected,
    answer: f.answer,
    ...(f.nonFinite && { nonFinite: { ...f.nonFinite } }),
    ...(f.kind === "collision" && { collision: collisionRecord(f.collision) }),
    search: {
      feed: f.feed,
      strategy: verdict.search.strategy,
      seed: verdict.search.seed,
      budget: verdict.search.budget,
      runs: verdict.search.runs,
    },
    replay: ctx.replay,
  };
}

/** The collision as the file keeps it: fresh arrays, and a state repeat's period when it has one. */
function collisionRecord(c: Collision): NonNullable<Certificate["collision"]> {
  const { period, inputs, ...rest } = c;
  return {
    ...rest,
    inputs: [[...inputs[0]], [...inputs[1]]],
    ...(period && { period: { prefix: [...period.prefix], start: period.start, length: period.length } }),
  };
}
