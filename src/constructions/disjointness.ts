import { disjointness } from "../tasks/disjointness.js";
import type { Construction } from "./construction.js";
import { AND_TABLE, halvesConstruction, halvesInstance, paperTwoLayer } from "./threshold.js";

/**
 * Disjointness as Theorem 13's second instance (notes §5.3): the features x_j AND x_{j - N/2} of the second half, and
 * the output is 1 (the sets intersect, the paper's DISJ) when at least one is 1. Two layers, k = 2 heads.
 */
export const disjointnessConstruction: Construction = halvesConstruction(
  "disjointness",
  "thm13",
  "Theorem 13 (DISJ, an AND instance): two layers, k = 2 heads",
  (n) => ({ task: disjointness(n), instance: halvesInstance(n, AND_TABLE, { below: "0", atOrAbove: "1" }) }),
  paperTwoLayer(2),
  [],
);
