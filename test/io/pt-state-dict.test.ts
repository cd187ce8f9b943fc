/**
 * From a torch.save archive to the tensor map: the whitelist of globals and calls, the persistent ids of storages,
 * strided views read element by element against a direct computation, dtypes and byte order, and every check on
 * what the pickle claims about its storages. Archives are built in memory (pt-build.ts), one claim broken at a time.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PT_LIMITS, type PtLimits } from "../../src/io/pt/limits.js";
import { parsePt } from "../../src/io/pt/read.js";
import { TensorReader } from "../../src/io/tensor-reader.js";
import { errorOf } from "./expect-error.js";
import { contiguous, Pickle, ptBytes, stateDictPickle, type TensorSpec } from "./pt-build.js";

const read = (tensors: TensorSpec[], options: Parameters<typeof ptBytes>[1] = {}, limits: PtLimits = PT_LIMITS) =>
  parsePt(ptBytes(tensors, options), "m.pt", limits);
const fails = (tensors: TensorSpec[], options: Parameters<typeof ptBytes>[1] = {}, limits: PtLimits = PT_LIMITS) =>
  errorOf(() => read(tensors, options, limits));
const values = (name: string, file: ReturnType<typeof read>) => Array.from(file.tensors.get(name)!.values!);
const iota = (n: number) => Array.from({ length: n }, (_, i) => i + 0.5);

/** One _rebuild_tensor_v2 call on storage "0" of n floats, size (n,), without the memo torch.save would use. */
function tensorPickle(n: number): Pickle {
  const p = new Pickle().global("torch._utils", "_rebuild_tensor_v2").mark();
  p.mark().str("storage").global("torch", "FloatStorage").str("0").str("cpu").int(n).tuple().op("Q");
  p.int(0).mark().int(n).tuple().mark().int(1).tuple().op(0x89);
  return p.global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce();
}

