/**
 * A matrix times a batch of vectors, the matrix and bias fixed when a search prepares it: the WebAssembly SIMD
 * kernel for binary32 (f32-matmat-wasm.ts) where the engine has it and CCBOUND_KERNELS allows it, else the format's
 * plain Arith.matVec once per entry. Both give every entry Arith.matVec's bits (the kernel's header says why); the
 * plain path stays as the fallback and as the reference the tests hold the kernel to. The switch is the
 * matrix-vector kernels' (matvec-kernel.ts: plain, wasm, or auto for products of at least AUTO_MIN_ENTRIES entries).
 */
import type { Arith } from "./arith.js";
import { f32MatMatKernel, type MatMatKernel } from "./f32-matmat-wasm.js";
import { f32MatVecKernel, type MatVecKernel } from "./f32-matvec-wasm.js";
import { wantsF32Kernel } from "./matvec-kernel.js";

/**
 * Fewest entries the WebAssembly block kernel is given: it computes a whole block of 16 entries whatever the count,
 * so fewer go through the matrix-vector kernel one by one. Measured at 256x64 (`bench/batch-search.ts` sizes): a
 * block about 17-21 us, one matrix-vector product about 1.8 us.
 */
const BLOCK_LEAST = 11;

export type { MatMatKernel } from "./f32-matmat-wasm.js";

/** Arith.matVec with w, rows, cols and bias fixed, for batches of up to `capacity` vectors (see MatMatKernel). */
export function matMatKernel(
  arith: Arith,
  w: Float64Array,
  rows: number,
  cols: number,
  bias: Float64Array | null,
  capacity: number,
): MatMatKernel {
  if (!(rows >= 0 && cols >= 0 && rows * cols <= w.length && (bias === null || rows <= bias.length) && capacity > 0))
    throw new RangeError(`matMat: ${rows}x${cols} out of range (w ${w.length}, bias ${bias?.length ?? "none"})`);
  if (wantsF32Kernel(arith, rows, cols)) {
    const kernel = f32MatMatKernel(w, rows, cols, bias, capacity);
    const single = kernel && f32MatVecKernel(w, rows, cols, bias);
    if (kernel !== null) return single ? withFewEntries(kernel, single, rows, cols) : kernel;
  }
  const staged = new Float64Array(capacity * cols);
  const out = new Float64Array(capacity * rows);
  return {
    kind: "plain",
    capacity,
    stride: rows,
    out,
    input(e, v, vOffset) {
      if (!(e >= 0 && e < capacity && vOffset >= 0 && vOffset + cols <= v.length))
        throw new RangeError(`matMat: entry ${e} of ${capacity}, ${cols} columns (v ${v.length} at ${vOffset})`);
      for (let j = 0; j < cols; j++) staged[e * cols + j] = v[vOffset + j]!;
    },
    apply(count) {
      if (!(count >= 0 && count <= capacity)) throw new RangeError(`matMat: ${count} entries, capacity ${capacity}`);
      for (let e = 0; e < count; e++) arith.matVec(w, rows, cols, staged, bias, out, e * rows, e * cols);
    },
  };
}

/**
 * The block kernel for BLOCK_LEAST entries and more, the matrix-vector kernel once per entry below: both give each
 * entry Arith.matVec's bits, so which one ran does not show in `out`.
 */
function withFewEntries(block: MatMatKernel, single: MatVecKernel, rows: number, cols: number): MatMatKernel {
  const staged = new Float64Array(block.capacity * cols);
  const { out, stride } = block;
  return {
    kind: block.kind,
    capacity: block.capacity,
    stride,
    out,
    input(e, v, vOffset) {
      block.input(e, v, vOffset); // checks the range
      for (let j = 0; j < cols; j++) staged[e * cols + j] = v[vOffset + j]!;
    },
    apply(count) {
      if (count >= BLOCK_LEAST || !(count >= 0 && count <= block.capacity)) return block.apply(count);
      for (let e = 0; e < count; e++) {
        single.apply(staged, e * cols);
        for (let r = 0; r < rows; r++) out[e * stride + r] = single.out[r]!;
      }
    },
  };
}
