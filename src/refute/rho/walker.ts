import { fail } from "../../errors.js";
import { hashWords, prf, subkey } from "./keyed-hash.js";
import { pointHex } from "./points.js";
import type { WalkSpace } from "./walk-space.js";

/*
 * Pollard's rho with distinguished points, as in van Oorschot and Wiener's parallel collision search, on a fooling
 * set: the walk maps an element x to f(x) = P(H(transcript(x))), where H is a keyed 64-bit hash and P spreads it over
 * the set's points. Two elements with one transcript have one image, so walks that meet merge; a trail runs from
 * its start until it reaches a distinguished point (about one point in 2^k), and only those are kept. Everything is
 * a function of the seed: trail j starts at a point derived from (seed, j), so any worker or job computes the same
 * trail, and a search's answer does not depend on who computed what.
 */

export interface RhoParams {
  readonly seed: number;
  /** A point is distinguished with probability 2^-distinguishedBits. */
  readonly distinguishedBits: number;
  /** A trail longer than this is abandoned (it is in a cycle with no distinguished point): 20 times the mean. */
  readonly maxTrail: number;
}

/**
 * The distinguished fraction theta = 2^-k from the budget and the memory bound: a search of `budget` runs stores
 * about theta * budget points, kept at half of `maxPoints` so that the table does not fill before the budget ends.
 * A larger theta would find a merge sooner (about 1/theta runs after it happens) but keep more points.
 */
export function rhoParams(seed: number, budget: number, maxPoints: number): RhoParams {
  const k = Math.min(30, Math.max(0, Math.ceil(Math.log2((2 * budget) / maxPoints))));
  return { seed, distinguishedBits: k, maxTrail: 20 * 2 ** k };
}

/**
 * How a trail ended: at a distinguished point; at an element the model answers wrongly; in a cycle with no
 * distinguished point, found by Brent's method ("cycle": the two elements that lead into it, unless the trail
 * started on it); or at maxTrail runs ("cut", a safety bound that Brent's method makes rare).
 */
export type TrailEnd = "dp" | "wrong" | "cycle" | "cut";

/**
 * A trail as workers and shard files report it: `runs` protocol runs (a cycle's search for its entry included), the
 * point it ended at (hex: the distinguished point, the wrong element, or the tail's element leading into the cycle)
 * and, for a cycle, `other`: the cycle's own element leading into its entry.
 */
export interface Trail {
  readonly j: number;
  readonly end: TrailEnd;
  readonly runs: number;
  readonly point: string;
  readonly other?: string;
}

/**
 * One trail in progress: its point x (y is scratch for the next), the point Brent's method compares with, and the
 * counts of both. A walker steps one lane at a time (`trail`) or a block of them side by side (`trails`).
 */
class Lane {
  j = 0;
  runs = 0;
  power = 1;
  lambda = 0;
  x: Uint32Array;
  y: Uint32Array;
  readonly saved: Uint32Array;

  constructor(words: number) {
    this.x = new Uint32Array(words);
    this.y = new Uint32Array(words);
    this.saved = new Uint32Array(words);
  }
}

/** f, the distinguished test and the trail starts for one seed and one walk space, with scratch buffers. */
export class RhoWalker {
  readonly words: number;
  private readonly topMask: number;
  private readonly dpMask: number;
  private readonly keyStart: number;
  private readonly keyDp: number;
  private readonly keyPoint: Uint32Array;
  private readonly hash = new Uint32Array(2);
  private readonly lane: Lane;
  /** Lanes and trails walked past the last call's end (`trails`, when its units come in order). */
  private ahead: { end: number; next: number; live: Lane[]; done: Map<number, Trail> } | undefined;
  private called = false;

  constructor(
    readonly space: WalkSpace,
    readonly params: RhoParams,
  ) {
    this.words = space.words;
    const spare = 32 * space.words - space.bits;
    this.topMask = spare >= 32 ? 0 : 0xffffffff >>> spare;
    this.dpMask = 2 ** params.distinguishedBits - 1;
    this.keyStart = subkey(params.seed, 3);
    this.keyDp = subkey(params.seed, 4);
    this.keyPoint = Uint32Array.from({ length: space.words }, (_, w) => subkey(params.seed, 16 + w));
    this.lane = new Lane(space.words);
  }

