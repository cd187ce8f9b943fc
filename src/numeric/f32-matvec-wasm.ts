/**
 * The binary32 matrix-vector product as WebAssembly SIMD, its bytes written here by a small encoder of the dozen
 * opcodes it needs (no toolchain: the module is built from this source at run time, once per process).
 *
 * Exactness. The semantics (docs/semantics.md, Arith.matVec) is, per row r: acc = 0, then for j = 0, 1, ... in order
 * acc = round(acc + round(w[r][j] * v[j])), then round(acc + bias[r]). WebAssembly's f32.mul and f32.add are IEEE
 * binary32 operations rounded to nearest, ties to even, with subnormals (no flush to zero) and no fused multiply-add,
 * so each is exactly the plain path's Math.fround(a * b) and Math.fround(a + b) of two binary32 values. The kernel
 * vectorises ACROSS ROWS: lane l of accumulator k holds row 16 b + 4 k + l, and every lane adds its own products in
 * column order, so no sum is reordered. Signed zeros: acc starts at +0 and an exact zero sum rounds to +0, so acc is
 * never -0, as in the plain path (for the same reason adding a bias of +0 changes nothing, which is how a product
 * without bias is computed). NaN: a NaN in, NaN out, as in the plain path; only its payload may differ, and ccbound
 * never reads payloads (canonicalNaN writes one NaN before hashing).
 *
 * Layout in the instance's own memory (one instance per matrix, so it is collected with the model): the weights in
 * blocks of 16 rows (rows padded with zeros to a multiple of 16), column-major inside a block, 16 floats per column:
 * W4[(b cols + j) 16 + l] = w[16 b + l][j]; then the bias (padded), the input vector, and the output as binary64.
 */

import {
  compiledOnce,
  instanceWithMemory,
  addConst,
  END,
  F32_LOAD,
  F32X4_ADD,
  F32X4_MUL,
  F32X4_SPLAT,
  F64X2_PROMOTE_LOW,
  get,
  I32,
  I32_CONST,
  I32_SUB,
  I8X16_SHUFFLE,
  BR_IF,
  LOCAL_TEE,
  LOOP,
  oneFunctionModule,
  set,
  u32,
  V128,
  V128_CONST,
  V128_LOAD,
  V128_STORE,
  VOID,
} from "./wasm-encode.js";

/**
 * The exported function: mv(w, v, bias, out, blocks, cols), byte addresses, blocks of 16 rows, cols > 0; out is
 * written as binary64 (exactly the binary32 results), so JavaScript reads it as a Float64Array without a copy.
 */
type Mv = (w: number, v: number, bias: number, out: number, blocks: number, cols: number) => void;

const ROWS_PER_BLOCK = 16;

/** The shuffle's lane bytes that bring bytes 8-15 (float lanes 2 and 3) down to the low half. */
const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];

// Parameters and locals of mv.
const W = 0;
const V = 1;
const B = 2;
const OUT = 3;
const BLOCKS = 4;
const COLS = 5;
const J = 6; // columns left
const VP = 7; // address of v[j]
const ACC = 8; // 8, 9, 10, 11: the four accumulators of a block
const S = 12; // v[j] in every lane

/** memarg: alignment 2^4 (a hint), offset. */
const mem16 = (offset: number) => [4, ...u32(offset)];

