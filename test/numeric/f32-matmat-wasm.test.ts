/**
 * The binary32 WebAssembly SIMD matrix-matrix kernel against the plain Arith.matVec on every batch entry, bit for
 * bit (signed zeros included, NaN as NaN): random shapes whose rows and batch sizes are not multiples of 4 or 16,
 * capacities above the batch, every kind of binary32 value, with and without bias, at offsets; and its switch.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { arithFor, parseFormat } from "../../src/index.js";
import { f32MatMatAvailable, f32MatMatKernel, f32MatMatModuleBytes } from "../../src/numeric/f32-matmat-wasm.js";
import { matMatKernel, type MatMatKernel } from "../../src/numeric/matmat-kernel.js";

const SEED = 23;
const arith = arithFor(parseFormat("float32"));
const f32 = fc.oneof(
  fc.float(), // every binary32 value: NaN, ±Infinity, ±0, subnormals, the largest
  fc.float({ min: -4, max: 4, noNaN: true }),
  fc.float({ min: Math.fround(-1e-38), max: Math.fround(1e-38), noNaN: true }),
  fc.constantFrom(0, -0, Math.fround(3.4e38), Math.fround(-3.4e38)),
);

/** Whether two results have one value: the same bits, any NaN as one NaN (payloads are not part of the semantics). */
const same = (x: number, y: number) => Object.is(x, y) || (x !== x && y !== y);

const arbitraryProduct = fc
  .record({
    rows: fc.integer({ min: 1, max: 37 }),
    cols: fc.integer({ min: 1, max: 21 }),
    batch: fc.integer({ min: 1, max: 35 }),
    spare: fc.integer({ min: 0, max: 20 }),
  })
  .chain(({ rows, cols, batch, spare }) =>
    fc.record({
      rows: fc.constant(rows),
      cols: fc.constant(cols),
      batch: fc.constant(batch),
      capacity: fc.constant(batch + spare),
      w: fc.array(f32, { minLength: rows * cols, maxLength: rows * cols }),
      v: fc.array(f32, { minLength: batch * cols + 3, maxLength: batch * cols + 3 }),
      bias: fc.option(fc.array(f32, { minLength: rows, maxLength: rows }), { nil: null }),
      vOffset: fc.integer({ min: 0, max: 3 }),
    }),
  );

type MakeKernel = (
  w: Float64Array,
  rows: number,
  cols: number,
  bias: Float64Array | null,
  capacity: number,
) => MatMatKernel;

/** Runs the property on kernels `make` gives: every entry of every batch has the plain matVec's bits. */
function entriesAgreeing(make: MakeKernel): number {
  let entries = 0;
  fc.assert(
    fc.property(arbitraryProduct, ({ rows, cols, batch, capacity, w, v, bias, vOffset }) => {
      const W = Float64Array.from(w);
      const V = Float64Array.from(v);
      const B = bias === null ? null : Float64Array.from(bias);
      const kernel = make(W, rows, cols, B, capacity);
      // Fill every slot first with other vectors, then the batch: a slot's old vector must not leak.
      for (let e = 0; e < capacity; e++) kernel.input(e, V, (e * 7) % (V.length - cols + 1));
      kernel.apply(capacity);
      for (let e = 0; e < batch; e++) kernel.input(e, V, vOffset + e * cols);
      kernel.apply(batch);
      const plain = new Float64Array(rows);
      for (let e = 0; e < batch; e++) {
        arith.matVec(W, rows, cols, V, B, plain, 0, vOffset + e * cols);
        for (let r = 0; r < rows; r++) {
          const got = kernel.out[e * kernel.stride + r]!;
          if (!same(got, plain[r]!))
            throw new Error(`seed ${SEED} ${rows}x${cols} batch ${batch}: entry ${e} row ${r}: ${got} vs ${plain[r]}`);
        }
        entries++;
      }
    }),
    { numRuns: 300, seed: SEED },
  );
  return entries;
}