  /** Trail j's first point. */
  start(j: number, out: Uint32Array): Uint32Array {
    for (let w = 0; w < this.words; w++) out[w] = prf(this.keyStart, j, w);
    out[this.words - 1]! &= this.topMask;
    this.space.canonical?.(out);
    return out;
  }

  /** One protocol run: out = f(x). False when the model answers x wrongly (out is then not written). */
  step(x: Uint32Array, out: Uint32Array): boolean {
    const { hash } = this;
    if (!this.space.visit(x, hash)) return false;
    this.pointOf(hash, 0, out);
    return true;
  }

  distinguished(x: Uint32Array): boolean {
    return (hashWords(this.keyDp, x, this.words) & this.dpMask) === 0;
  }

  /**
   * Trail j: from its start to the first distinguished point, an element answered wrongly, or a cycle. A walk whose
   * cycle holds no distinguished point would never end (likely when 1/theta is near the cycle's length, about
   * 2^(c/2)); Brent's method notices the repeat at a cost of one comparison a step.
   */
  trail(j: number): Trail {
    return this.finish(this.begin(this.lane, j));
  }

  /**
   * Trails first .. first + count - 1 in order, each as `trail` gives it (a trail is a function of j alone), walked
   * side by side: every lane's next point is one call of the space's block (one batch of protocol runs), and a lane
   * whose trail ends takes the next j. Where units come in order (one thread: each call starts where the last ended)
   * the lanes run on past the unit's end, so that they stay full while its last, longest trails finish, and what they
   * walked is kept for the next call. Otherwise the lanes stop at the unit's end.
   */
  trails(first: number, count: number): Trail[] {
    const block = this.space.block;
    const carried = this.ahead?.end === first ? this.ahead : undefined;
    const ahead = carried ?? { end: first, next: first, live: [], done: new Map<number, Trail>() };
    // The first call, and every call that follows on from the one before, may run ahead.
    const inOrder = carried !== undefined || !this.called;
    this.called = true;
    this.ahead = undefined;
    const out = new Array<Trail>(count);
    const end = first + count;
    let missing = count;
    const record = (t: Trail) => {
      if (t.j >= end) return void ahead.done.set(t.j, t);
      out[t.j - first] = t;
      missing--;
    };
    for (const [j, t] of ahead.done)
      if (j < end) {
        ahead.done.delete(j);
        record(t);
      }
    const { live } = ahead;
    // Lanes run ahead by at most one more unit's trails and a block's: what is kept between calls stays bounded.
    const horizon = end + count + (block?.width ?? 0);
    const more = () => ahead.next < end || (inOrder && missing > 0 && ahead.next < horizon);
    if (block) {
      while (live.length < block.width && more()) live.push(this.begin(new Lane(this.words), ahead.next++));
      const xs: Uint32Array[] = [];
      const hashes = new Uint32Array(2 * block.width);
      const right = new Uint8Array(block.width);
      while (missing > 0 && live.length > 0) {
        for (let e = 0; e < live.length; e++) xs[e] = live[e]!.x;
        block.visit(xs, live.length, hashes, right);
        let kept = 0;
        for (let e = 0; e < live.length; e++) {
          const lane = live[e]!;
          const ended = this.advanceLane(lane, right[e] === 1, hashes, e);
          if (ended) record(ended);
          if (!ended) live[kept++] = lane;
          else if (more()) live[kept++] = this.begin(lane, ahead.next++);
        }
        live.length = kept;
      }
    }
    for (const lane of live) if (lane.j < end) record(this.finish(lane));
    for (; ahead.next < end; ahead.next++) record(this.trail(ahead.next));
    if (missing !== 0) throw new Error(`rho lanes: ${missing} of trails ${first}..${end - 1} not walked`);
    if (inOrder && block)
      this.ahead = { end, next: ahead.next, live: live.filter((l) => l.j >= end), done: ahead.done };
    return out;
  }

  private begin(lane: Lane, j: number): Lane {
    lane.j = j;
    lane.runs = 0;
    lane.power = 1;
    lane.lambda = 0;
    this.start(j, lane.x);
    lane.saved.set(lane.x);
    return lane;
  }

  /** A lane's trail walked on alone to its end. */
  private finish(lane: Lane): Trail {
    for (;;) {
      const ended = this.advanceLane(lane, this.space.visit(lane.x, this.hash), this.hash, 0);
      if (ended) return ended;
    }
  }

