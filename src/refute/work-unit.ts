import { examineElement, type Examined } from "./fooling-search.js";
import { rhoWalker } from "./refute-two-way.js";
import type { RhoWalker, Trail } from "./rho.js";
import type { TwoWayPlan } from "./two-way-plan.js";

/**
 * A piece of a two-way search that anyone can compute from the plan alone: a run of consecutive trails of a rho
 * walk, or the fooling-set elements of some draws. Results are plain data (they cross threads and go into shard
 * files), and equal wherever they are computed.
 */
export type WorkUnit =
  | { readonly kind: "trails"; readonly from: number; readonly count: number }
  /** Draws first, first + 1, ...: the elements they drew. */
  | { readonly kind: "draws"; readonly first: number; readonly indices: readonly bigint[] };

export interface UnitRunner {
  run(unit: WorkUnit): WorkResult;
}

export type WorkResult =
  | { readonly kind: "trails"; readonly trails: readonly Trail[] }
  | { readonly kind: "draws"; readonly examined: readonly Examined[] };

/** Computes work units of one plan (a walker is made once: its scratch buffers and compiled step are reused). */
export class Evaluator implements UnitRunner {
  private walker: RhoWalker | undefined;
  private readonly value: number;

  constructor(readonly plan: TwoWayPlan) {
    this.value = plan.ctx.binding.labelId.get(plan.ctx.family.value)!;
  }

  run(unit: WorkUnit): WorkResult {
    if (unit.kind === "trails") {
      const walker = (this.walker ??= rhoWalker(this.plan));
      return { kind: "trails", trails: Array.from({ length: unit.count }, (_, i) => walker.trail(unit.from + i)) };
    }
    const { protocol, family, binding } = this.plan.ctx;
    return {
      kind: "draws",
      examined: unit.indices.map((i) => examineElement(protocol, family, binding, this.value, i)),
    };
  }

  /** The walker, for re-walks and cycle checks in the sequencer's thread. */
  rho(): RhoWalker {
    return (this.walker ??= rhoWalker(this.plan));
  }
}
