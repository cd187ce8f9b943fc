/**
 * What a collision walk needs of a search space and a model's protocol: run the protocol on the element at a point,
 * hash its transcript (64 bits, keyed by the seed), and say whether the model answered the element rightly.
 * `transcriptKey` gives the exact transcript, through the protocol itself, for confirming a collision.
 */
export interface WalkSpace {
  readonly bits: number;
  readonly words: number;
  /**
   * Makes a point from hash bits a valid one, in place (a field past its position's choices wraps around), so that
   * points and elements correspond one to one. Absent when every bit pattern is an element.
   */
  canonical?(point: Uint32Array): void;
  /** Runs the element at x; writes its transcript's hash into hash[0..1]; false when the model answers it wrongly. */
  visit(x: Uint32Array, hash: Uint32Array): boolean;
  transcriptKey(x: Uint32Array): string;
  /** Many points visited at once, where the model allows (a batch of trails walked side by side). */
  readonly block?: WalkBlock;
}

/**
 * Points visited together, as `visit` would one by one: point e's transcript hash in hashes[2e], hashes[2e + 1] and
 * whether the model answers it rightly in right[e] (1 or 0). The points' runs are stepped as one batch, one
 * matrix-matrix product per layer a position (src/refute/kernels/batch-step.ts), so every state is the model's own.
 */
export interface WalkBlock {
  /** Most points of one call. */
  readonly width: number;
  visit(xs: readonly Uint32Array[], count: number, hashes: Uint32Array, right: Uint8Array): void;
}
