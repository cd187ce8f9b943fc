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
}
