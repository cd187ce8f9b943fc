import { DpTable } from "./dp-table.js";
import { indexOf, pointFromHex } from "./points.js";
import type { RhoWalker, Trail } from "./walker.js";

/** What the trails showed: an element answered wrongly, two elements with one exact transcript, or a full table. */
export type RhoEvent =
  | { readonly kind: "wrong"; readonly element: bigint }
  | { readonly kind: "collision"; readonly a: bigint; readonly b: bigint }
  | { readonly kind: "gave-up"; readonly reason: string };

/** What a rho search did and kept: the figures a verdict reports. */
export interface RhoReport {
  readonly trails: number;
  /** Merges whose two elements had different transcripts (their hashes' images met): the walk went on. */
  readonly falseAlarms: number;
  /** Merges where one trail had started on the other: no pair of elements. */
  readonly robinHoods: number;
  /** Trails that ended with no pair: in a cycle they started on, or cut at maxTrail runs. */
  readonly abandoned: number;
  readonly distinguishedBits: number;
  readonly maxTrail: number;
  /** Distinguished points kept, and the bound. */
  readonly points: number;
  readonly maxPoints: number;
  readonly bytesPerPoint: number;
  /** Bytes of the table, allocated once for maxPoints (empty slots included). */
  readonly tableBytes: number;
}

/**
 * Trails in trail order, whoever computed them: the canonical part of a rho search. A trail's distinguished point
 * is looked up; a new one is kept, a known one means two trails merged, and both are re-walked from their starts to
 * the two elements with one image (a trail that ran into a cycle brings its own pair). Equal transcripts there are a
 * collision; different ones a false alarm. The first
 * event in trail order is the answer, so it is the same for one thread, many workers or many jobs.
 * The caller's budget bounds the trails' runs (a trail past it is cut where it runs out); re-walks add at most two
 * trails' worth.
 */
export class RhoSequencer {
  /** Runs counted: the trails' and the re-walks'. */
  runs = 0;
  private trails = 0;
  private falseAlarms = 0;
  private robinHoods = 0;
  private abandoned = 0;
  private readonly table: DpTable;
  private readonly point: Uint32Array;

  constructor(
    private readonly walker: RhoWalker,
    maxPoints: number,
  ) {
    this.table = new DpTable(walker.words, maxPoints);
    this.point = new Uint32Array(walker.words);
  }

  /**
   * The next trail (j = the number accepted so far), with `left` runs of the budget remaining: a trail longer than
   * that is cut where the budget runs out (it counts `left` runs and shows nothing). An event ends the search.
   */
  accept(t: Trail, left: number): RhoEvent | undefined {
    this.trails++;
    if (t.runs > left) {
      this.runs += left;
      return undefined;
    }
    this.runs += t.runs;
    switch (t.end) {
      case "wrong":
        return { kind: "wrong", element: indexOf(pointFromHex(t.point, this.point)) };
      case "cut":
        this.abandoned++;
        return undefined;
      case "cycle":
        return this.confirm(
          pointFromHex(t.point, new Uint32Array(this.walker.words)),
          pointFromHex(t.other!, new Uint32Array(this.walker.words)),
        );
      case "dp":
        return this.distinguished(t);
    }
  }

  /** Two elements with one image: a collision when their exact transcripts are equal, else a false alarm. */
  private confirm(x: Uint32Array, y: Uint32Array): RhoEvent | undefined {
    const space = this.walker.space;
    if (space.transcriptKey(x) === space.transcriptKey(y)) return { kind: "collision", a: indexOf(x), b: indexOf(y) };
    this.falseAlarms++;
    return undefined;
  }

  private distinguished(t: Trail): RhoEvent | undefined {
    const point = pointFromHex(t.point, this.point);
    const hit = this.table.get(point);
    if (hit === undefined) {
      if (this.table.add(point, t.j, t.runs)) return undefined;
      return {
        kind: "gave-up",
        reason: `the table of ${this.table.maxEntries} distinguished points filled up after ${this.runs} runs; raise --max-points or lower --budget`,
      };
    }
    const met = this.walker.locate({ j: hit.trail, runs: hit.length }, t);
    this.runs += met.runs;
    if (met.x === undefined || met.y === undefined) {
      this.robinHoods++;
      return undefined;
    }
    return this.confirm(met.x, met.y);
  }

  report(): RhoReport {
    const t = this.table;
    const { distinguishedBits, maxTrail } = this.walker.params;
    return {
      trails: this.trails,
      falseAlarms: this.falseAlarms,
      robinHoods: this.robinHoods,
      abandoned: this.abandoned,
      distinguishedBits,
      maxTrail,
      points: t.size,
      maxPoints: t.maxEntries,
      bytesPerPoint: t.bytesPerEntry,
      tableBytes: t.bytes,
    };
  }
}
