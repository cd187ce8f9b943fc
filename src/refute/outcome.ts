import type { RhoReport } from "./rho-sequencer.js";

/** What a search strategy found, before it becomes a verdict. Alice inputs are choice indices. */
export type SearchOutcome =
  | { readonly kind: "collision"; readonly a: Uint8Array; readonly b: Uint8Array }
  | { readonly kind: "wrong-answer"; readonly choices: Uint8Array; readonly position: number }
  | { readonly kind: "clean"; readonly mode: "exhaustive"; readonly inputs: bigint }
  | { readonly kind: "clean"; readonly mode: "sampled"; readonly samples: number }
  | { readonly kind: "gave-up"; readonly reason: string };

/** Work done: `runs` counts Alice messages computed (fooling-set elements examined), `steps` counts model steps. */
export interface SearchStats {
  runs: number;
  steps: number;
}

/** Told the number of runs so far, every PROGRESS_EVERY runs of a search: for a progress line, nothing else. */
export type ProgressListener = (runs: number) => void;
export const PROGRESS_EVERY = 1 << 16;

/** Counts a search's work and tells a listener how far it is. */
export class Counter implements SearchStats {
  runs = 0;
  steps = 0;
  constructor(private readonly onProgress?: ProgressListener) {}

  /** One more Alice message, after `steps` model steps. */
  run(steps: number): void {
    this.runs++;
    this.steps += steps;
    if (this.onProgress && this.runs % PROGRESS_EVERY === 0) this.onProgress(this.runs);
  }

  snapshot(): SearchStats {
    return { runs: this.runs, steps: this.steps };
  }
}

export interface SearchResult {
  readonly outcome: SearchOutcome;
  readonly stats: SearchStats;
  /** A rho search's trails and memory. */
  readonly rho?: RhoReport;
}
