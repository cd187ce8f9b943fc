import { createHash } from "node:crypto";
import { run, type Protocol } from "../cc/protocol.js";
import { transcriptBits, type Transcript } from "../cc/transcript.js";
import { Rng } from "../random.js";
import type { Binding } from "../reductions/bind.js";
import { tokensOf } from "../reductions/split.js";
import type { TwoWayFamily } from "../reductions/two-way-family.js";
import { Counter, type ProgressListener } from "./outcome.js";

/** A protocol over the token ids each party holds, answering a label id. */
export type SplitProtocol = Protocol<Int32Array, Int32Array, number>;

export type FoolingOutcome =
  | { readonly kind: "wrong-answer"; readonly element: bigint }
  | { readonly kind: "collision"; readonly a: bigint; readonly b: bigint }
  | { readonly kind: "clean"; readonly mode: "exhaustive" | "sampled"; readonly elements: number };

/**
 * Run the protocol on elements of the fooling set and hash their transcripts. An element the model answers wrongly
 * is a finding by itself; two elements with one transcript are a collision (Fact 4's argument). All elements when
 * the set has at most `budget` of them or `mode` is "exhaustive", else `budget` seeded uniform draws (birthday: about
 * 2^(c/2) runs for c bits of spread-out transcript). Memory: one 16-byte digest per run.
 */
export function foolingSearch(
  protocol: SplitProtocol,
  family: TwoWayFamily,
  binding: Binding,
  budget: number,
  seed: number,
  onProgress?: ProgressListener,
  mode: "auto" | "exhaustive" | "sample" = "auto",
): { outcome: FoolingOutcome; runs: number } {
  const counter = new Counter(onProgress);
  const value = binding.labelId.get(family.value)!;
  const seen = new Map<string, bigint>();
  const exhaustive = mode === "exhaustive" || (mode === "auto" && family.size <= BigInt(budget));
  const rng = new Rng(seed);
  const total = exhaustive ? Number(family.size) : budget;
  for (let k = 0; k < total; k++) {
    const i = exhaustive ? BigInt(k) : randomBelow(rng, family.size);
    const r = runOn(protocol, family, binding, family.element(i));
    counter.run(family.split.n);
    if (r.output !== value) return { outcome: { kind: "wrong-answer", element: i }, runs: counter.runs };
    const key = digest(r.transcript);
    const j = seen.get(key);
    if (j !== undefined && j !== i) return { outcome: { kind: "collision", a: j, b: i }, runs: counter.runs };
    seen.set(key, i);
  }
  return { outcome: { kind: "clean", mode: exhaustive ? "exhaustive" : "sampled", elements: total }, runs: counter.runs };
}

/** Run a split protocol on a whole input given as task tokens. */
export function runOn(protocol: SplitProtocol, family: Pick<TwoWayFamily, "split">, binding: Binding, tokens: readonly string[]) {
  const ids = binding.ids(tokens);
  return run(protocol, tokensOf(ids, family.split.alice), tokensOf(ids, family.split.bob));
}

function digest(transcript: Transcript): string {
  const bits = transcriptBits(transcript);
  return createHash("sha256").update(bits.key()).digest("base64").slice(0, 22);
}

/** Uniform in [0, size) from 32-bit draws, by rejection. */
export function randomBelow(rng: Rng, size: bigint): bigint {
  if (size <= 2n ** 32n) return BigInt(rng.int(Number(size)));
  const words = Math.ceil(size.toString(2).length / 32);
  const top = 1n << BigInt(32 * words);
  const limit = top - (top % size);
  for (;;) {
    let x = 0n;
    for (let w = 0; w < words; w++) x = (x << 32n) | BigInt(rng.uint32());
    if (x < limit) return x % size;
  }
}
