/**
 * The zip layer of torch.save files: what PyTorch writes is read, and every hostile or broken archive is refused with
 * one line before anything it declares is allocated or inflated.
 */
import { readFileSync } from "node:fs";
import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { PT_LIMITS, type PtLimits } from "../../src/io/pt/limits.js";
import { readZip } from "../../src/io/pt/zip.js";
import { errorOf } from "./expect-error.js";
import { zipBytes, type ZipEntry } from "./pt-build.js";

const bytes = (s: string) => Uint8Array.from(Buffer.from(s));
const refusal = (entries: ZipEntry[], limits: PtLimits = PT_LIMITS) =>
  errorOf(() => readZip(zipBytes(entries), "m.pt", limits));

describe("archives that are read", () => {
  it("PyTorch's own: stored entries with data descriptors and a zip64 end record", () => {
    const file = readFileSync("test/fixtures/pt/lstm-1.pt");
    expect(file.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true); // the zip64 end record is there
    const entries = readZip(file, "lstm-1.pt");
    expect([...entries.keys()]).toEqual([
      "lstm-1/data.pkl",
      ...["0", "1", "2", "3", "4", "5", "6"].map((k) => `lstm-1/data/${k}`),
      "lstm-1/version",
    ]);
    expect(Buffer.from(entries.get("lstm-1/version")!).toString()).toBe("3\n");
  });

  it("stored and deflated entries, each with its exact bytes", () => {
    const data = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) % 13);
    const entries = readZip(
      zipBytes([
        { name: "a/x", data },
        { name: "a/y", data, method: 8 },
        { name: "a/empty", data: new Uint8Array(0), method: 8 },
      ]),
      "m.pt",
    );
    expect(entries.get("a/x")).toEqual(data);
    expect(entries.get("a/y")).toEqual(data);
    expect(entries.get("a/empty")).toEqual(new Uint8Array(0));
  });
});

describe("archives that are refused with one line", () => {
  const cases: [string, ZipEntry[], RegExp][] = [
    ["a duplicate name", [{ name: "a/x", data: bytes("1"), twice: true }], /two entries are named "a\/x"/],
    ["an absolute name", [{ name: "/etc/passwd", data: bytes("1") }], /entry name "\/etc\/passwd" is absolute/],
    ["a drive letter", [{ name: "C:/x", data: bytes("1") }], /is absolute/],
    ["a .. segment", [{ name: "a/../../x", data: bytes("1") }], /climbs out of the archive/],
    ["a backslash", [{ name: "a\\..\\x", data: bytes("1") }], /backslash or NUL/],
    ["an empty name", [{ name: "", data: bytes("1") }], /empty name/],
    ["encryption", [{ name: "a/x", data: bytes("1"), flags: 1 }], /is encrypted/],
    ["bzip2", [{ name: "a/x", data: bytes("1"), method: 12 }], /compression method 12/],
    ["a CRC mismatch", [{ name: "a/x", data: bytes("abc"), crc: 1234 }], /fails its CRC-32 check/],
    ["a local name that differs", [{ name: "a/x", data: bytes("1"), localName: "a/y" }], /local header names another/],
    [
      "overlapping entries",
      [
        { name: "a/x", data: bytes("12345"), declaredSize: 15 }, // its data runs over the next entry
        { name: "a/y", data: bytes("67890") },
      ],
      /entries "a\/x" and "a\/y" overlap/,
    ],
    [
      "a deflated entry that inflates past its declared size",
      [{ name: "a/x", data: new Uint8Array(1 << 20), method: 8, declaredSize: 1000 }],
      /inflates to more than the 1000 bytes it declares \(a zip bomb\?\)/,
    ],
    [
      "a deflated entry that inflates to less than it declares",
      [{ name: "a/x", data: new Uint8Array(100), method: 8, declaredSize: 1000 }],
      /inflates to 100 bytes, not the 1000 it declares/,
    ],
  ];
  for (const [what, entries, pattern] of cases) {
    it(what, () => {
      const e = errorOf(() => readZip(zipBytes(entries), "m.pt"));
      expect(e.oneLine()).toMatch(pattern);
      expect(e.oneLine()).not.toContain("\n");
    });
  }

  it("a declared size over the limit, before inflating: invalid deflate data is never reached", () => {
    const notDeflate = [
      { name: "a/x", data: new Uint8Array(10), method: 8, declaredSize: PT_LIMITS.maxEntryBytes + 1 },
    ];
    const e = refusal(notDeflate);
    expect(e.code).toBe("too-large");
    expect(e.message).toMatch(/entry "a\/x" declares 67108865 bytes, more than 67108864/);
  });

  it("more entries, or more bytes together, than the limits", () => {
    const three = ["a/1", "a/2", "a/3"].map((name) => ({ name, data: bytes("xyz") }));
    expect(refusal(three, { ...PT_LIMITS, maxEntries: 2 }).message).toMatch(/declares 3 entries, more than 2/);
    expect(refusal(three, { ...PT_LIMITS, maxTotalBytes: 8 }).message).toMatch(/more than 8 bytes together/);
    expect(() => readZip(zipBytes(three), "m.pt", { ...PT_LIMITS, maxEntries: 3, maxTotalBytes: 9 })).not.toThrow();
  });

  it("a truncated file, trailing bytes, or no archive at all", () => {
    const whole = zipBytes([{ name: "a/x", data: bytes("hello") }]);
    for (const cut of [whole.subarray(0, whole.length - 1), whole.subarray(0, 10), new Uint8Array(0)])
      expect(errorOf(() => readZip(cut, "m.pt")).message).toMatch(/no end-of-central-directory record/);
    const trailing = zipBytes([{ name: "a/x", data: bytes("hello") }], { trailing: bytes("junk") });
    expect(errorOf(() => readZip(trailing, "m.pt")).message).toMatch(/no end-of-central-directory record/);
  });

  it("a multi-disk archive, and a directory that does not end at the end record", () => {
    const file = zipBytes([{ name: "a/x", data: bytes("hello") }]);
    const multi = Buffer.from(file);
    multi.writeUInt16LE(1, multi.length - 22 + 4);
    expect(errorOf(() => readZip(multi, "m.pt")).message).toMatch(/multi-disk/);
    const shifted = Buffer.from(file);
    shifted.writeUInt32LE(shifted.readUInt32LE(shifted.length - 6) - 1, shifted.length - 6);
    expect(errorOf(() => readZip(shifted, "m.pt")).message).toMatch(/does not end at the end record/);
  });

  it("every single-byte corruption of PyTorch's own archive is read or refused with a CcboundError, never a crash", () => {
    const file = readFileSync("test/fixtures/pt/rnn-relu-1.pt");
    // the headers and the directory, where the parser's decisions are (the data bytes only change CRCs)
    const positions = [...Array(file.length).keys()].filter((i) => i < 200 || i > file.length - 400);
    for (const i of positions) {
      for (const value of [0x00, 0xff, file[i]! ^ 0x01]) {
        const broken = Buffer.from(file);
        broken[i] = value;
        try {
          readZip(broken, "m.pt");
        } catch (error) {
          expect((error as Error).name, `byte ${i} = ${value}: ${(error as Error).stack}`).toBe("CcboundError");
        }
      }
    }
  });
});

it("deflate data inside a stored name does not confuse anything: the directory decides", () => {
  const fake = deflateRawSync(Buffer.from("not a header"));
  const entries = readZip(zipBytes([{ name: "a/x", data: Uint8Array.from(fake) }]), "m.pt");
  expect(Buffer.from(entries.get("a/x")!)).toEqual(fake);
});
