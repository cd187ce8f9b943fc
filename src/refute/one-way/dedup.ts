import { firstWrongQuery, messageKey, type SearchSpace } from "./search-space.js";

/** What a stretch of the dedup walk showed. */
export type DedupEvent =
  /** Two prefixes with one state: they differ somewhere, and every continuation treats them alike. */
  | { readonly kind: "collision"; readonly a: Uint8Array; readonly b: Uint8Array }
  /** A final state on which Bob's query for position `position` is answered wrongly. */
  | { readonly kind: "wrong-answer"; readonly choices: Uint8Array; readonly position: number }
  /** The walk ended with every Alice string in a state of its own, every query right on each: `strings` of them. */
  | { readonly kind: "exhausted"; readonly strings: bigint };

/**
 * State-deduplicating walk. Walk Alice's positions one at a time and keep one prefix per distinct state (message):
 * the work grows with the number of distinct states, not with |alphabet|^N. Two prefixes that reach one state are a
 * collision (positions after t are 0 in both, and one shared continuation keeps the states equal). If the walk ends
 * without one, every Alice string has a state of its own, and Bob's queries are checked on each final state: every
 * input of the family. Resumable: `advance` does at most `maxRuns` runs (a prefix step, or a final state's queries)
 * and returns where it stopped; only two levels of states are kept, a prefix as its parent's index and its last
 * choice. Memory: one state and one key per run.
 */
export class DedupWalk {
  runs = 0;
  private readonly trie: PrefixTrie;
  private states: Float64Array[];
  private next: Float64Array[] = [];
  private seen = new Map<string, number>();
  private t = 0;
  private e = 0;
  private c = 0;
  private checking = false;
  private readonly scratch: Float64Array;

  constructor(private readonly space: SearchSpace) {
    this.trie = new PrefixTrie(space.cut);
    this.states = [space.model.newState()];
    this.scratch = space.model.newState();
    if (space.cut > 0) this.trie.openLevel();
    else this.checking = true;
  }

  /** Distinct states kept at the level being built (the memory the walk holds). */
  get kept(): number {
    return this.states.length + this.next.length;
  }

  advance(maxRuns: number): { runs: number; event?: DedupEvent } {
    let done = 0;
    while (done < maxRuns) {
      done++;
      this.runs++;
      const event = this.checking ? this.check() : this.expand();
      if (event) return { runs: done, event };
    }
    return { runs: done };
  }

  /** One prefix step: the next (entry, choice) of the level. */
  private expand(): DedupEvent | undefined {
    const { space } = this;
    const ids = space.choiceIds[this.t]!;
    const state = this.states[this.e]!.slice();
    space.model.step(state, ids[this.c]!, this.t);
    const key = messageKey(space, state);
    const other = this.seen.get(key);
    if (other !== undefined)
      return { kind: "collision", a: this.trie.prefix(other), b: this.trie.prefix(this.e, this.c) };
    this.seen.set(key, this.next.length);
    this.next.push(state);
    this.trie.add(this.e, this.c);
    if (++this.c < ids.length) return undefined;
    this.c = 0;
    if (++this.e < this.states.length) return undefined;
    // The level is complete: it becomes the current one.
    this.e = 0;
    this.states = this.next;
    this.next = [];
    this.seen = new Map();
    if (++this.t < space.cut) this.trie.openLevel();
    else this.checking = true;
    return undefined;
  }

  /** Bob's queries on the next final state. */
  private check(): DedupEvent | undefined {
    const prefix = this.trie.prefix(this.e);
    const position = firstWrongQuery(this.space, this.states[this.e]!, prefix, this.scratch);
    if (position >= 0) return { kind: "wrong-answer", choices: prefix, position };
    if (++this.e < this.states.length) return undefined;
    return { kind: "exhausted", strings: BigInt(this.states.length) };
  }
}

/** The prefixes of a dedup walk, level by level: entry i of a level came from entry parent[i] of the level before. */
class PrefixTrie {
  private readonly parents: number[][] = [];
  private readonly choices: number[][] = [];

  constructor(private readonly cut: number) {}

  openLevel(): void {
    this.parents.push([]);
    this.choices.push([]);
  }

  add(parent: number, choice: number): void {
    this.parents[this.parents.length - 1]!.push(parent);
    this.choices[this.choices.length - 1]!.push(choice);
  }

  /**
   * Choices of entry `index` of the newest complete level (or, with `then`, of the level before the newest, extended
   * by `then` at the newest); later positions 0.
   */
  prefix(index: number, then?: number): Uint8Array {
    const out = new Uint8Array(this.cut);
    let level = this.parents.length - 1;
    if (then !== undefined) {
      out[level] = then;
      level--;
    }
    for (; level >= 0; level--) {
      out[level] = this.choices[level]![index]!;
      index = this.parents[level]![index]!;
    }
    return out;
  }
}
