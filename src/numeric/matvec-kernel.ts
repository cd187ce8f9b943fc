/**
 * A matrix-vector product whose matrix and bias are fixed when a model is compiled: the WebAssembly SIMD kernel for
 * binary32 (f32-matvec-wasm.ts) where the engine has it, else the format's plain Arith.matVec. Both give the same
 * bits (the kernel's header says why); the plain path stays, as the fallback and as the reference the tests hold
 * the kernel to.
 *
 * The switch: CCBOUND_KERNELS=plain (never the kernel), =wasm (the kernel for every binary32 product, however small:
 * what the tests set to run the kernel on small models), unset or =auto (the kernel for binary32 products of at
 * least AUTO_MIN_ENTRIES entries, where it is faster). It is read when a product is prepared, that is when a model
 * is compiled.
 */
import type { Arith } from "./arith.js";
import type { IeeeFormat } from "./ieee.js";
import { f32MatVecKernel, type MatVecKernel } from "./f32-matvec-wasm.js";

export type { MatVecKernel } from "./f32-matvec-wasm.js";

export type KernelChoice = "auto" | "plain" | "wasm";

/** Below this many matrix entries the plain loop is about as fast, and the kernel's memory (64 KiB) is not paid. */
const AUTO_MIN_ENTRIES = 256;

/** The choice in force: CCBOUND_KERNELS, "auto" when unset. */
export function kernelChoice(): KernelChoice {
  const v = typeof process === "undefined" ? undefined : process.env["CCBOUND_KERNELS"];
  if (v === undefined || v === "" || v === "auto") return "auto";
  if (v === "plain" || v === "wasm") return v;
  throw new RangeError(`CCBOUND_KERNELS must be auto, plain or wasm, not ${JSON.stringify(v)}`);
}

function isBinary32(arith: Arith): boolean {
  const f = arith.format as Partial<IeeeFormat>;
  return f.kind === "ieee" && f.exponentBits === 8 && f.mantissaBits === 23;
}

/** Whether a rows x cols product in this format goes to a WebAssembly kernel (the switch above decides). */
export function wantsF32Kernel(arith: Arith, rows: number, cols: number): boolean {
  const choice = kernelChoice();
  return isBinary32(arith) && (choice === "wasm" || (choice === "auto" && rows * cols >= AUTO_MIN_ENTRIES));
}

/**
 * kernel.out[r] = round(dotRow(r) + bias[r]) (no add when bias is null), reading v from vOffset: Arith.matVec
 * with w, rows, cols and bias fixed, into the kernel's own output. w and bias must not change afterwards (the kernel keeps a copy).
 */
export function matVecKernel(
  arith: Arith,
  w: Float64Array,
  rows: number,
  cols: number,
  bias: Float64Array | null,
): MatVecKernel {
  if (wantsF32Kernel(arith, rows, cols)) {
    if (!(rows >= 0 && cols >= 0 && rows * cols <= w.length && (bias === null || rows <= bias.length)))
      throw new RangeError(`matVec: ${rows}x${cols} out of range (w ${w.length}, bias ${bias?.length ?? "none"})`);
    const kernel = f32MatVecKernel(w, rows, cols, bias);
    if (kernel !== null) return kernel;
  }
  const out = new Float64Array(rows);
  return {
    kind: "plain",
    out,
    apply(v, vOffset) {
      arith.matVec(w, rows, cols, v, bias, out, 0, vOffset);
    },
  };
}
