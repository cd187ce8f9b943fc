/**
 * The binary32 matrix-matrix product W V (+ bias) as WebAssembly SIMD: one matrix times a batch of vectors, each
 * column of V one batch entry (a search's many states stepped at once). Its bytes are written here by the encoder of
 * wasm-encode.ts (no toolchain), like the matrix-vector kernel's (f32-matvec-wasm.ts).
 *
 * Exactness. Per entry e and row r the semantics is Arith.matVec's: acc = 0, then for j = 0, 1, ... in order
 * acc = round(acc + round(w[r][j] * v_e[j])), then round(acc + bias[r]). f32.mul and f32.add are IEEE binary32,
 * rounded to nearest even, with subnormals and no fused multiply-add: each is the plain path's Math.fround(a * b) or
 * Math.fround(a + b). This kernel vectorises ACROSS BATCH ENTRIES, never inside one sum: lane l of accumulator k
 * of row r holds entry 16 b + 4 k + l, and every lane adds its own products in column order, the bias last. Signed
 * zeros and NaN as in the matrix-vector kernel: acc starts at +0 and is never -0, so a missing bias is a bias of +0;
 * a NaN stays NaN (its payload is never read: canonicalNaN).
 *
 * Layout in the instance's own memory: the weights by pairs of rows, column-major in a pair (each w[r][j] splat
 * to the four lanes as it is used);
 * the bias; the batch in blocks of 16 entries, column-major inside a block, 16 floats a column:
 * X[(b cols + j) 16 + i] = v_(16 b + i)[j] (entries past the batch are zeros or stale, and never read back); the
 * output as binary64, entry after entry: out[e stride + r] (rows padded to pairs), so that each entry's results are
 * one Float64Array the cells' gate functions read as they read a matrix-vector product's.
 */

import {
  compiledOnce,
  instanceWithMemory,
  addConst,
  countDown,
  END,
  F32X4_ADD,
  F32X4_EXTRACT_LANE,
  F32X4_MUL,
  F64_PROMOTE_F32,
  F64_STORE,
  get,
  I32,
  I32_ADD,
  I32_CONST,
  I32_SHL,
  LOOP,
  oneFunctionModule,
  set,
  u32,
  V128,
  V128_CONST,
  V128_LOAD,
  V128_LOAD32_SPLAT,
  VOID,
} from "./wasm-encode.js";

/** mm(w, x, bias, out, blocks, pairs, cols): byte addresses, blocks of 16 entries, pairs of rows > 0, cols > 0. */
type Mm = (w: number, x: number, bias: number, out: number, blocks: number, pairs: number, cols: number) => void;

/** Batch entries per block: four accumulators of four lanes a row. */
export const ENTRIES_PER_BLOCK = 16;
/**
 * Rows per iteration: two, so that each block column loaded is used by two rows (eight accumulators, four columns
 * and two weights in flight: 14 of x86's 16 vector registers). One row an iteration costs as many loads per product
 * as the matrix-vector kernel and is no faster than it.
 */
const ROWS_PER_STEP = 2;

// Parameters and locals of mm.
const W = 0;
const X = 1;
const B = 2;
const OUT = 3;
const BLOCKS = 4;
const PAIRS = 5;
const COLS = 6;
const RS = 7; // bytes from one entry's results to the next's: 2 pairs * 8
const XS = 8; // bytes of one block of the batch: cols * 64
const R = 9; // pairs of rows left
const J = 10; // columns left
const WP = 11; // address of w[2 p][j] (w[2 p + 1][j] follows it)
const XP = 12; // address of the block's column j
const XB = 13; // address of the block
const BP = 14; // address of bias[2 p]
const OP = 15; // address of the block's first entry's result 2 p
const OB = 16; // address of the block's first entry's results
const AP = 17; // address of one entry's result 2 p
const ACC = 18; // 18 .. 25: accumulator k of row i at ACC + 4 i + k
const XV = 26; // 26 .. 29: the block's column j, four lanes at a time
const S = 30; // 30, 31: the two rows' weights (or biases) in every lane

