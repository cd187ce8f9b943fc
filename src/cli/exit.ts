/** Exit codes, the contract scripts depend on (design: Command line). */
export const EXIT = {
  ok: 0,
  survived: 0,
  valid: 0,
  refuted: 1,
  invalid: 1,
  /** eval --expect: a logit differs from the reference by more than the tolerance. */
  mismatch: 1,
  error: 2,
  inconclusive: 3,
} as const;
