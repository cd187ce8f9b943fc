/**
 * The class of hole: a safetensors file whose header or declared data is the attack (a 90 MB header once took 2.1 GB
 * and 28 s). The header length is checked from the first 8 bytes before the header is read, the header is scanned
 * within its limits, a name given twice is refused (JSON.parse would keep the last), and data past what the header
 * declares, or more elements than the limit, is refused before any data is read.
 */
import { closeSync, openSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_HEADER_BYTES, MAX_TENSOR_ELEMENTS } from "../../src/io/limits.js";
import { parseSafetensors, readSafetensorsFile } from "../../src/io/safetensors.js";
import { tempDir } from "../e2e/cli.js";
import { errorOf } from "./expect-error.js";

const dir = tempDir();

/** A file of a length prefix, a header text, and `size` bytes in all (sparse: no disk is used for the rest). */
function sparseFile(name: string, headerLength: bigint, header: string, size: number): string {
  const path = join(dir, name);
  const fd = openSync(path, "w");
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(headerLength);
  writeSync(fd, prefix);
  writeSync(fd, Buffer.from(header, "utf8"));
  closeSync(fd);
  truncateSync(path, size);
  return path;
}

function fileOf(header: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = Buffer.from(header, "utf8");
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([prefix, json, data]);
}

describe("safetensors: bounded before each read", () => {
  it("a header length over the limit is refused from the first 8 bytes (a 90 MB header, sparse)", () => {
    const path = sparseFile("big-header.safetensors", 90_000_000n, "{", 90_000_008);
    const started = Date.now();
    const e = errorOf(() => readSafetensorsFile(path));
    expect(e.oneLine()).toMatch(
      new RegExp(`malformed safetensors: header length 90000000 is over the limit of ${MAX_HEADER_BYTES} bytes`),
    );
    expect(Date.now() - started).toBeLessThan(500);
  });

  it("a header under the length limit but over its structure limits is refused while it is scanned", () => {
    const header = `{"x":[${"[],".repeat(5_000_000)}[]]}`;
    const e = errorOf(() => parseSafetensors(fileOf(header), "h.safetensors"));
    expect(e.code).toBe("too-large");
    expect(e.oneLine()).toMatch(/over the limit for a safetensors header/);
  });

  it("a header declaring more elements than the limit is refused before the data is read (2 GB, sparse)", () => {
    const n = MAX_TENSOR_ELEMENTS + 1;
    const header = JSON.stringify({ w: { dtype: "F64", shape: [n], data_offsets: [0, 8 * n] } });
    const path = sparseFile("many.safetensors", BigInt(header.length), header, 8 + header.length + 8 * n);
    const started = Date.now();
    const e = errorOf(() => readSafetensorsFile(path));
    expect(e.code).toBe("too-large");
    expect(e.message).toMatch(new RegExp(`more than ${MAX_TENSOR_ELEMENTS} values`));
    expect(Date.now() - started).toBeLessThan(500);
  });

  it("data past what the header declares is refused before it is read (a 2 GB tail, sparse)", () => {
    const header = JSON.stringify({ w: { dtype: "F32", shape: [1], data_offsets: [0, 4] } });
    const path = sparseFile("tail.safetensors", BigInt(header.length), header, 2 ** 31);
    const e = errorOf(() => readSafetensorsFile(path));
    expect(e.message).toMatch(/belong to no tensor/);
  });
});

describe("safetensors: a tensor name given twice is refused", () => {
  it("at the top level of the header, naming the tensor", () => {
    const entry = '{"dtype":"F32","shape":[1],"data_offsets":[0,4]}';
    const e = errorOf(() =>
      parseSafetensors(fileOf(`{"w":${entry},"w":${entry}}`, new Uint8Array(4)), "d.safetensors"),
    );
    expect(e.code).toBe("malformed-safetensors");
    expect(e.oneLine()).toMatch(/^d\.safetensors: malformed safetensors: the header names tensor "w" twice/);
  });

  it("a key twice inside an entry or the metadata", () => {
    const e = errorOf(() => parseSafetensors(fileOf('{"__metadata__":{"a":"1","a":"2"}}'), "d.safetensors"));
    expect(e.oneLine()).toMatch(/the header gives key "a" twice in "\/__metadata__"/);
  });

  it("a file that writes each name once reads (the check is not a false alarm)", () => {
    const path = join(dir, "ok.safetensors");
    writeFileSync(path, fileOf('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(4)));
    expect([...readSafetensorsFile(path).tensors.keys()]).toEqual(["w"]);
  });
});