  /**
   * One run of a lane's trail, given its visit (whether x is answered rightly, and its transcript's hash at
   * hashes[2e], hashes[2e + 1]): the trail if it ended there.
   */
  private advanceLane(lane: Lane, ok: boolean, hashes: Uint32Array, e: number): Trail | undefined {
    const runs = ++lane.runs;
    if (!ok) return { j: lane.j, end: "wrong", runs, point: pointHex(lane.x) };
    this.pointOf(hashes, e, lane.y);
    [lane.x, lane.y] = [lane.y, lane.x];
    if (this.distinguished(lane.x)) return { j: lane.j, end: "dp", runs, point: pointHex(lane.x) };
    lane.lambda++;
    if (same(lane.x, lane.saved)) return this.cycle(lane.j, runs, lane.lambda);
    if (lane.lambda === lane.power) {
      lane.saved.set(lane.x);
      lane.power *= 2;
      lane.lambda = 0;
    }
    return runs === this.params.maxTrail ? { j: lane.j, end: "cut", runs, point: "" } : undefined;
  }

  /** The point a transcript hash leads to: P(H), made valid. */
  private pointOf(hashes: Uint32Array, e: number, out: Uint32Array): void {
    const h0 = hashes[2 * e]!;
    const h1 = hashes[2 * e + 1]!;
    for (let w = 0; w < this.words; w++) out[w] = prf(this.keyPoint[w]!, h0, h1);
    out[this.words - 1]! &= this.topMask;
    this.space.canonical?.(out);
  }

  /**
   * A trail that came back to a point after `lambda` steps: walk one copy from the start and one lambda ahead until
   * they meet at the cycle's entry; the points just before are two elements with one image. None when the start is
   * on the cycle.
   */
  private cycle(j: number, runs: number, lambda: number): Trail {
    const x = this.start(j, new Uint32Array(this.words));
    const y = this.start(j, new Uint32Array(this.words));
    const fx = new Uint32Array(this.words);
    const fy = new Uint32Array(this.words);
    for (let d = 0; d < lambda; d++, runs++) this.advance(y, fy);
    if (same(x, y)) return { j, end: "cut", runs, point: "" };
    for (;;) {
      this.image(x, fx);
      this.image(y, fy);
      runs += 2;
      if (same(fx, fy)) return { j, end: "cycle", runs, point: pointHex(x), other: pointHex(y) };
      x.set(fx);
      y.set(fy);
    }
  }

  /**
   * Two trails that end at one distinguished point: walk the longer one until both are as far from it, then both in
   * step until they meet. The points just before are two elements with one image (x != y, f(x) = f(y)). If they are
   * equal from the start, one trail began on the other (a "Robin Hood"): no collision.
   */
  locate(
    first: { j: number; runs: number },
    second: { j: number; runs: number },
  ): { x?: Uint32Array; y?: Uint32Array; runs: number } {
    let x = this.start(first.j, new Uint32Array(this.words));
    let y = this.start(second.j, new Uint32Array(this.words));
    let runs = 0;
    const fx = new Uint32Array(this.words);
    const fy = new Uint32Array(this.words);
    for (let d = first.runs - second.runs; d > 0; d--, runs++) x = this.advance(x, fx);
    for (let d = second.runs - first.runs; d > 0; d--, runs++) y = this.advance(y, fy);
    if (same(x, y)) return { runs };
    for (let left = Math.min(first.runs, second.runs); left > 0; left--) {
      this.image(x, fx);
      this.image(y, fy);
      runs += 2;
      if (same(fx, fy)) return { x, y, runs };
      x.set(fx);
      y.set(fy);
    }
    // Trails that end at one point meet by then; these were not computed by this walk (an altered shard file).
    return fail(
      "invalid-input",
      `trails ${first.j} and ${second.j} do not reach one distinguished point as recorded: a shard file does not match the search`,
    );
  }

  /** f(x) for a point of a stored trail: every one was answered rightly when the trail was walked. */
  private image(x: Uint32Array, out: Uint32Array): void {
    if (!this.step(x, out)) throw new Error("a trail re-walked to a wrong answer: the walk is not deterministic");
  }

  private advance(x: Uint32Array, out: Uint32Array): Uint32Array {
    this.image(x, out);
    x.set(out);
    return x;
  }
}

function same(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
