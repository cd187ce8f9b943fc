import { absorb, fmix32, subkey } from "../rho/keyed-hash.js";
import { messageWords, type Stepper } from "../kernels/step.js";
import type { SharedStepper } from "../kernels/shared-step.js";
import type { WorkResult, WorkUnit } from "../portfolio/feed.js";
import { PackedStates, statePacking, type StatePacking } from "./packed-states.js";
import { firstWrongQuery, type SearchSpace } from "./search-space.js";

/*
 * The dedup walk, cut into pure units. The walk takes Alice's prefixes level by level (length 1, 2, ..., the cut), in
 * lexicographic order within a level, and hashes each prefix's state into the level's table; the first state met
 * twice within a level is a collision (two prefixes that differ somewhere and reach one state: a shared continuation
 * keeps them equal), and it ends the walk. So until the walk ends every prefix of a level is taken, none is dropped,
 * and run k of the walk is a function of k alone: level t holds all L_t = |A_0| ... |A_(t-1)| prefixes, then the
 * final level's states are checked against Bob's queries, one run each. A unit (a stretch of runs) can be computed
 * anywhere from the plan; the feed (src/refute/feeds/dedup.ts) keeps the tables and finds the first repeat in this
 * canonical order, whoever computed the digests.
 *
 * Computing a level from scratch costs up to twice its runs for a binary alphabet (a prefix's parent must be stepped
 * too); from the level before, one step a run. So the walk is partitioned by Alice's first symbols: from the depth r
 * where a level first has PARTITIONS prefixes, partition p of level t is the prefixes whose first r symbols are the
 * r-prefix p, a contiguous stretch of the level whose parents are partition p of the level before. A part of a unit
 * (`UnitPart`: the partitions p with p mod of = index) is what one worker or one shard job computes: it keeps its
 * partitions' states from one level to the next, and all parts together are the unit. Levels shallower than r (fewer
 * than PARTITIONS prefixes) belong to partition 0.
 */

/** Partitions of the walk: enough that every worker or shard has many, so each keeps its own levels' states. */
export const PARTITIONS = 1024;

export class DedupLayout {
  readonly cut: number;
  /** Choices at each of Alice's positions. */
  readonly radix: readonly number[];
  /** size[t]: prefixes of length t, for the levels whose runs start below 2^53 (the walk never gets further). */
  readonly size: readonly number[];
  /** start[t]: the walk's first run of level t (t >= 1), and start[cut + 1] the first final check. */
  readonly start: readonly number[];
  /** Runs of the whole walk: every level, then a check of each final state (Infinity past 2^53). */
  readonly total: number;
  /** First run of the final checks (Infinity when the levels alone pass 2^53). */
  readonly checks: number;
  /** The depth r: partitions are the prefixes of length r. */
  readonly depth: number;
  readonly partitions: number;

  constructor(radix: readonly number[]) {
    this.cut = radix.length;
    this.radix = radix;
    const size = [1];
    const start = [0, 0];
    for (let t = 1; t <= this.cut && start[t]! < Number.MAX_SAFE_INTEGER; t++) {
      size.push(size[t - 1]! * radix[t - 1]!);
      start.push(start[t]! + size[t]!);
    }
    this.size = size;
    this.start = start;
    const complete = size.length === this.cut + 1 && start[this.cut + 1]! < Number.MAX_SAFE_INTEGER;
    this.checks = complete ? start[this.cut + 1]! : Infinity;
    this.total = complete ? this.checks + size[this.cut]! : Infinity;
    let r = 0;
    while (r < this.cut && r + 1 < size.length && size[r]! < PARTITIONS) r++;
    this.depth = r;
    this.partitions = size[r]!;
  }

  /** The level of run k (1..cut), or cut + 1 for a final check. */
  levelOf(k: number): number {
    if (k >= this.checks) return this.cut + 1;
    let lo = 1;
    let hi = this.start.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.start[mid]! <= k) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The partition of prefix `index` of level t (a final check: of its final state). */
  partitionOf(level: number, index: number): number {
    const t = Math.min(level, this.cut);
    if (t < this.depth) return 0;
    return Math.floor(index / (this.size[t]! / this.partitions));
  }

