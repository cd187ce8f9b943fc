/**
 * A matrix times a batch of vectors, the matrix and bias fixed when a search prepares it: the WebAssembly SIMD
 * kernel for binary32 (f32-matmat-wasm.ts) where the engine has it and CCBOUND_KERNELS allows it, else the format's
 * plain Arith.matVec once per entry. Both give every entry Arith.matVec's bits (the kernel's header says why); the
 * plain path stays as the fallback and as the reference the tests hold the kernel to. The switch is the
 * matrix-vector kernels' (matvec-kernel.ts: plain, wasm, or auto for products of at least AUTO_MIN_ENTRIES entries).
 */
import type { Arith } from "./arith.js";
import { f32MatMatKernel, type MatMatKernel } from "./f32-matmat-wasm.js";
import { wantsF32Kernel } from "./matvec-kernel.js";

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
    if (kernel !== null) return kernel;
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
