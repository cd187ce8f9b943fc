/**
 * The two ways the library computes binary32 matrix-vector products (src/numeric/matvec-kernel.ts): the tests that
 * compile models run under both, so the conformance vectors and the forward-pass properties hold the WebAssembly
 * kernel and its plain fallback to the same bits.
 */
export const KERNELS = ["plain", "wasm"] as const;

/** fn's result with CCBOUND_KERNELS set to `kernel` while it runs (models compiled inside use that path). */
export function withKernel<T>(kernel: (typeof KERNELS)[number], fn: () => T): T {
  const saved = process.env["CCBOUND_KERNELS"];
  process.env["CCBOUND_KERNELS"] = kernel;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env["CCBOUND_KERNELS"];
    else process.env["CCBOUND_KERNELS"] = saved;
  }
}