  /**
   * Calls visit for every run of a unit that exists (the last unit may reach past the walk's end) and lies in the
   * unit's part, in order: its level, its prefix's index in that level, and its place among the part's runs.
   */
  forEachRun(unit: WorkUnit, visit: (level: number, index: number, at: number) => void): void {
    const part = unit.part ?? { index: 0, of: 1 };
    const end = Math.min(unit.first + unit.count, this.total);
    let at = 0;
    for (let k = unit.first; k < end;) {
      const level = this.levelOf(k);
      const base = level > this.cut ? this.checks : this.start[level]!;
      const levelEnd = level > this.cut ? this.total : this.start[level + 1]!;
      const stop = Math.min(end, levelEnd);
      const t = Math.min(level, this.cut);
      if (t < this.depth) {
        if (part.index === 0) for (let i = k - base; i < stop - base; i++) visit(level, i, at++);
      } else {
        const chunk = this.size[t]! / this.partitions;
        for (let i = k - base; i < stop - base;) {
          const p = Math.floor(i / chunk);
          const chunkEnd = Math.min((p + 1) * chunk, stop - base);
          if (p % part.of === part.index) for (; i < chunkEnd; i++) visit(level, i, at++);
          else i = chunkEnd;
        }
      }
      k = stop;
    }
  }

  /** Runs of a unit in its part. */
  runsOf(unit: WorkUnit): number {
    let n = 0;
    this.forEachRun(unit, () => n++);
    return n;
  }

  /** Prefix steps (runs with a digest, not final checks) of a unit in its part. */
  stepsOf(unit: WorkUnit): number {
    let n = 0;
    this.forEachRun(unit, (level) => {
      if (level <= this.cut) n++;
    });
    return n;
  }

  /** Alice's choices for prefix `index` of level t, the later positions 0 (a string of the family). */
  choices(level: number, index: number): Uint8Array {
    const out = new Uint8Array(this.cut);
    for (let t = Math.min(level, this.cut) - 1; t >= 0; t--) {
      out[t] = index % this.radix[t]!;
      index = Math.floor(index / this.radix[t]!);
    }
    return out;
  }

  /**
   * A unit's parts for `ways` workers, those with runs: part w of a unit that is itself part (s, n) is (s + n w, n
   * ways), the partitions p = s (mod n) with floor(p / n) = w (mod ways).
   */
  split(unit: WorkUnit, ways: number): { unit: WorkUnit; worker: number }[] {
    const part = unit.part ?? { index: 0, of: 1 };
    const parts = Array.from({ length: ways }, (_, w) => ({
      unit: { ...unit, part: { index: part.index + part.of * w, of: part.of * ways } },
      worker: w,
    }));
    return parts.filter((p) => this.runsOf(p.unit) > 0);
  }

  /** The result of a unit from its parts' results (as split made them), exactly what computing it whole gives. */
  join(unit: WorkUnit, parts: readonly { unit: WorkUnit; worker: number }[], results: readonly WorkResult[]) {
    const of = unit.part?.of ?? 1;
    const ways = parts[0]?.unit.part?.of === undefined ? 1 : parts[0].unit.part.of / of;
    const byWorker: (WorkResult | undefined)[] = new Array(ways);
    parts.forEach((p, i) => (byWorker[p.worker] = results[i]));
    // Runs taken from each part so far, and of them prefix steps (a part's digests; its final checks follow them).
    const used = new Float64Array(ways);
    const steps = new Float64Array(ways);
    const digests = new Uint32Array(2 * this.stepsOf(unit));
    let n = 0;
    let wrong: number | undefined;
    this.forEachRun(unit, (level, index, at) => {
      const w = Math.floor(this.partitionOf(level, index) / of) % ways;
      const r = byWorker[w];
      if (r?.kind !== "digests") throw new Error(`no dedup result for part ${w} of a unit`);
      const i = used[w]!++;
      if (level <= this.cut) {
        if (2 * i + 2 > r.digests.length) throw new Error(`part ${w}'s dedup result is short`);
        digests[2 * n] = r.digests[2 * i]!;
        digests[2 * n + 1] = r.digests[2 * i + 1]!;
        n++;
        steps[w] = i + 1;
      } else if (wrong === undefined && r.wrong[0] === i) wrong = at;
    });
    byWorker.forEach((r, w) => {
      if (r?.kind === "digests" && r.digests.length !== 2 * steps[w]!)
        throw new Error(`part ${w}'s dedup result has ${r.digests.length / 2} digests for ${steps[w]} runs`);
    });
    return { kind: "digests" as const, digests, wrong: wrong === undefined ? [] : [wrong] };
  }
}

export function dedupLayout(space: SearchSpace): DedupLayout {
  return new DedupLayout(space.choiceIds.map((ids) => ids.length));
}

/**
 * The digest of a state, written as digest i of `out` (words 2 i, 2 i + 1): two keyed 32-bit hashes of its values'
 * binary64 words, NaN as one canonical NaN.
 */
