import { Counter, type ProgressListener, type SearchResult } from "./outcome.js";
import { firstWrongQuery, messageKey, type SearchSpace } from "./search-space.js";

/**
 * State-deduplicating search. Walk Alice's positions one at a time and keep one prefix per distinct state (message):
 * the work grows with the number of distinct states, not with |alphabet|^N. Two prefixes that reach one state are a
 * collision (they differ somewhere, and every continuation, including Bob's query for that position, treats them
 * alike). If the walk ends without one, every Alice input has a state of its own, and checking Bob's queries on each
 * final state checks every input of the family: an exhaustive verdict.
 * Gives up after `maxRuns` messages (prefix states) without a verdict. Only two levels of states are kept; a prefix
 * is kept as its parent's index and its last choice (5 bytes), not as a copy of N choices.
 */
export function dedupSearch(space: SearchSpace, maxRuns: number, progress?: ProgressListener): SearchResult {
  const { model, cut, choiceIds } = space;
  const stats = new Counter(progress);
  const trie = new PrefixTrie(cut);
  let states: Float64Array[] = [model.newState()];

  for (let t = 0; t < cut; t++) {
    const ids = choiceIds[t]!;
    const seen = new Map<string, number>();
    const next: Float64Array[] = [];
    trie.openLevel();
    for (let e = 0; e < states.length; e++) {
      for (let c = 0; c < ids.length; c++) {
        if (stats.runs >= maxRuns) {
          const reason = `the budget of ${maxRuns} protocol runs ran out at position ${t + 1} of ${cut}, with no two prefixes in one state so far`;
          return { outcome: { kind: "gave-up", reason }, stats: stats.snapshot() };
        }
        const state = states[e]!.slice();
        model.step(state, ids[c]!, t);
        stats.run(1);
        const key = messageKey(space, state);
        const other = seen.get(key);
        // Positions after t are 0 in both prefixes: one shared continuation keeps the states equal.
        if (other !== undefined)
          return {
            outcome: { kind: "collision", a: trie.prefix(other), b: trie.prefix(e, c) },
            stats: stats.snapshot(),
          };
        seen.set(key, next.length);
        next.push(state);
        trie.add(e, c);
      }
    }
    states = next;
  }

  const scratch = model.newState();
  for (let e = 0; e < states.length; e++) {
    const prefix = trie.prefix(e);
    const position = firstWrongQuery(space, states[e]!, prefix, scratch);
    stats.steps += space.queried.length;
    if (position >= 0) return { outcome: { kind: "wrong-answer", choices: prefix, position }, stats: stats.snapshot() };
  }
  return {
    outcome: { kind: "clean", mode: "exhaustive", inputs: BigInt(states.length) * BigInt(space.queried.length) },
    stats: stats.snapshot(),
  };
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

  /** Choices of entry `index` of the newest level, or of the prefix `index` extended by `then`; later positions 0. */
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
