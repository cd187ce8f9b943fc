import type { Finding } from "../finding.js";
import type { Accepted, Feed, FeedName, WorkResult, WorkUnit } from "../portfolio/feed.js";
import { hashString, subkey } from "../rho/keyed-hash.js";

/** A 64-bit keyed digest of an exact transcript (its key), written as digest i of `out` (words 2 i, 2 i + 1). */
export function putDigest(key: string, seed: number, out: Uint32Array, i: number): void {
  out[2 * i] = hashString(subkey(seed, 7), key);
  out[2 * i + 1] = hashString(subkey(seed, 8), key);
}

/** Digest i of `digests` as 16 lowercase hex digits: how a shard file writes it, and a map's key. */
export function digestHex(digests: Uint32Array, i: number): string {
  return digests[2 * i]!.toString(16).padStart(8, "0") + digests[2 * i + 1]!.toString(16).padStart(8, "0");
}

/** Digests written as 16 hex digits each (a shard file's, validated there), as a result holds them. */
export function digestsFromHex(hex: readonly string[]): Uint32Array {
  const out = new Uint32Array(2 * hex.length);
  hex.forEach((h, i) => {
    out[2 * i] = Number.parseInt(h.slice(0, 8), 16);
    out[2 * i + 1] = Number.parseInt(h.slice(8, 16), 16);
  });
  return out;
}

/** The digests of a result as shard files write them. */
export function digestsToHex(digests: Uint32Array): string[] {
  return Array.from({ length: digests.length / 2 }, (_, i) => digestHex(digests, i));
}

/** Item i of a unit: its seeded draw, or its place in the order of all items. */
export function itemAt(unit: WorkUnit, i: number): bigint {
  return unit.items ? BigInt(unit.items[i]!) : BigInt(unit.first + i);
}

/** How a digests feed draws its items, turns them into findings and confirms a repeated digest on the exact transcripts. */
export interface DigestRules {
  /**
   * Items in all, when the feed takes every one in order (item k is k); undefined for seeded draws (an infinite feed),
   * whose items come from `draw`.
   */
  readonly exhaustive?: bigint;
  /** The next seeded draw's item (a fooling-set element, an Alice string as a number), one after another. */
  draw(): bigint;
  /** Two items whose digests agree: a collision when their exact transcripts are equal (else a false alarm). */
  sameTranscript(a: bigint, b: bigint): boolean;
  wrong(item: bigint): Finding;
  collision(a: bigint, b: bigint): Finding;
}

/**
 * A feed of protocol runs whose transcripts are hashed into a table (the fooling-set elements of a two-way
 * reduction, Alice's strings of a one-way one): the first item answered wrongly is a finding; the first digest met
 * before on another item, confirmed on the exact transcripts, is a collision (the birthday search, or pigeonhole
 * when every item is taken in order). Keeps one digest per run.
 */
export function digestsFeed(name: FeedName, rules: DigestRules): Feed & { readonly falseAlarms: number } {
  const seen = new Map<string, bigint>();
  let nextDraw = 0;
  let items = 0;
  let falseAlarms = 0;
  const total = rules.exhaustive;
  return {
    name,
    get items() {
      return items;
    },
    get falseAlarms() {
      return falseAlarms;
    },
    next(runs) {
      const left = total === undefined ? runs : Math.min(runs, Number(total - BigInt(nextDraw)));
      if (left <= 0) return undefined;
      const drawn = total === undefined ? { items: Array.from({ length: left }, () => rules.draw().toString()) } : {};
      const unit = { feed: name, first: nextDraw, count: left, runs: left, ...drawn };
      nextDraw += left;
      return unit;
    },
    accept(unit, result: WorkResult, left): Accepted {
      if (result.kind !== "digests") throw new Error(`a ${result.kind} result for the ${name} feed`);
      const counted = Math.min(unit.count, left);
      const wrong = new Set(result.wrong);
      for (let i = 0; i < counted; i++) {
        const item = itemAt(unit, i);
        items++;
        // A collision first: when a run shows both, the theorem's argument is the stronger finding.
        const digest = digestHex(result.digests, i);
        const other = seen.get(digest);
        if (other !== undefined && other !== item) {
          if (rules.sameTranscript(other, item)) {
            return { runs: i + 1, event: { kind: "finding", finding: () => rules.collision(other, item) } };
          }
          falseAlarms++;
        }
        if (other === undefined) seen.set(digest, item);
        if (wrong.has(i)) return { runs: i + 1, event: { kind: "finding", finding: () => rules.wrong(item) } };
      }
      const done = total !== undefined && BigInt(unit.first + unit.count) >= total && counted === unit.count;
      return { runs: counted, ...(done && { event: { kind: "exhausted", items: total } }) };
    },
  };
}