export function putStateDigest(
  keys: readonly [number, number],
  state: Float64Array,
  words: Uint32Array,
  out: Uint32Array,
  at: number,
): void {
  let h0 = keys[0] | 0;
  let h1 = keys[1] | 0;
  for (let i = 0; i < state.length; i++) {
    // Values are exact in the model's format, whose codes are one-to-one with them (NaN aside): equal messages,
    // equal words. Fixed point never holds -0 (src/numeric/fixed.ts), and IEEE formats send its sign.
    const nan = state[i] !== state[i];
    const lo = nan ? 0 : words[2 * i]!;
    const hi = nan ? 0x7ff80000 : words[2 * i + 1]!;
    h0 = absorb(absorb(h0, lo), hi);
    h1 = absorb(absorb(h1, lo), hi);
  }
  out[2 * at] = fmix32(h0 ^ (state.length * 8));
  out[2 * at + 1] = fmix32(h1 ^ (state.length * 8));
}

export function digestKeys(seed: number): readonly [number, number] {
  return [subkey(seed, 13), subkey(seed, 14)];
}

/** A stretch of prefixes' states of one level in one partition, filled in order. */
interface Chunk {
  /** Index (in the level) of the stretch's first state. */
  readonly base: number;
  /** States held: indices [lo, hi). */
  lo: number;
  hi: number;
  /** Index past the partition's last prefix. */
  readonly end: number;
  data: PackedStates;
}

/**
 * Computes dedup units (or parts of them): each prefix's state from its parent's, the parent kept from the level
 * before when this computer made it (its own partitions, level after level), else stepped from the deepest ancestor
 * it still holds. Keeps at most two levels of its partitions' states (a level's are dropped partition by partition
 * as the next level completes them), packed at their encoded size (src/refute/one-way/packed-states.ts): the walk's
 * index gives each state's parent and symbol, so a kept state costs its encoded bits and nothing more here (its digest
 * is kept by the feed). The result never depends on what was kept.
 */
export class DedupComputer {
  private readonly units: number;
  private readonly chunks = new Map<number, Map<number, Chunk>>();
  private top = 0;
  private readonly path: (Float64Array | undefined)[] = [];
  private readonly pathIndex: number[] = [];
  private readonly h0: Float64Array;
  private readonly state: Float64Array;
  private readonly words: Uint32Array;
  private readonly scratch: Float64Array;
  private readonly ids: Int32Array;
  private readonly keys: readonly [number, number];
  private readonly packing: StatePacking;
  /** A kept state read back, consumed (copied) before the next is read. */
  private readonly unpacked: Float64Array;

  constructor(
    private readonly space: SearchSpace,
    private readonly layout: DedupLayout,
    private readonly step: Stepper,
    seed: number,
    /** Steps a parent's children from products computed once for it (src/refute/kernels/shared-step.ts). */
    private readonly shared?: SharedStepper,
    /**
     * Runs the walk can take (the plan's budget bounds them): a state whose first child (or final check) is past
     * them is never a parent, so it is not kept.
     */
    private readonly horizon = Infinity,
  ) {
    this.units = space.model.stateUnits;
    this.h0 = space.model.newState();
    this.state = space.model.newState();
    this.words = messageWords(this.state, space.model);
    this.scratch = space.model.newState();
    this.ids = new Int32Array(Math.max(1, space.cut));
    this.keys = digestKeys(seed);
    this.packing = statePacking(space.model);
    this.unpacked = new Float64Array(this.units);
    this.parentState = space.model.newState();
  }

  /** The parent the shared stepper last took: its level and index (-1: none). */
  private parentLevel = -1;
  private parentIndex = -1;
  private readonly parentState: Float64Array;

  /** States kept now, and the bytes their stretches hold allocated. */
  kept(): { states: number; bytes: number } {
    let states = 0;
    let bytes = 0;
    for (const level of this.chunks.values())
      for (const chunk of level.values()) {
        states += chunk.hi - chunk.lo;
        bytes += chunk.data.byteLength;
      }
    return { states, bytes };
  }

