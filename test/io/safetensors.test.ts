/**
 * The safetensors reader and writer: exact values in every float dtype, the 16-bit decoders against PyTorch and against
 * ccbound's own number formats, one clear CcboundError per kind of malformed file, and fuzzing with fixed seeds
 * (a failure prints its seed and replays exactly).
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { bfloat16, float16 } from "../../src/numeric/ieee.js";
import {
  bfloat16Value,
  float16Value,
  looksLikeSafetensors,
  MAX_HEADER_BYTES,
  parseSafetensors,
  readSafetensorsFile,
  safetensorsBytes,
  type TensorToWrite,
} from "../../src/io/safetensors.js";
import { errorOf } from "./expect-error.js";

const FIXTURES = "test/fixtures/pytorch";

/** A file from a header object and raw data, for hand-made malformed files. */
function rawFile(
  header: unknown,
  data: Uint8Array = new Uint8Array(0),
  headerText = JSON.stringify(header),
): Uint8Array {
  const json = Buffer.from(headerText, "utf8");
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (...values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
const one = (dtype: string, shape: number[], offsets: number[]) => ({ w: { dtype, shape, data_offsets: offsets } });

describe("writing and reading back", () => {
  const tensors: TensorToWrite[] = [
    { name: "a.weight", dtype: "F32", shape: [2, 3], values: [1, -2, 0.5, 0, -0, 3.25] },
    { name: "b", dtype: "F64", shape: [3], values: [0.1, -1e-300, 1e300] },
    { name: "c", dtype: "F16", shape: [2], values: [65504, -5.960464477539063e-8] },
    { name: "d", dtype: "BF16", shape: [1, 2], values: [-3.3895313892515355e38, 1.0078125] },
    { name: "empty", dtype: "F32", shape: [0, 4], values: [] },
  ];
  const bytes = safetensorsBytes(tensors, { format: "pt", "ccbound.arch": "lstm" });
  const file = parseSafetensors(bytes, "mem");

  it("gives every value back exactly, -0 included, with shapes, dtypes and metadata", () => {
    for (const t of tensors) {
      const got = file.tensors.get(t.name)!;
      expect(got.dtype).toBe(t.dtype);
      expect(got.shape).toEqual(t.shape);
      expect(Array.from(got.values!)).toEqual(Array.from(t.values));
    }
    expect(Object.is(file.tensors.get("a.weight")!.values![4], -0)).toBe(true);
    expect(file.metadata).toEqual({ format: "pt", "ccbound.arch": "lstm" });
  });

  it("pads the header to 8 bytes with spaces and starts like a safetensors file", () => {
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    expect(bytes[8 + n - 1]).toBeOneOf([0x20, 0x7d]);
    expect(looksLikeSafetensors(bytes)).toBe(true);
    expect(looksLikeSafetensors(Buffer.from('{"ccbound": "model"}'))).toBe(false);
  });

  it("refuses to write a value the dtype cannot hold (the caller must widen)", () => {
    expect(() => safetensorsBytes([{ name: "x", dtype: "F32", shape: [1], values: [0.1] }], {})).toThrow(RangeError);
    expect(() => safetensorsBytes([{ name: "x", dtype: "F16", shape: [1], values: [1 + 2 ** -12] }], {})).toThrow(
      RangeError,
    );
  });

  it("keeps integer tensors' sizes checked but does not decode them", () => {
    const f = parseSafetensors(rawFile(one("I64", [2], [0, 16]), new Uint8Array(16)), "mem");
    expect(f.tensors.get("w")).toMatchObject({ dtype: "I64", shape: [2], values: undefined });
  });
});

describe("16-bit floats decode exactly", () => {
  it("every float16 code: as ccbound's float16 format decodes it, and encodes back to itself", () => {
    for (let code = 0; code < 0x10000; code++) {
      const v = float16Value(code);
      const want = float16.decode(BigInt(code));
      expect(Object.is(v, want) || (Number.isNaN(v) && Number.isNaN(want)), `code ${code}`).toBe(true);
      if (!Number.isNaN(v)) expect(Number(float16.encode(v))).toBe(code);
    }
  });

  it("every bfloat16 code: as ccbound's bfloat16 format decodes it", () => {
    for (let code = 0; code < 0x10000; code++) {
      const v = bfloat16Value(code);
      const want = bfloat16.decode(BigInt(code));
      expect(Object.is(v, want) || (Number.isNaN(v) && Number.isNaN(want)), `code ${code}`).toBe(true);
    }
  });

  it("a PyTorch file with the same values in F64, F32, F16 and BF16 decodes to what PyTorch decodes", () => {
    const expected = JSON.parse(readFileSync(`${FIXTURES}/expected.json`, "utf8")).dtypes as Record<string, number[]>;
    const file = readSafetensorsFile(`${FIXTURES}/dtypes.safetensors`);
    expect([...file.tensors.values()].map((t) => t.dtype)).toEqual(["F64", "F32", "F16", "BF16"]);
    for (const [name, values] of Object.entries(expected)) {
      const got = Array.from(file.tensors.get(name)!.values!);
      expect(got.length).toBe(values.length);
      got.forEach((v, i) => expect(Object.is(v, values[i]), `${name}[${i}]: ${v} vs ${values[i]}`).toBe(true));
    }
    expect(file.metadata).toEqual({ note: "the same values in four dtypes" });
  });
});

/** Each malformed file gets one CcboundError of its own words; `pattern` is what the one line must say. */
const MALFORMED: [string, () => Uint8Array, RegExp][] = [
  ["too short for the length", () => new Uint8Array(5), /the file is 5 bytes, too short for the 8-byte header length/],
  [
    "header length beyond the file",
    () => rawFile({}).subarray(0, 9),
    /header length 2 is beyond the end of the file \(1 bytes follow/,
  ],
  [
    "header length over the limit",
    () => {
      const b = rawFile({});
      new DataView(b.buffer).setBigUint64(0, BigInt(MAX_HEADER_BYTES) + 1n, true);
      return b;
    },
    new RegExp(`header length ${MAX_HEADER_BYTES + 1} is over the limit of ${MAX_HEADER_BYTES} bytes`),
  ],
  [
    "header length near 2^64",
    () => {
      const b = rawFile({});
      new DataView(b.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
      return b;
    },
    /header length 18446744073709551615 is over the limit/,
  ],
  [
    "header not JSON",
    () => rawFile(null, undefined, '{"w": '),
    /the header is not valid JSON \(at line 1, column 7: unexpected end of input, expected a value\)/,
  ],
  [
    "header not UTF-8",
    () => rawFile(null, undefined, "\u00ff").map((b, i) => (i === 8 ? 0xff : b)),
    /the header is not UTF-8 text/,
  ],
  ["header a list", () => rawFile([1, 2]), /the header is \[1, 2\], not a JSON object/],
  ["header a string", () => rawFile("w"), /the header is the string "w", not a JSON object/],
  [
    "metadata not strings",
    () => rawFile({ __metadata__: { "ccbound.vocab": ["0"] } }),
    /"__metadata__" key "ccbound.vocab" holds \["0"\], expected a string/,
  ],
  [
    "metadata a list",
    () => rawFile({ __metadata__: [] }),
    /"__metadata__" is an empty list, expected an object of strings/,
  ],
  ["a tensor entry not an object", () => rawFile({ w: 3 }), /tensor "w" is 3, expected \{dtype, shape, data_offsets\}/],
  [
    "unknown dtype",
    () => rawFile(one("F128", [1], [0, 16]), new Uint8Array(16)),
    /tensor "w" has unknown dtype "F128" \(known: F64, F32/,
  ],
  [
    "missing dtype",
    () => rawFile({ w: { shape: [1], data_offsets: [0, 4] } }, f32(1)),
    /tensor "w" has dtype missing, expected a string/,
  ],
  [
    "negative shape",
    () => rawFile(one("F32", [-1], [0, 4]), f32(1)),
    /tensor "w" has shape \[-1\], expected a list of at most 64 whole numbers/,
  ],
  [
    "fractional offset",
    () => rawFile(one("F32", [1], [0, 3.5]), f32(1)),
    /tensor "w" has data_offsets \[0, 3.5\], expected \[begin, end\]/,
  ],
  [
    "offsets reversed",
    () => rawFile(one("F32", [0], [4, 0]), f32(1)),
    /tensor "w" has data_offsets \[4, 0\], which end before they begin/,
  ],
  [
    "offsets out of range",
    () => rawFile(one("F32", [2], [0, 8]), f32(1)),
    /tensor "w" has data_offsets \[0, 8\], out of range of the 4 data bytes/,
  ],
  [
    "bytes do not match shape x dtype",
    () => rawFile(one("F32", [2, 2], [0, 4]), f32(1)),
    /tensor "w" has 4 bytes of data, but shape \[2, 2\] of F32 needs 16/,
  ],
  [
    "an element count past 2^53",
    () => rawFile(one("F64", [2 ** 30, 2 ** 30, 2 ** 30], [0, 8]), f32(1, 2)),
    /needs more than 2\^53/,
  ],
  [
    "overlapping tensors",
    () =>
      rawFile(
        {
          a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
          b: { dtype: "F32", shape: [1], data_offsets: [4, 8] },
        },
        f32(1, 2),
      ),
    /tensor "b" overlaps the tensor before it/,
  ],
  [
    "a hole between tensors",
    () =>
      rawFile(
        {
          a: { dtype: "F32", shape: [1], data_offsets: [0, 4] },
          b: { dtype: "F32", shape: [1], data_offsets: [8, 12] },
        },
        f32(1, 2, 3),
      ),
    /bytes 4\.\.8 before tensor "b" belong to no tensor/,
  ],
  [
    "bytes after the last tensor",
    () => rawFile(one("F32", [1], [0, 4]), f32(1, 2)),
    /the last 4 bytes of the data belong to no tensor/,
  ],
  [
    "a NaN weight, by tensor and flat index",
    () => rawFile(one("F32", [2, 2], [0, 16]), f32(1, 2, NaN, 4)),
    /tensor "w" holds NaN at flat index 2 \(row 1, column 0\); weights must be finite/,
  ],
  [
    "an infinite F16 weight",
    () => rawFile(one("F16", [3], [0, 6]), new Uint8Array([0, 0, 0, 0x7c, 0, 0])),
    /tensor "w" holds Infinity at flat index 1; weights must be finite/,
  ],
  [
    "a NaN BF16 weight",
    () => rawFile(one("BF16", [1], [0, 2]), new Uint8Array([0xc1, 0x7f])),
    /tensor "w" holds NaN at flat index 0/,
  ],
];

describe("malformed files: one CcboundError each, naming the problem and where", () => {
  for (const [what, bytes, pattern] of MALFORMED) {
    it(what, () => {
      const error = errorOf(() => parseSafetensors(bytes(), "m.safetensors"));
      expect(error.code).toBe("malformed-safetensors");
      expect(error.where).toBe("m.safetensors");
      expect(error.message).toMatch(/^malformed safetensors: /);
      expect(error.message).toMatch(pattern);
      expect(error.oneLine()).not.toMatch(/[\r\n]/);
    });
  }

  it("more values than the limit is too-large, before any is decoded", () => {
    const error = errorOf(() =>
      parseSafetensors(rawFile(one("F32", [3], [0, 12]), f32(1, 2, 3)), "m", { maxElements: 2 }),
    );
    expect(error.code).toBe("too-large");
    expect(error.message).toBe("the tensors hold more than 2 values, the limit of this version of ccbound");
  });

  it("a missing file is an io error", () => {
    expect(errorOf(() => readSafetensorsFile("test/fixtures/pytorch/nope.safetensors")).oneLine()).toMatch(
      /nope\.safetensors: cannot read: no such file or directory/,
    );
  });
});

/** Passes when `fn` returns or throws a well-formed CcboundError; anything else fails the property. */
function onlyCcboundErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof CcboundError)) throw error;
    expect(error.oneLine()).not.toMatch(/[\r\n]/);
    expect(["malformed-safetensors", "too-large"]).toContain(error.code);
  }
}

describe("fuzzing: the reader never crashes, never hangs, and answers with a CcboundError", () => {
  const valid = readFileSync(`${FIXTURES}/lstm-2.safetensors`);

  it("on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => onlyCcboundErrors(() => parseSafetensors(b, "fuzz"))),
      { seed: 11, numRuns: 2000 },
    );
  });

  it("on random bytes behind a plausible header length", () => {
    const arb = fc.uint8Array({ minLength: 0, maxLength: 200 }).map((body) => {
      const out = new Uint8Array(8 + body.length);
      new DataView(out.buffer).setBigUint64(0, BigInt(body.length), true);
      out.set(body, 8);
      return out;
    });
    fc.assert(
      fc.property(arb, (b) => onlyCcboundErrors(() => parseSafetensors(b, "fuzz"))),
      { seed: 12, numRuns: 2000 },
    );
  });

  it("on a PyTorch file with bytes changed, cut or added", () => {
    const edit = fc.record({
      changes: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
      cut: fc.option(fc.nat()),
      extra: fc.uint8Array({ maxLength: 16 }),
    });
    fc.assert(
      fc.property(edit, ({ changes, cut, extra }) => {
        const b = Uint8Array.from(valid);
        for (const [at, byte] of changes) b[at % b.length] = byte;
        const cutAt = cut === null ? b.length : cut % (b.length + 1);
        onlyCcboundErrors(() => parseSafetensors(Buffer.concat([b.subarray(0, cutAt), extra]), "fuzz"));
      }),
      { seed: 13, numRuns: 3000 },
    );
  });

  it("on random headers with tensor-like entries", () => {
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.integer({ min: -2, max: 64 }),
      fc.constantFrom("F32", "F16", "BF16", "F64", "I8", "X"),
    );
    const entry = fc.oneof(
      fc.record({
        dtype: value,
        shape: fc.oneof(fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 3 }), value),
        data_offsets: fc.oneof(fc.array(fc.integer({ min: -1, max: 40 }), { maxLength: 3 }), value),
      }),
      value,
    );
    const header = fc.dictionary(
      fc.oneof(fc.constantFrom("__metadata__", "w", "rnn.weight_ih_l0"), fc.string({ maxLength: 4 })),
      entry,
      { maxKeys: 5 },
    );
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 48 }), (h, data) =>
        onlyCcboundErrors(() => parseSafetensors(rawFile(h, data), "fuzz")),
      ),
      { seed: 14, numRuns: 3000 },
    );
  });

  it("a deeply nested header is a CcboundError, not a stack overflow", () => {
    onlyCcboundErrors(() =>
      parseSafetensors(rawFile(null, undefined, `${"[".repeat(200_000)}${"]".repeat(200_000)}`), "deep"),
    );
    onlyCcboundErrors(() => parseSafetensors(rawFile(null, undefined, `{"w":${"[".repeat(200_000)}`), "deep"));
  });
});
