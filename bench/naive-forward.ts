/**
 * The naive implementation the forward-pass throughput is compared with: the test suite's oracle
 * (test/models/reference.ts), a straightforward per-step forward pass written from PyTorch's equations with arrays
 * of numbers and a `round` closure called after every operation (weights re-rounded on every use, new arrays every
 * step). It computes the same bits as the library's compiled models (the recurrent tests compare them).
 */
import { parseFormat, type RecurrentModelSpec } from "../src/index.js";
import { referenceForward } from "../test/models/reference.js";

/** Tokens per timed call: the oracle runs whole sequences (one readout at the end, as the library's loop has none). */
const SEQUENCE = 4;

/** Steps per second of the oracle on `spec`, over about `budgetMs` after one warm-up call. */
export function naiveStepsPerSecond(spec: RecurrentModelSpec, budgetMs: number): number {
  const format = parseFormat(spec.format);
  const tokens = Array.from({ length: SEQUENCE }, (_, i) => i % spec.vocab.length);
  referenceForward(spec, format, tokens);
  let steps = 0;
  const start = performance.now();
  do {
    referenceForward(spec, format, tokens);
    steps += SEQUENCE;
  } while (performance.now() - start < budgetMs);
  return Math.round((steps * 1000) / (performance.now() - start));
}