  /** The digest of every prefix step of the unit's part, in order, and the first final check answered wrongly. */
  run(unit: WorkUnit): WorkResult {
    const digests = new Uint32Array(2 * this.layout.stepsOf(unit));
    let n = 0;
    let wrong: number | undefined;
    const { layout, space } = this;
    layout.forEachRun(unit, (level, index, at) => {
      if (level > layout.cut) {
        if (wrong !== undefined) return;
        const final = this.stateAt(layout.cut, index);
        const choices = layout.choices(layout.cut, index);
        if (firstWrongQuery(space, final, choices, this.scratch, this.shared) >= 0) wrong = at;
        // The queries took the final state as the shared stepper's parent: a later level's parent is taken again.
        this.parentLevel = -1;
        return;
      }
      const t = level - 1;
      const c = index % layout.radix[t]!;
      const parent = (index - c) / layout.radix[t]!;
      if (this.shared) {
        // A level's prefixes come in order, so a parent's children one after another: its products once.
        if (this.parentLevel !== t || this.parentIndex !== parent) {
          this.parentState.set(this.stateAt(t, parent));
          this.shared.parent(this.parentState);
          this.parentLevel = t;
          this.parentIndex = parent;
        }
        this.state.set(this.parentState);
        this.shared.child(this.state, space.choiceIds[t]![c]!, t);
      } else {
        this.state.set(this.stateAt(t, parent));
        this.ids[t] = space.choiceIds[t]![c]!;
        this.step(this.state, this.ids, t, level);
      }
      this.keep(level, index, this.state);
      putStateDigest(this.keys, this.state, this.words, digests, n++);
    });
    return { kind: "digests", digests, wrong: wrong === undefined ? [] : [wrong] };
  }

  /** The state of prefix `index` of level t: kept, or stepped from the deepest ancestor held. */
  private stateAt(t: number, index: number): Float64Array {
    if (t === 0) return this.h0;
    const kept = this.keptState(t, index);
    if (kept) return kept;
    if (this.pathIndex[t] === index) return this.path[t]!;
    const c = index % this.layout.radix[t - 1]!;
    const parent = this.stateAt(t - 1, (index - c) / this.layout.radix[t - 1]!);
    const s = (this.path[t] ??= this.space.model.newState());
    s.set(parent);
    this.ids[t - 1] = this.space.choiceIds[t - 1]![c]!;
    this.step(s, this.ids, t - 1, t);
    this.pathIndex[t] = index;
    return s;
  }

  private keptState(t: number, index: number): Float64Array | undefined {
    const chunk = this.chunks.get(t)?.get(this.layout.partitionOf(t, index));
    if (!chunk || index < chunk.lo || index >= chunk.hi) return undefined;
    chunk.data.read(index - chunk.base, this.unpacked);
    return this.unpacked;
  }

  /** States of level t that are parents of a run within the horizon: the first ones of the level. */
  private parents(t: number): number {
    const { layout } = this;
    const first = t < layout.cut ? layout.start[t + 1] : layout.checks;
    if (first === undefined || !Number.isFinite(first) || !Number.isFinite(this.horizon)) return Infinity;
    const per = t < layout.cut ? layout.radix[t]! : 1;
    return Math.max(0, Math.ceil((this.horizon - first) / per));
  }

  private keep(t: number, index: number, state: Float64Array): void {
    if (t > this.top) {
      for (const level of this.chunks.keys()) if (level < t - 1) this.chunks.delete(level);
      this.top = t;
    }
    const needed = this.parents(t);
    if (index >= needed) return;
    const p = this.layout.partitionOf(t, index);
    let level = this.chunks.get(t);
    if (!level) this.chunks.set(t, (level = new Map()));
    let chunk = level.get(p);
    if (!chunk || index !== chunk.hi) {
      const shallow = t < this.layout.depth;
      const span = shallow ? this.layout.size[t]! : this.layout.size[t]! / this.layout.partitions;
      const base = shallow ? 0 : p * span;
      // A partition filled from its start (its owner, level after level) gets its exact size; a stretch from
      // elsewhere (an audit) grows as it fills.
      const capacity = index === base ? Math.min(span, needed - base) : Math.min(span, 256);
      chunk = { base: index, lo: index, hi: index, end: base + span, data: new PackedStates(this.packing, capacity) };
      level.set(p, chunk);
    }
    const at = index - chunk.base;
    if (at >= chunk.data.capacity)
      chunk.data = chunk.data.grown(Math.min(2 * chunk.data.capacity, chunk.end - chunk.base));
    // The state alone: a cell's output apart from it (Mamba, S4D, ...) is recomputed by the next step before it is read.
    chunk.data.write(at, state);
    chunk.hi++;
    // A partition complete at level t no longer needs its parents (partition p of level t - 1, from depth r on).
    if (chunk.hi === chunk.end && t - 1 >= this.layout.depth) this.chunks.get(t - 1)?.delete(p);
  }
}