describe("f32 matMat kernel", () => {
  it("is available on this engine, and its module's bytes are the same every time and validate", () => {
    expect(f32MatMatAvailable()).toBe(true);
    const a = f32MatMatModuleBytes();
    expect(Array.from(f32MatMatModuleBytes())).toEqual(Array.from(a));
    expect(
      (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(a),
    ).toBe(true);
  });

  it("gives every entry the plain matVec's bits on random matrices, batches and biases", () => {
    expect(
      entriesAgreeing((W, rows, cols, B, capacity) => f32MatMatKernel(W, rows, cols, B, capacity)!),
    ).toBeGreaterThan(300);
  });

  it("keeps +0 where the plain path does: products of -0, and sums that cancel", () => {
    const W = Float64Array.from([-0, -0, 1, 1, -0, 2]);
    const k = f32MatMatKernel(W, 3, 2, null, 5)!;
    k.input(0, Float64Array.from([1, -1]), 0);
    k.input(1, Float64Array.from([-0, -0]), 0);
    k.apply(2);
    const zeros = (e: number) => Array.from(k.out.subarray(e * k.stride, e * k.stride + 3), (x) => Object.is(x, 0));
    expect([zeros(0), zeros(1)]).toEqual([
      [true, true, false],
      [true, true, true],
    ]);
  });

  it("refuses entries and vectors out of range", () => {
    const k = f32MatMatKernel(new Float64Array(6), 3, 2, null, 4)!;
    expect(() => k.input(4, new Float64Array(2), 0)).toThrow(RangeError);
    expect(() => k.input(0, new Float64Array(2), 1)).toThrow(RangeError);
    expect(() => k.apply(5)).toThrow(RangeError);
    expect(() => k.input(3, new Float64Array(2), 0)).not.toThrow();
  });
});

describe("the matMat switch (CCBOUND_KERNELS)", () => {
  const saved = process.env["CCBOUND_KERNELS"];
  afterEach(() => {
    if (saved === undefined) delete process.env["CCBOUND_KERNELS"];
    else process.env["CCBOUND_KERNELS"] = saved;
  });

  it("plain: the format's matVec per entry; wasm: the kernel for binary32; other formats always plain", () => {
    const w = Float64Array.from({ length: 12 }, (_, i) => i - 5.5);
    process.env["CCBOUND_KERNELS"] = "plain";
    expect(matMatKernel(arith, w, 3, 4, null, 8).kind).toBe("plain");
    process.env["CCBOUND_KERNELS"] = "wasm";
    expect(matMatKernel(arith, w, 3, 4, null, 8).kind).toBe("wasm");
    expect(matMatKernel(arithFor(parseFormat("float16")), w, 3, 4, null, 8).kind).toBe("plain");
    delete process.env["CCBOUND_KERNELS"];
    expect(matMatKernel(arith, w, 3, 4, null, 8).kind).toBe("plain"); // auto: too small to pay for the kernel
    expect(matMatKernel(arith, new Float64Array(256 * 64), 256, 64, null, 8).kind).toBe("wasm");
  });

  it("the kernel as searches get it (the block kernel, the matrix-vector one below 11 entries) gives the plain bits at every batch size", () => {
    process.env["CCBOUND_KERNELS"] = "wasm";
    expect(
      entriesAgreeing((W, rows, cols, B, capacity) => matMatKernel(arith, W, rows, cols, B, capacity)),
    ).toBeGreaterThan(300);
  });

  it("both paths give the same bits in another format's fallback and in binary32", () => {
    for (const format of ["float32", "bfloat16", "fixed:3.8"]) {
      const a = arithFor(parseFormat(format));
      const w = Float64Array.from({ length: 20 * 7 }, (_, i) => a.round(Math.sin(i) * 3));
      const b = Float64Array.from({ length: 20 }, (_, i) => a.round(Math.cos(i)));
      const v = Float64Array.from({ length: 7 * 9 }, (_, i) => a.round(Math.sin(3 * i + 1)));
      const outs = (["plain", "wasm"] as const).map((choice) => {
        process.env["CCBOUND_KERNELS"] = choice;
        const k = matMatKernel(a, w, 20, 7, b, 9);
        for (let e = 0; e < 9; e++) k.input(e, v, e * 7);
        k.apply(9);
        return Array.from({ length: 9 * 20 }, (_, i) => k.out[Math.floor(i / 20) * k.stride + (i % 20)]!);
      });
      const plain = new Float64Array(20);
      for (let e = 0; e < 9; e++) {
        a.matVec(w, 20, 7, v, b, plain, 0, e * 7);
        expect(outs[0]!.slice(e * 20, e * 20 + 20), `${format} entry ${e}`).toEqual(Array.from(plain));
      }
      expect(outs[1], format).toEqual(outs[0]);
    }
  });
});