/** memarg: alignment 2^a (a hint), offset. */
const mem = (a: number, offset: number) => [a, ...u32(offset)];

function body(): number[] {
  const code: number[] = [];
  const zero = [...V128_CONST, ...new Array<number>(16).fill(0)];
  code.push(...get(PAIRS), I32_CONST, 4, I32_SHL, ...set(RS));
  code.push(...get(COLS), I32_CONST, 6, I32_SHL, ...set(XS));
  code.push(...get(X), ...set(XB), ...get(OUT), ...set(OB));
  code.push(LOOP, VOID); // one block of 16 entries per iteration
  code.push(...get(W), ...set(WP), ...get(B), ...set(BP), ...get(OB), ...set(OP), ...get(PAIRS), ...set(R));
  code.push(LOOP, VOID); // one pair of rows per iteration
  for (let a = 0; a < 4 * ROWS_PER_STEP; a++) code.push(...zero, ...set(ACC + a));
  code.push(...get(XB), ...set(XP), ...get(COLS), ...set(J));
  code.push(LOOP, VOID); // one column per iteration
  for (let i = 0; i < ROWS_PER_STEP; i++) code.push(...get(WP), ...V128_LOAD32_SPLAT, ...mem(2, 4 * i), ...set(S + i));
  for (let k = 0; k < 4; k++) code.push(...get(XP), ...V128_LOAD, ...mem(4, 16 * k), ...set(XV + k));
  for (let i = 0; i < ROWS_PER_STEP; i++)
    for (let k = 0; k < 4; k++)
      code.push(
        ...get(ACC + 4 * i + k),
        ...get(S + i),
        ...get(XV + k),
        ...F32X4_MUL,
        ...F32X4_ADD,
        ...set(ACC + 4 * i + k),
      );
  code.push(...addConst(WP, 4 * ROWS_PER_STEP), ...addConst(XP, 64));
  code.push(...countDown(J));
  // Bias last, then each lane widened to binary64 (exact) and stored at its entry's rows 2 p and 2 p + 1.
  for (let i = 0; i < ROWS_PER_STEP; i++) {
    code.push(...get(BP), ...V128_LOAD32_SPLAT, ...mem(2, 4 * i), ...set(S + i));
    for (let k = 0; k < 4; k++)
      code.push(...get(ACC + 4 * i + k), ...get(S + i), ...F32X4_ADD, ...set(ACC + 4 * i + k));
  }
  code.push(...get(OP), ...set(AP));
  for (let k = 0; k < 4; k++)
    for (let l = 0; l < 4; l++) {
      for (let i = 0; i < ROWS_PER_STEP; i++)
        code.push(
          ...get(AP),
          ...get(ACC + 4 * i + k),
          ...F32X4_EXTRACT_LANE,
          l,
          F64_PROMOTE_F32,
          F64_STORE,
          ...mem(3, 8 * i),
        );
      code.push(...get(AP), ...get(RS), I32_ADD, ...set(AP));
    }
  code.push(...addConst(OP, 8 * ROWS_PER_STEP), ...addConst(BP, 4 * ROWS_PER_STEP));
  code.push(...countDown(R));
  code.push(...get(XB), ...get(XS), I32_ADD, ...set(XB));
  code.push(...get(OB), ...get(RS), I32_CONST, 4, I32_SHL, I32_ADD, ...set(OB));
  code.push(...countDown(BLOCKS));
  code.push(END);
  const locals = [2, ...u32(11), I32, ...u32(14), V128];
  const fn = [...locals, ...code];
  return [...u32(fn.length), ...fn];
}

/** The module's bytes (exported for the test that checks they are the same from run to run and that they validate). */
export function f32MatMatModuleBytes(): Uint8Array {
  return oneFunctionModule("mm", 7, body());
}

const module = compiledOnce(f32MatMatModuleBytes);

