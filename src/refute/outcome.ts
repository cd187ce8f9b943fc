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

export interface SearchResult {
  readonly outcome: SearchOutcome;
  readonly stats: SearchStats;
}