describe("tensors as torch.save writes them", () => {
  it("contiguous tensors of every rank, in the state dict's order", () => {
    const file = read([
      { name: "b", key: "0", values: [2.5, -1], size: [2] },
      { name: "a.weight", key: "1", values: iota(6), size: [2, 3] },
      { name: "scalar", key: "2", values: [7], size: [] },
      { name: "empty", key: "3", values: [], size: [0, 4] },
      { name: "cube", key: "4", values: iota(8), size: [2, 2, 2] },
    ]);
    expect([...file.tensors.keys()]).toEqual(["b", "a.weight", "scalar", "empty", "cube"]);
    expect(file.tensors.get("a.weight")).toMatchObject({ dtype: "F32", shape: [2, 3] });
    expect(values("a.weight", file)).toEqual(iota(6));
    expect(values("scalar", file)).toEqual([7]);
    expect(file.tensors.get("empty")!.shape).toEqual([0, 4]);
    expect(values("empty", file)).toEqual([]);
    expect(values("cube", file)).toEqual(iota(8));
    expect(file.metadata).toEqual({});
  });

  it("any strided view reads what indexing the storage directly reads", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 3 }),
        (size, strides, offset, spare) => {
          const stride = size.map((_, k) => strides[k]!);
          let last = offset;
          size.forEach((d, k) => (last += (d - 1) * stride[k]!));
          const storage = iota(last + 1 + spare);
          const file = read([{ name: "t", key: "0", values: storage, offset, size, stride }]);
          const want: number[] = [];
          const walk = (k: number, at: number): void => {
            if (k === size.length) want.push(storage[at]!);
            else for (let i = 0; i < size[k]!; i++) walk(k + 1, at + i * stride[k]!);
          };
          walk(0, offset);
          expect(values("t", file)).toEqual(want);
        },
      ),
      { seed: 15, numRuns: 300 },
    );
  });

  it("a transposed view, and two tensors sharing one storage (a tied weight)", () => {
    const file = read([
      { name: "w", key: "0", values: [1, 2, 3, 4, 5, 6], size: [3, 2], stride: [1, 3] },
      { name: "tied", key: "0", numel: 6, size: [2, 3] },
    ]);
    expect(values("w", file)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(values("tied", file)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("float64, float16 and bfloat16 are decoded exactly; big-endian files when byteorder says so", () => {
    const file = read([
      { name: "d", key: "0", type: "DoubleStorage", values: [0.1, -1e300], size: [2] },
      { name: "h", key: "1", type: "HalfStorage", values: [0x3c00, 0xc000, 0x0001, 0x7bff], size: [4] },
      { name: "bf", key: "2", type: "BFloat16Storage", values: [0x3f80, 0x4049], size: [2] },
    ]);
    expect(values("d", file)).toEqual([0.1, -1e300]);
    expect(values("h", file)).toEqual([1, -2, 2 ** -24, 65504]);
    expect(values("bf", file)).toEqual([1, 3.140625]);
    const big = read([{ name: "d", key: "0", type: "DoubleStorage", values: [0.1, 3], size: [2] }], {
      littleEndian: false,
      extra: [{ name: "archive/byteorder", data: Buffer.from("big") }],
    });
    expect(values("d", big)).toEqual([0.1, 3]);
    const little = [{ name: "archive/byteorder", data: Buffer.from("little") }];
    expect(
      values("d", read([{ name: "d", key: "0", type: "DoubleStorage", values: [5], size: [1] }], { extra: little })),
    ).toEqual([5]);
  });

  it("integer and boolean buffers are read as size-checked tensors without values, and are no weights", () => {
    const file = read([
      { name: "bn.num_batches_tracked", key: "0", type: "LongStorage", values: [3], size: [] },
      { name: "attn.bias", key: "1", type: "BoolStorage", values: [1, 0, 1, 1], size: [1, 1, 2, 2] },
    ]);
    expect(file.tensors.get("bn.num_batches_tracked")).toMatchObject({ dtype: "I64", shape: [], values: undefined });
    expect(file.tensors.get("attn.bias")).toMatchObject({ dtype: "BOOL", shape: [1, 1, 2, 2], values: undefined });
    expect(errorOf(() => new TensorReader(file, "m.pt").get("attn.bias")).message).toMatch(
      /has dtype BOOL; weights must be/,
    );
  });

  it("a state dict of nn.Parameters (keep_vars=True), and an OrderedDict built by NEWOBJ", () => {
    const tensor = tensorPickle(2);
    const p = new Pickle().proto(2).global("collections", "OrderedDict").emptyTuple().op(0x81).str("p");
    p.global("torch._utils", "_rebuild_parameter").mark().raw(tensor.bytes()).op(0x88);
    p.global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce().op("s").stop();
    const file = read([{ name: "unused", key: "0", values: [4, 5], size: [2] }], { pickle: p.bytes() });
    expect(values("p", file)).toEqual([4, 5]);
  });
});

describe("refused: what a state dict never holds", () => {
  const p = () => new Pickle().proto(2);
  const cases: [string, Uint8Array, RegExp, string][] = [
    ["os.system", p().global("os", "system").str("x").op(0x85).reduce().stop().bytes(), /the global "os\.system" \(at byte 2 of archive\/data\.pkl\)/, "refused-pickle"],
    ["builtins.getattr via STACK_GLOBAL", p().shortStr("builtins").shortStr("getattr").op(0x93).stop().bytes(), /the global "builtins\.getattr" \(at byte 21/, "refused-pickle"],
    ["torch.load's own loader", p().global("torch", "load").stop().bytes(), /the global "torch\.load"/, "refused-pickle"],
    ["a tensor subclass rebuild", p().global("torch._tensor", "_rebuild_from_type_v2").stop().bytes(), /"torch\._tensor\._rebuild_from_type_v2"/, "refused-pickle"],
    ["REDUCE on a storage class", p().global("torch", "FloatStorage").emptyTuple().reduce().stop().bytes(), /REDUCE at byte 23 of archive\/data\.pkl calls a torch\.FloatStorage/, "refused-pickle"],
    ["REDUCE on a dtype", p().global("torch", "float32").emptyTuple().reduce().stop().bytes(), /calls a torch\.dtype/, "refused-pickle"],
    ["REDUCE on a string", p().str("os.system").emptyTuple().reduce().stop().bytes(), /calls a str/, "refused-pickle"],
    ["NEWOBJ of a rebuild function", p().global("torch._utils", "_rebuild_tensor_v2").emptyTuple().op(0x81).stop().bytes(), /NEWOBJ at byte \d+ .* makes a torch\._utils\._rebuild_tensor_v2/, "refused-pickle"],
    ["BUILD on a list", p().op("]").op("}").op("b").stop().bytes(), /BUILD at byte 4 of archive\/data\.pkl sets the state of a list/, "refused-pickle"],
    ["OrderedDict with arguments", p().global("collections", "OrderedDict").mark().op("]").tuple().reduce().stop().bytes(), /builds an OrderedDict from arguments/, "refused-pickle"],
    ["a persistent id that is not a storage", p().str("module").op("Q").stop().bytes(), /a persistent id \(BINPERSID at byte 13/, "refused-pickle"],
    ["a complex storage", p().global("torch", "ComplexDoubleStorage").stop().bytes(), /a tensor of dtype complex128 \(torch\.ComplexDoubleStorage at byte 2/, "invalid-model"],
  ]; // prettier-ignore
  for (const [what, pickle, pattern, code] of cases) {
    it(what, () => {
      const e = fails([], { pickle });
      expect(e.code).toBe(code);
      expect(e.oneLine()).toMatch(pattern);
      expect(e.oneLine()).not.toContain("\n");
    });
  }

  it("non-empty backward hooks and tensor metadata", () => {
    const hooks = stateDictPickle([{ name: "w", key: "0", values: [1], size: [1] }]);
    // the hooks dict: OrderedDict() then one item before the TUPLE that closes the arguments
    const at = Buffer.from(hooks).indexOf(Buffer.from([0x89, 0x68, 0x00, 0x29, 0x52]));
    const withHook = Buffer.concat([
      hooks.subarray(0, at + 5),
      Buffer.from([0x4b, 1, 0x4b, 2, 0x73]),
      hooks.subarray(at + 5),
    ]);
    expect(fails([{ name: "w", key: "0", values: [1], size: [1] }], { pickle: withHook }).message).toMatch(
      /refused: backward hooks \(1\) at byte/,
    );
    const withMeta = Buffer.concat([
      hooks.subarray(0, at + 5),
      Buffer.from([0x7d, 0x58, 1, 0, 0, 0, 0x6e, 0x88, 0x73]),
      hooks.subarray(at + 5),
    ]);
    expect(fails([{ name: "w", key: "0", values: [1], size: [1] }], { pickle: withMeta }).message).toMatch(
      /refused: tensor metadata \(n\) at byte/,
    );
  });
});

describe("malformed: what the pickle claims about its storages", () => {
  it("a view past the end of its storage, by one element", () => {
    const e = fails([{ name: "w", key: "0", values: iota(6), offset: 2, size: [2, 2], stride: [3, 1] }]);
    expect(e.message).toMatch(
      /tensor "w" \(size \[2, 2\], stride \[3, 1\], offset 2\) reaches element 6 of a storage of 6/,
    );
    expect(() =>
      read([{ name: "w", key: "0", values: iota(6), offset: 1, size: [2, 2], stride: [3, 1] }]),
    ).not.toThrow();
  });

  it("a storage whose bytes are not its numel, one that is missing, one key with two types", () => {
    const short = fails([{ name: "w", key: "0", values: [1, 2], numel: 3, size: [2] }]);
    expect(short.message).toMatch(/storage "0" holds 8 bytes, but its persistent id says 3 x float32 \(12 bytes\)/);
    const pickle = stateDictPickle([{ name: "w", key: "9", values: [1], size: [1] }]);
    expect(fails([{ name: "w", key: "0", values: [1], size: [1] }], { pickle }).message).toMatch(
      /storage "9" has no entry data\/9/,
    );
    const twice = stateDictPickle([
      { name: "a", key: "0", values: [1, 2], size: [2] },
      { name: "b", key: "0", type: "DoubleStorage", numel: 1, size: [1] },
    ]);
    expect(fails([{ name: "a", key: "0", values: [1, 2], size: [2] }], { pickle: twice }).message).toMatch(
      /storage "0" again, with another type or size/,
    );
  });

  it("a storage key that could name another entry", () => {
    const pickle = stateDictPickle([{ name: "w", key: "../data.pkl", values: [1], size: [1] }]);
    expect(fails([{ name: "w", key: "0", values: [1], size: [1] }], { pickle }).message).toMatch(
      /a storage key "\.\.\/data\.pkl"/,
    );
  });

  it("size and stride of different lengths, a negative size, a float size", () => {
    const bad = (size: number[], stride: number[]) =>
      fails([{ name: "w", key: "0", values: [1, 2], size, stride }]).message;
    expect(bad([2], [1, 1])).toMatch(/with 1 sizes but 2 strides/);
    expect(bad([-2], [1])).toMatch(/a size that is not a tuple of at most 64 whole numbers >= 0/);
    const p = Buffer.from(stateDictPickle([{ name: "w", key: "0", values: [1], size: [1] }]));
    const sizeAt = p.indexOf(Buffer.from([0x28, 0x4b, 0x01, 0x74])); // (1,) the size
    const floaty = Buffer.concat([
      p.subarray(0, sizeAt + 1),
      Buffer.from(new Pickle().float(1).bytes()),
      p.subarray(sizeAt + 3),
    ]);
    expect(fails([{ name: "w", key: "0", values: [1], size: [1] }], { pickle: floaty }).message).toMatch(
      /a size that is not a tuple/,
    );
  });

  it("not a state dict: one tensor, a list, a value that is not a tensor, a key that is not a string", () => {
    const one = new Pickle().proto(2).raw(tensorPickle(1).bytes()).stop().bytes();
    expect(fails([{ name: "w", key: "0", values: [1], size: [1] }], { pickle: one }).message).toMatch(
      /the file holds one tensor, not a state dict/,
    );
    expect(fails([], { pickle: new Pickle().proto(2).op("]").stop().bytes() }).message).toMatch(
      /holds a list, not a state dict/,
    );
    const epoch = new Pickle().proto(2).op("}").str("epoch").int(3).op("s").stop().bytes();
    expect(fails([], { pickle: epoch }).message).toMatch(/"epoch" holds a int, not a tensor \(a training checkpoint\?/);
    const intKey = new Pickle().proto(2).op("}").int(3).int(3).op("s").stop().bytes();
    expect(fails([], { pickle: intKey }).message).toMatch(/a key 3 that is not a string/);
  });

  it("a NaN weight, with its flat index", () => {
    expect(fails([{ name: "w", key: "0", values: [1, NaN], size: [2] }]).message).toMatch(
      /tensor "w" holds NaN at flat index 1/,
    );
  });

  it("an archive without data.pkl, with two, and an unknown byte order", () => {
    expect(errorOf(() => parsePt(ptBytes([], { pickle: new Uint8Array(0), name: "x/y" }), "m.pt")).message).toMatch(
      /no <name>\/data\.pkl/,
    );
    const two = ptBytes([], { extra: [{ name: "other/data.pkl", data: new Uint8Array(1) }] });
    expect(errorOf(() => parsePt(two, "m.pt")).message).toMatch(/the archive has 2 data\.pkl records/);
    const order = [{ name: "archive/byteorder", data: Buffer.from("middle") }];
    expect(fails([{ name: "w", key: "0", values: [1], size: [1] }], { extra: order }).message).toMatch(
      /archive\/byteorder is "middle"/,
    );
  });
});

describe("limits", () => {
  it("tensors and values", () => {
    const three = [0, 1, 2].map((i) => ({
      name: `t${i}`,
      key: "0",
      values: i === 0 ? iota(4) : undefined,
      numel: 4,
      size: [4],
    }));
    expect(fails(three, {}, { ...PT_LIMITS, maxTensors: 2 }).message).toMatch(/rebuilds more than 2 tensors/);
    expect(fails(three, {}, { ...PT_LIMITS, maxValues: 11 }).message).toMatch(/the tensors hold more than 11 values/);
    expect(read(three, {}, { ...PT_LIMITS, maxTensors: 3, maxValues: 12 }).tensors.size).toBe(3);
  });

  it("a shape whose product is astronomical is refused before anything is allocated", () => {
    const e = fails([{ name: "w", key: "0", values: [1], size: [1e6, 1e6, 1e6], stride: [0, 0, 0] }]);
    expect(e.code).toBe("too-large");
  });

  it("the pickle's size", () => {
    const tensors = [{ name: "w", key: "0", values: [1], size: [1] }];
    expect(fails(tensors, {}, { ...PT_LIMITS, maxPickleBytes: 50 }).message).toMatch(
      /archive\/data\.pkl is \d+ bytes, more than 50/,
    );
  });
});

it("contiguous() gives row-major strides", () => {
  expect(contiguous([2, 3, 4])).toEqual([12, 4, 1]);
});
