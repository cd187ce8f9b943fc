import type { AttentionHead, Matrix, TransformerModelSpec } from "../models/spec.js";

/**
 * Named blocks of coordinates, so a construction reads like the paper's block vectors ([ρ(s), 0_k, T(i)] and so on)
 * rather than index arithmetic.
 */
export interface Block {
  readonly start: number;
  readonly size: number;
}

export class Layout {
  private used = 0;

  /** The next `size` coordinates. */
  block(size: number): Block {
    const b = { start: this.used, size };
    this.used += size;
    return b;
  }

  get width(): number {
    return this.used;
  }
}

export function zeros(rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
}

export function zeroVector(n: number): number[] {
  return new Array<number>(n).fill(0);
}

/** M[rows.start + i][cols.start + i] = scale for i < min(sizes): a (scaled) identity between two blocks. */
export function identity(M: Matrix, rows: Block, cols: Block, scale = 1): void {
  for (let i = 0; i < Math.min(rows.size, cols.size); i++) M[rows.start + i]![cols.start + i] = scale;
}

/** Write `values` into a row vector at a block. */
export function put(row: number[], at: Block, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) row[at.start + i] = values[i]!;
}

/** A head of width m over d coordinates with every weight 0: constructions set the few that matter. */
export function emptyHead(m: number, d: number): AttentionHead {
  return { query: zeros(m, d), key: zeros(m, d), value: zeros(m, d) };
}

/** The b binary digits of x, least significant first (ρ of a symbol, the digits behind ±1 codes). */
export function digits(x: number, b: number): number[] {
  return Array.from({ length: b }, (_, j) => Math.floor(x / 2 ** j) % 2);
}

/** The smallest I with every value of magnitude <= bound inside fixed:I.F's range [-2^I, 2^I - 2^-F]. */
export function intBitsFor(bound: number): number {
  return Math.max(0, Math.ceil(Math.log2(bound + 1)));
}

/** The fields every construction sets alike: a model file, version 1, of a non-causal Transformer. */
export function transformerFile(
  parts: Omit<TransformerModelSpec, "ccbound" | "version" | "arch" | "causal">,
): TransformerModelSpec {
  return { ccbound: "model", version: 1, ...parts, arch: "transformer", causal: false };
}
