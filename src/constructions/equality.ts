import { equality } from "../tasks/equality.js";
import type { Construction } from "./construction.js";
import { halvesConstruction, halvesInstance, paperTwoLayer, XOR_TABLE } from "./threshold.js";

/**
 * Theorem 6 (notes §5.2): EQ and INEQ by a two-layer Transformer. Layer 1 fetches the partner bit x_{i - N/2} by hard
 * attention on position codes and its FFN computes x_i XOR x_{i - N/2}; layer 2 averages the XORs uniformly and its
 * FFN thresholds the average at one. It is threshold.ts's builder with the position's own bit taken from the
 * residual stream (the paper: "with residual connections or another attention head"), so layer 1 has one head.
 * The variant (`--variant eq|ineq`) only swaps the two labels; `--separator` inputs are handled by the pointers.
 */
export const equalityConstruction: Construction = halvesConstruction(
  "equality",
  "thm6",
  "Theorem 6 (EQ / INEQ): two layers, one head each",
  (n, options) => {
    const ineq = options.task?.variant === "ineq";
    const separator = options.task?.separator ?? false;
    const task = equality(n, { ineq, separator });
    const labels = ineq ? { below: "0", atOrAbove: "1" } : { below: "1", atOrAbove: "0" };
    return { task, instance: halvesInstance(n, XOR_TABLE, labels, { separator, selfByResidual: true }) };
  },
  paperTwoLayer(2),
  ["variant", "separator"],
);