function body(): number[] {
  const code: number[] = [];
  const zero = [...V128_CONST, ...new Array<number>(16).fill(0)];
  code.push(LOOP, VOID); // one block of 16 rows per iteration
  for (let k = 0; k < 4; k++) code.push(...zero, ...set(ACC + k));
  code.push(...get(V), ...set(VP), ...get(COLS), ...set(J));
  code.push(LOOP, VOID); // one column per iteration
  code.push(...get(VP), F32_LOAD, 2, 0, ...F32X4_SPLAT, ...set(S));
  for (let k = 0; k < 4; k++)
    code.push(...get(ACC + k), ...get(W), ...V128_LOAD, ...mem16(16 * k), ...get(S), ...F32X4_MUL, ...F32X4_ADD);
  // The four sums were pushed in order; store them back last first.
  for (let k = 3; k >= 0; k--) code.push(...set(ACC + k));
  code.push(...addConst(W, 64), ...addConst(VP, 4));
  code.push(...get(J), I32_CONST, 1, I32_SUB, LOCAL_TEE, ...u32(J), BR_IF, 0, END);
  // Bias last; then the 16 outputs of the block widened to binary64 (exact), lanes 0-1 then 2-3 of each sum.
  for (let k = 0; k < 4; k++)
    code.push(...get(ACC + k), ...get(B), ...V128_LOAD, ...mem16(16 * k), ...F32X4_ADD, ...set(ACC + k));
  for (let k = 0; k < 4; k++) {
    code.push(...get(OUT), ...get(ACC + k), ...F64X2_PROMOTE_LOW, ...V128_STORE, ...mem16(32 * k));
    code.push(...get(OUT), ...get(ACC + k), ...get(ACC + k), ...I8X16_SHUFFLE, ...HIGH_HALF, ...F64X2_PROMOTE_LOW);
    code.push(...V128_STORE, ...mem16(32 * k + 16));
  }
  code.push(...addConst(OUT, 128), ...addConst(B, 64));
  code.push(...get(BLOCKS), I32_CONST, 1, I32_SUB, LOCAL_TEE, ...u32(BLOCKS), BR_IF, 0, END);
  code.push(END);
  const locals = [2, ...u32(2), I32, ...u32(5), V128];
  const fn = [...locals, ...code];
  return [...u32(fn.length), ...fn];
}

/** The module's bytes (exported for the test that checks they are the same from run to run and that they validate). */
export function f32MatVecModuleBytes(): Uint8Array {
  return oneFunctionModule("mv", 6, body());
}

const module = compiledOnce(f32MatVecModuleBytes);

/** True when this engine runs the kernel. */
export function f32MatVecAvailable(): boolean {
  return module() !== null;
}

/** A binary32 matrix-vector product with its matrix and bias fixed: out[outOffset + r] = the row's sum + bias[r]. */
export interface MatVecKernel {
  /** Which code computes it: the WebAssembly kernel, or the format's plain Arith.matVec. */
  readonly kind: "wasm" | "plain";
  /** The rows results, rewritten by every apply (the kernel's own memory: read it, do not keep it past the next). */
  readonly out: Float64Array;
  /** out[r] = round(row r . v[vOffset ..] + bias[r]) for every row. */
  apply(v: Float64Array, vOffset: number): void;
}

/**
 * The kernel for a rows x cols row-major matrix w (binary32 values) and its bias (null: none), or null when the
 * engine has no WebAssembly SIMD. The weights are copied: later changes to w are not seen.
 */
export function f32MatVecKernel(
  w: Float64Array,
  rows: number,
  cols: number,
  bias: Float64Array | null,
): MatVecKernel | null {
  const mod = module();
  if (mod === null || cols === 0 || rows === 0) return null;
  const blocks = Math.ceil(rows / ROWS_PER_BLOCK);
  const padded = blocks * ROWS_PER_BLOCK;
  // Byte addresses, each a multiple of 16.
  const wAt = 0;
  const bAt = wAt + padded * cols * 4;
  const vAt = bAt + padded * 4;
  const outAt = vAt + Math.ceil(cols / 4) * 16;
  const bytes = outAt + padded * 8;
  const instance = instanceWithMemory(mod, bytes);
  if (instance === null) return null;
  const mv = instance.exports["mv"] as Mv;
  const f32 = new Float32Array(instance.buffer);
  for (let b = 0; b < blocks; b++)
    for (let j = 0; j < cols; j++)
      for (let l = 0; l < ROWS_PER_BLOCK; l++) {
        const r = b * ROWS_PER_BLOCK + l;
        f32[wAt / 4 + (b * cols + j) * ROWS_PER_BLOCK + l] = r < rows ? w[r * cols + j]! : 0;
      }
  // No bias is a bias of +0: acc is never -0 (above), so acc + 0 = acc, NaN included.
  for (let r = 0; r < rows; r++) f32[bAt / 4 + r] = bias === null ? 0 : bias[r]!;
  const vIn = f32.subarray(vAt / 4, vAt / 4 + cols);
  const out = new Float64Array(instance.buffer, outAt, rows);
  return {
    kind: "wasm",
    out,
    apply(v, vOffset) {
      if (!(vOffset >= 0 && vOffset + cols <= v.length))
        throw new RangeError(`matVec: ${rows}x${cols} out of range (v ${v.length} at ${vOffset})`);
      for (let j = 0; j < cols; j++) vIn[j] = v[vOffset + j]!;
      mv(wAt, vAt, bAt, outAt, blocks, cols);
    },
  };
}
