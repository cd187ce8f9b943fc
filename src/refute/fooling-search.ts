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
  | { readonly kind: "clean"; readonly mode: "exhaustive" | "sampled"; readonly elements: number }
  /** A rho search whose table of distinguished points filled up before its budget ran out. */
  | { readonly kind: "gave-up"; readonly reason: string };

/**
 * Run the protocol on elements of the fooling set and hash their transcripts. An element the model answers wrongly
 * is a finding by itself; two elements with one transcript are a collision (Fact 4's argument). All elements when
 * the set has at most `budget` of them or `mode` is "exhaustive", else `budget` seeded uniform draws (birthday: about
 * 2^(c/2) runs for c bits of spread-out transcript). Memory: one 16-byte digest per run.
 * Draw k is the k-th of the seed's generator and the answer is the first event in draw order, so the draws can be
 * examined anywhere (workers, shards) and put back in order (DrawSequencer) with the same result.
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
  const draws = new Draws(family.size, budget, seed, mode);
  const sequencer = new DrawSequencer(family, onProgress);
  const value = binding.labelId.get(family.value)!;
  for (let k = 0; k < draws.total; k++) {
    const i = draws.next();
    const found = sequencer.accept(i, examineElement(protocol, family, binding, value, i));
    if (found) return { outcome: found, runs: sequencer.runs };
  }
  return { outcome: draws.clean(), runs: sequencer.runs };
}

/** What one fooling-set element shows: its transcript's digest, and whether the model answers it rightly. */
export interface Examined {
  readonly digest: string;
  readonly right: boolean;
}

export function examineElement(
  protocol: SplitProtocol,
  family: TwoWayFamily,
  binding: Binding,
  value: number,
  i: bigint,
): Examined {
  const r = runOn(protocol, family, binding, family.element(i));
  return { digest: digest(r.transcript), right: r.output === value };
}

/**
 * The elements a fooling-set search examines, in order: 0, 1, 2, ... when it takes them all, else the seed's
 * uniform draws (draw k is a function of the seed and k: the generator's k-th, which `skip` reaches without runs).
 */
export class Draws {
  readonly exhaustive: boolean;
  readonly total: number;
  private readonly rng: Rng;
  private k = 0;

  constructor(
    private readonly size: bigint,
    budget: number,
    seed: number,
    mode: "auto" | "exhaustive" | "sample",
  ) {
    this.exhaustive = mode === "exhaustive" || (mode === "auto" && size <= BigInt(budget));
    this.total = this.exhaustive ? Number(size) : budget;
    this.rng = new Rng(seed);
  }

  /** Index of the next draw. */
  get position(): number {
    return this.k;
  }

  next(): bigint {
    return this.exhaustive ? BigInt(this.k++) : (this.k++, randomBelow(this.rng, this.size));
  }

  /** Move on to draw k (k >= position). */
  skip(k: number): void {
    while (this.k < k) this.next();
  }

  clean(): FoolingOutcome {
    return { kind: "clean", mode: this.exhaustive ? "exhaustive" : "sampled", elements: this.total };
  }
}

/** The draws' events in draw order: the first wrong answer, or the first digest met before on another element. */
export class DrawSequencer {
  private readonly counter: Counter;
  private readonly seen = new Map<string, bigint>();

  constructor(
    private readonly family: TwoWayFamily,
    onProgress?: ProgressListener,
  ) {
    this.counter = new Counter(onProgress);
  }

  get runs(): number {
    return this.counter.runs;
  }

  accept(i: bigint, e: Examined): FoolingOutcome | undefined {
    this.counter.run(this.family.split.n);
    if (!e.right) return { kind: "wrong-answer", element: i };
    const j = this.seen.get(e.digest);
    if (j !== undefined && j !== i) return { kind: "collision", a: j, b: i };
    this.seen.set(e.digest, i);
    return undefined;
  }
}

/** Run a split protocol on a whole input given as task tokens. */
export function runOn(
  protocol: SplitProtocol,
  family: Pick<TwoWayFamily, "split">,
  binding: Binding,
  tokens: readonly string[],
) {
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