/** True when this engine runs the kernel. */
export function f32MatMatAvailable(): boolean {
  return module() !== null;
}

/** A product of a fixed matrix (and bias) with a batch of up to `capacity` vectors. */
export interface MatMatKernel {
  /** Which code computes it: the WebAssembly kernel, or the format's plain Arith.matVec once per entry. */
  readonly kind: "wasm" | "plain";
  readonly capacity: number;
  /** Entry e's results: out[e stride + r], r < rows (stride >= rows, the kernel's padded rows). */
  readonly stride: number;
  /** The results, rewritten by every apply (read them, do not keep them past the next). */
  readonly out: Float64Array;
  /** Sets entry e's vector to v[vOffset .. vOffset + cols). */
  input(e: number, v: Float64Array, vOffset: number): void;
  /** out[e stride + r] = round(row r . v_e + bias[r]) for entries 0 .. count - 1. */
  apply(count: number): void;
}

/**
 * The kernel for a rows x cols row-major matrix w (binary32 values) and its bias (null: none), for batches of at
 * most `capacity` vectors, or null when the engine has no WebAssembly SIMD. The weights are copied.
 */
export function f32MatMatKernel(
  w: Float64Array,
  rows: number,
  cols: number,
  bias: Float64Array | null,
  capacity: number,
): MatMatKernel | null {
  const mod = module();
  if (mod === null || cols === 0 || rows === 0 || capacity <= 0) return null;
  const blocks = Math.ceil(capacity / ENTRIES_PER_BLOCK);
  const pairs = Math.ceil(rows / ROWS_PER_STEP);
  const stride = pairs * ROWS_PER_STEP; // rows padded with a zero row to pairs
  const up16 = (n: number) => Math.ceil(n / 16) * 16;
  // Byte addresses, each a multiple of 16.
  const wAt = 0;
  const bAt = wAt + up16(stride * cols * 4);
  const xAt = bAt + up16(stride * 4);
  const outAt = xAt + blocks * ENTRIES_PER_BLOCK * cols * 4;
  const bytes = outAt + blocks * ENTRIES_PER_BLOCK * stride * 8;
  const instance = instanceWithMemory(mod, bytes);
  if (instance === null) return null;
  const mm = instance.exports["mm"] as Mm;
  const f32 = new Float32Array(instance.buffer);
  // Each pair of rows column-major: W2[(p cols + j) 2 + i] = w[2 p + i][j] (a last odd row paired with zeros).
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < cols; j++) {
      const p = Math.floor(r / ROWS_PER_STEP);
      f32[wAt / 4 + (p * cols + j) * ROWS_PER_STEP + (r - p * ROWS_PER_STEP)] = w[r * cols + j]!;
    }
  for (let r = 0; r < rows; r++) f32[bAt / 4 + r] = bias === null ? 0 : bias[r]!;
  const x = f32.subarray(xAt / 4, outAt / 4);
  const out = new Float64Array(instance.buffer, outAt, capacity * stride);
  return {
    kind: "wasm",
    capacity,
    stride,
    out,
    input(e, v, vOffset) {
      if (!(e >= 0 && e < capacity && vOffset >= 0 && vOffset + cols <= v.length))
        throw new RangeError(`matMat: entry ${e} of ${capacity}, ${cols} columns (v ${v.length} at ${vOffset})`);
      const block = Math.floor(e / ENTRIES_PER_BLOCK);
      let at = block * cols * ENTRIES_PER_BLOCK + (e - block * ENTRIES_PER_BLOCK);
      for (let j = 0; j < cols; j++, at += ENTRIES_PER_BLOCK) x[at] = v[vOffset + j]!;
    },
    apply(count) {
      if (!(count > 0 && count <= capacity)) {
        if (count === 0) return;
        throw new RangeError(`matMat: ${count} entries, capacity ${capacity}`);
      }
      mm(wAt, xAt, bAt, outAt, Math.ceil(count / ENTRIES_PER_BLOCK), pairs, cols);
    },
  };
}
