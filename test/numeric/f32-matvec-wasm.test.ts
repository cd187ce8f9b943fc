/**
 * The binary32 WebAssembly SIMD matrix-vector kernel against the plain Arith.matVec, bit for bit (signed zeros
 * included, NaN as NaN): random shapes across the 16-row blocks, every kind of binary32 value (NaN, infinities,
 * signed zeros, subnormals, overflowing products), with and without bias, at offsets; and the switch that picks it.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { arithFor, parseFormat } from "../../src/index.js";
import { f32MatVecAvailable, f32MatVecKernel, f32MatVecModuleBytes } from "../../src/numeric/f32-matvec-wasm.js";
import { kernelChoice, matVecKernel } from "../../src/numeric/matvec-kernel.js";

const arith = arithFor(parseFormat("float32"));
const f32 = fc.oneof(
  fc.float(), // every binary32 value: NaN, ±Infinity, ±0, subnormals, the largest
  fc.float({ min: -4, max: 4, noNaN: true }),
  fc.float({ min: Math.fround(-1e-38), max: Math.fround(1e-38), noNaN: true }),
  fc.constantFrom(0, -0, Math.fround(3.4e38), Math.fround(-3.4e38)),
);

/** Bits of a result, NaN as one value (payloads are not part of the semantics). */
const same = (a: Float64Array, b: Float64Array) =>
  Array.from(a, (x, i) => Object.is(x, b[i]) || (x !== x && b[i] !== b[i]));

describe("f32 matVec kernel", () => {
  it("is available on this engine (Node 20 has WebAssembly SIMD)", () => {
    expect(f32MatVecAvailable()).toBe(true);
  });

  it("its module's bytes are the same every time and validate", () => {
    const a = f32MatVecModuleBytes();
    expect(Array.from(f32MatVecModuleBytes())).toEqual(Array.from(a));
    expect(
      (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(a),
    ).toBe(true);
  });

  it("gives the plain path's bits on random matrices, vectors and biases", () => {
    const shape = fc.record({ rows: fc.integer({ min: 1, max: 40 }), cols: fc.integer({ min: 1, max: 24 }) });
    fc.assert(
      fc.property(
        shape.chain(({ rows, cols }) =>
          fc.record({
            rows: fc.constant(rows),
            cols: fc.constant(cols),
            w: fc.array(f32, { minLength: rows * cols, maxLength: rows * cols }),
            v: fc.array(f32, { minLength: cols + 3, maxLength: cols + 3 }),
            bias: fc.option(fc.array(f32, { minLength: rows, maxLength: rows }), { nil: null }),
            vOffset: fc.integer({ min: 0, max: 3 }),
          }),
        ),
        ({ rows, cols, w, v, bias, vOffset }) => {
          const W = Float64Array.from(w);
          const V = Float64Array.from(v);
          const B = bias === null ? null : Float64Array.from(bias);
          const plain = new Float64Array(rows);
          arith.matVec(W, rows, cols, V, B, plain, 0, vOffset);
          const kernel = f32MatVecKernel(W, rows, cols, B)!;
          kernel.apply(V, vOffset);
          const simd = kernel.out;
          expect(same(simd, plain).every(Boolean), `${simd.join()} vs ${plain.join()}`).toBe(true);
        },
      ),
      { numRuns: 400, seed: 17 },
    );
  });

  it("keeps +0 where the plain path does: products of -0, and sums that cancel", () => {
    const W = Float64Array.from([-0, -0, 1, 1, -0, 2]);
    const V = Float64Array.from([1, -1]);
    const plain = new Float64Array(3);
    arith.matVec(W, 3, 2, V, null, plain, 0, 0);
    const kernel = f32MatVecKernel(W, 3, 2, null)!;
    kernel.apply(V, 0);
    const simd = kernel.out;
    expect(Array.from(simd, (x) => Object.is(x, 0))).toEqual([true, true, false]);
    expect(same(simd, plain)).toEqual([true, true, true]);
  });

  it("refuses a vector out of range, as matVec does", () => {
    const k = f32MatVecKernel(new Float64Array(6), 3, 2, null)!;
    expect(() => k.apply(new Float64Array(2), 1)).toThrow(RangeError);
    expect(() => k.apply(new Float64Array(1), 0)).toThrow(RangeError);
    expect(() => k.apply(new Float64Array(2), 0)).not.toThrow();
  });

  it("keeps its results apart from other kernels' and rewrites them on every apply", () => {
    const a = f32MatVecKernel(Float64Array.from([1, 2]), 1, 2, null)!;
    const b = f32MatVecKernel(Float64Array.from([3, 4]), 1, 2, null)!;
    a.apply(Float64Array.from([1, 1]), 0);
    b.apply(Float64Array.from([1, 1]), 0);
    expect([a.out[0], b.out[0]]).toEqual([3, 7]);
    a.apply(Float64Array.from([2, 0]), 0);
    expect([a.out[0], b.out[0]]).toEqual([2, 7]);
  });
});

describe("the kernel switch (CCBOUND_KERNELS)", () => {
  const saved = process.env["CCBOUND_KERNELS"];
  afterEach(() => {
    if (saved === undefined) delete process.env["CCBOUND_KERNELS"];
    else process.env["CCBOUND_KERNELS"] = saved;
  });
  const w = new Float64Array(4).fill(1);

  it("plain never uses the kernel, wasm uses it for any binary32 product, auto only for large ones", () => {
    process.env["CCBOUND_KERNELS"] = "plain";
    expect(kernelChoice()).toBe("plain");
    const plain = matVecKernel(arith, new Float64Array(1024), 32, 32, null);
    process.env["CCBOUND_KERNELS"] = "wasm";
    const forced = matVecKernel(arith, w, 2, 2, null);
    delete process.env["CCBOUND_KERNELS"];
    expect(kernelChoice()).toBe("auto");
    const small = matVecKernel(arith, w, 2, 2, null);
    const large = matVecKernel(arith, new Float64Array(1024), 32, 32, null);
    const other = matVecKernel(arithFor(parseFormat("float64")), new Float64Array(1024), 32, 32, null);
    expect([plain, forced, small, large, other].map((k) => k.kind)).toEqual([
      "plain",
      "wasm",
      "plain",
      "wasm",
      "plain",
    ]);
  });

  it("refuses an unknown value", () => {
    process.env["CCBOUND_KERNELS"] = "fast";
    expect(() => kernelChoice()).toThrow(/auto, plain or wasm/);
  });
});
