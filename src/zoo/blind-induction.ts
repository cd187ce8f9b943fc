import { randomTransformer } from "../models/random-transformer.js";
import type { TransformerModelSpec } from "../models/spec.js";
import { inductionHeads } from "../tasks/induction-heads.js";

/**
 * A one-layer Transformer for induction heads (binary alphabet) that cannot tell 0 from 1: its token embedding gives
 * both one row, and its head ignores the residual stream and answers "0" (bias 1 on label 0). It is wrong exactly
 * where the answer is 1 or *, and its Theorem 4 transcripts at the split "pairs" do not depend on Alice's symbols,
 * so every two of her strings collide: the smallest model on which INDEX's reduction to induction heads runs
 * end to end. Random weights (seeded) elsewhere, in fixed:2.2, with d = m = 2 and one head.
 */
export function blindInduction(n: number, seed = 1): TransformerModelSpec {
  const task = inductionHeads(n, 2);
  const spec = randomTransformer({
    width: 2,
    headWidth: 2,
    heads: 1,
    layers: 1,
    maxLength: n,
    format: "fixed:2.2",
    vocab: task.vocab,
    labels: task.labels,
    seed,
  });
  const [zero, , marker] = spec.tokenEmbedding;
  return {
    ...spec,
    name: `blind-induction n=${n} seed=${seed}`,
    tokenEmbedding: [zero!, zero!, marker!],
    head: { weight: spec.head.weight.map((row) => row.map(() => 0)), bias: [1, 0, 0] },
  };
}
