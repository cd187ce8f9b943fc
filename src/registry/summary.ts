/** The paper's summary table (notes §3 "Summary table"): for each task and architecture, the results that bound it. */
import type { Evaluation, Params, RegistryTask, TableArch } from "./types.js";
import type { RegistryResult } from "./types.js";
import { RESULTS } from "./results.js";

export interface TableCell {
  readonly task: RegistryTask;
  readonly arch: TableArch;
  /** Ids of the registry's results for this cell (lower bound and/or construction). */
  readonly ids: readonly string[];
  /** What the cell says when it is not (only) a result of the paper: "open", a cited construction, "via Theorem 7". */
  readonly note?: string;
  /** Parameters the cell fixes: DISJ is THRES with 2-sparse features. */
  readonly fixed?: Partial<Params>;
  /** Shown only at these parameters (the multi-pass cells: only when the input is read more than once). */
  readonly when?: (p: Params) => boolean;
}

/** The table row by row, as in the notes (cells marked "–" there are left out), then the other papers' results. */
export const SUMMARY_TABLE: readonly TableCell[] = [
  { task: "index-lookup", arch: "transformer-1", ids: ["thm1"] },
  { task: "index-lookup", arch: "recurrent", ids: ["thm3"] },
  {
    task: "assoc-recall",
    arch: "transformer-1",
    ids: [],
    note: "open (App. C.2): no small one-layer construction and no lower bound is known",
  },
  {
    task: "assoc-recall",
    arch: "transformer-2",
    ids: ["thm7"],
    note: "via Theorem 7: associative recall is nearest neighbour with exact matches",
  },
  { task: "assoc-recall", arch: "recurrent", ids: ["prop9"] },
  { task: "dyck", arch: "transformer-1", ids: ["thm5"] },
  {
    task: "dyck",
    arch: "transformer-2",
    ids: [],
    note: "sublinear size [Yao et al. 2021, ref 65]: cited by the paper, not one of its results",
  },
  { task: "dyck", arch: "recurrent", ids: ["dyck-rnn"] },
  { task: "equality", arch: "transformer-1", ids: ["thm12"] },
  { task: "equality", arch: "transformer-2", ids: ["thm6"] },
  { task: "equality", arch: "recurrent", ids: ["thm11"] },
  { task: "disjointness", arch: "transformer-1", ids: ["disj-tf1"] },
  {
    task: "disjointness",
    arch: "transformer-2",
    ids: ["thm13"],
    note: "Theorem 13 with 2-sparse features (g = AND)",
    fixed: { sparsity: 2n },
  },
  { task: "disjointness", arch: "recurrent", ids: ["disj-rnn"] },
  { task: "threshold", arch: "transformer-2", ids: ["thm13"] },
  { task: "nearest-neighbor", arch: "transformer-2", ids: ["thm7"] },
  { task: "nearest-neighbor", arch: "recurrent", ids: ["thm8"] },
  // Not the paper's table: results of other papers that ccbound runs (issue 16).
  {
    task: "parity",
    arch: "recurrent",
    ids: ["sarrof-parity"],
    note: "for non-negative diagonal transitions (Sarrof et al., Grazzi et al.); other recurrent models can compute parity",
  },
  {
    task: "mod-count",
    arch: "recurrent",
    ids: ["grazzi-modcount"],
    note: "for diagonal transitions (Grazzi et al.: mod 3 needs non-triangular ones); other recurrent models can count",
  },
  // Function composition (Peng et al. 2024): the paper's one-layer bound, and the recurrent one-way form.
  {
    task: "function-composition",
    arch: "transformer-1",
    ids: ["peng-composition"],
    note: "the paper's one-way count; ccbound's exact protocol is interactive, so `check` certifies no collision here",
  },
  { task: "function-composition", arch: "recurrent", ids: ["composition-rnn"] },
  {
    task: "copy",
    arch: "transformer-2",
    ids: [],
    note: "two layers copy strings of length exponential in their size [Jelassi et al. 2024]: cited, not one of ccbound's constructions",
  },
  {
    task: "copy",
    arch: "recurrent",
    ids: ["jelassi-copy"],
    note: "copying a string of length L (Jelassi et al. 2024): the state at the delimiter holds the whole string",
  },
  ...(["equality", "disjointness"] as const).map((task) => ({
    task,
    arch: "recurrent" as const,
    ids: ["jrt-multipass"],
    note: "the input read K times in a row (JRT-Prompt, Arora et al. 2024): a protocol of 2K - 1 state messages",
    when: (p: Params) => p.passes > 1n,
  })),
  {
    task: "induction-heads",
    arch: "transformer-1",
    ids: ["sanford-induction"],
    note: "Sanford, Hsu and Telgarsky 2024: one-way INDEX at the split pairs (no guarantee for ccbound's interactive protocol)",
  },
  { task: "induction-heads", arch: "transformer-2", ids: ["sanford-induction-2"] },
];

export interface EvaluatedResult {
  readonly result: RegistryResult;
  readonly evaluation: Evaluation;
}

export interface TableRow {
  readonly task: RegistryTask;
  readonly arch: TableArch;
  readonly note?: string;
  readonly results: readonly EvaluatedResult[];
}

/** The table at these parameters, filtered by task and architecture. */
export function summaryTable(params: Params, filter: { task?: RegistryTask; arch?: TableArch } = {}): TableRow[] {
  return SUMMARY_TABLE.filter(
    (c) =>
      (filter.task === undefined || c.task === filter.task) &&
      (filter.arch === undefined || c.arch === filter.arch) &&
      (c.when?.(params) ?? true),
  ).map((cell) => {
    const at = { ...params, ...cell.fixed };
    const results = cell.ids.map((id) => {
      const result = RESULTS.find((r) => r.id === id);
      if (!result?.evaluate) throw new Error(`summary table: ${id} has no evaluation`);
      return { result, evaluation: result.evaluate(at) };
    });
    return { task: cell.task, arch: cell.arch, ...(cell.note !== undefined && { note: cell.note }), results };
  });
}
