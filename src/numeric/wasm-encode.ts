/**
 * The few pieces of the WebAssembly binary format that ccbound's kernels are written in (f32-matvec-wasm.ts,
 * f32-matmat-wasm.ts): LEB128 numbers, sections, names and the opcodes the kernels use, so that a module is built
 * from its source at run time with no toolchain. Opcodes are WebAssembly core 2.0's (SIMD merged in 2.0).
 */

/** Unsigned LEB128. */
export function u32(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (i32.const's immediate), for 0 <= n < 2^31. */
export function s32(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>>= 7;
    if (n === 0 && (b & 0x40) === 0) return [...out, b];
    out.push(b | 0x80);
  }
}

/** A section: id, then its byte length, then its bytes. */
export function section(id: number, bytes: number[]): number[] {
  return [id, ...u32(bytes.length), ...bytes];
}

export function name(s: string): number[] {
  return [...u32(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

export const I32 = 0x7f;
export const V128 = 0x7b;
export const LOOP = 0x03;
export const VOID = 0x40;
export const END = 0x0b;
export const BR_IF = 0x0d;
export const LOCAL_GET = 0x20;
export const LOCAL_SET = 0x21;
export const LOCAL_TEE = 0x22;
export const F32_LOAD = 0x2a;
export const F64_STORE = 0x39;
export const I32_CONST = 0x41;
export const I32_ADD = 0x6a;
export const I32_SUB = 0x6b;
export const I32_SHL = 0x74;
export const F64_PROMOTE_F32 = 0xbb;
const SIMD = 0xfd;
export const V128_LOAD = [SIMD, ...u32(0x00)];
export const V128_LOAD32_SPLAT = [SIMD, ...u32(0x09)];
export const V128_STORE = [SIMD, ...u32(0x0b)];
export const V128_CONST = [SIMD, ...u32(0x0c)];
export const I8X16_SHUFFLE = [SIMD, ...u32(0x0d)];
export const F32X4_SPLAT = [SIMD, ...u32(0x13)];
export const F32X4_EXTRACT_LANE = [SIMD, ...u32(0x1f)];
export const F64X2_PROMOTE_LOW = [SIMD, ...u32(0x5f)];
export const F32X4_ADD = [SIMD, ...u32(0xe4)];
export const F32X4_MUL = [SIMD, ...u32(0xe6)];

export const get = (i: number) => [LOCAL_GET, ...u32(i)];
export const set = (i: number) => [LOCAL_SET, ...u32(i)];
/** i += k, for a local i. */
export const addConst = (i: number, k: number) => [...get(i), I32_CONST, ...s32(k), I32_ADD, ...set(i)];
/** i -= 1, then loop again while i != 0: a do-while's end. */
export const countDown = (i: number) => [...get(i), I32_CONST, 1, I32_SUB, LOCAL_TEE, ...u32(i), BR_IF, 0, END];

/** The bytes of a module that imports its memory as m.mem and exports one function of `params` i32 parameters. */
export function oneFunctionModule(exportName: string, params: number, body: number[]): Uint8Array {
  const type = [1, 0x60, params, ...new Array<number>(params).fill(I32), 0];
  const imports = [1, ...name("m"), ...name("mem"), 0x02, 0x00, 1]; // memory, min 1 page, no max
  const functions = [1, 0];
  const exports = [1, ...name(exportName), 0x00, 0];
  const code = [1, ...body];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, type),
    ...section(2, imports),
    ...section(3, functions),
    ...section(7, exports),
    ...section(10, code),
  ]);
}

/** The few WebAssembly JS API members used (the project's TypeScript libraries do not declare them). */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}

export const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** A module compiled from `bytes` on first use, once; null where this engine has no WebAssembly or no SIMD. */
export function compiledOnce(bytes: () => Uint8Array): () => object | null {
  let compiled: object | null | undefined;
  return () => {
    if (compiled === undefined) {
      try {
        compiled = wasm === undefined ? null : new wasm.Module(bytes());
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
}

/**
 * An instance of `mod` with a memory of its own of at least `bytes` bytes, or null when the engine has no room for
 * another memory (each reserves address space, and many models can be alive at once): the caller's plain path then
 * computes the product, with the same bits.
 */
export function instanceWithMemory(
  mod: object,
  bytes: number,
): { readonly buffer: ArrayBuffer; readonly exports: Record<string, unknown> } | null {
  try {
    const memory = new wasm!.Memory({ initial: Math.ceil(bytes / 65536) });
    const instance = new wasm!.Instance(mod, { m: { mem: memory } });
    return { buffer: memory.buffer, exports: instance.exports };
  } catch {
    return null;
  }
}
