/**
 * The restricted unpickler on its own, with hooks that record what they are asked: each accepted opcode builds what
 * Python builds, every other opcode is refused by name and byte offset before its argument is looked at, and every
 * limit holds. Python's own pickles (protocols 2 and 4) of plain data are the reference.
 */
import { describe, expect, it } from "vitest";
import { PT_LIMITS, type PtLimits } from "../../src/io/pt/limits.js";
import { Emulated, PyDict, PyFloat, PyList, PyTuple, type PyValue } from "../../src/io/pt/pickle-values.js";
import { OPCODE_NAMES, unpickle, type UnpickleHooks } from "../../src/io/pt/unpickle.js";
import { errorOf } from "./expect-error.js";
import { Pickle } from "./pt-build.js";

class Called extends Emulated {
  readonly type = "called";
  constructor(
    readonly what: string,
    readonly args: PyValue[],
  ) {
    super();
  }
}

/** Hooks that allow everything and record it, to test the machine alone. */
const open: UnpickleHooks = {
  global: (module, name) => new Called(`global ${module}.${name}`, []),
  persistentLoad: (pid) => new Called("persistent", [pid]),
  reduce: (f, args) => new Called("reduce", [f, args]),
  newObject: (cls, args) => new Called("newobj", [cls, args]),
  build: (target, state) => {
    if (target instanceof PyDict) target.attributes = state;
  },
};

const run = (bytes: Uint8Array, limits: PtLimits = PT_LIMITS) => unpickle(bytes, "m/data.pkl", "m.pt", open, limits);
const fails = (bytes: Uint8Array, limits: PtLimits = PT_LIMITS) => errorOf(() => run(bytes, limits));
const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ""), "hex"));

/** Plain Python values as JSON-like data, to compare with what Python pickled. */
function plain(v: PyValue): unknown {
  if (v instanceof PyTuple) return { tuple: v.items.map(plain) };
  if (v instanceof PyList) return v.items.map(plain);
  if (v instanceof PyDict) return Object.fromEntries([...v.entries].map(([k, x]) => [String(k), plain(x)]));
  if (v instanceof PyFloat) return { float: v.value };
  if (typeof v === "bigint") return { bigint: String(v) };
  return v;
}

describe("what Python pickled, unpickled", () => {
  // python3 -c 'import pickle; print(pickle.dumps(V, protocol=P).hex())' for
  // V = {"a": [1, -2, 300, 70000, -(2**40), 2**70, 1.5, None, True, False], "b": ("x", ("é",), (1, 2), (1, 2, 3), ())}
  const value = {
    a: [1, -2, 300, 70000, -(2 ** 40), { bigint: String(2n ** 70n) }, { float: 1.5 }, null, true, false],
    b: { tuple: ["x", { tuple: ["é"] }, { tuple: [1, 2] }, { tuple: [1, 2, 3] }, { tuple: [] }] },
  };
  it("protocol 2: BINUNICODE, BININT*, LONG1, BINFLOAT, TUPLE1..3, APPENDS, SETITEMS, BINPUT", () => {
    const p2 =
      "80027d71002858010000006171015d7102284b014afeffffff4d2c014a701101008a060000000000ff8a09000000000000000040473ff8" +
      "0000000000004e88896558010000006271032858010000007871045802000000c3a971058571064b014b028671074b014b024b03877108" +
      "29747109752e";
    expect(plain(run(hex(p2)))).toEqual(value);
  });

  it("protocol 4: FRAME, SHORT_BINUNICODE, MEMOIZE", () => {
    const p4 =
      "8004955c000000000000007d94288c0161945d94284b014afeffffff4d2c014a701101008a060000000000ff8a09000000000000000040" +
      "473ff80000000000004e8889658c016294288c0178948c02c3a99485944b014b0286944b014b024b038794297494752e";
    expect(plain(run(hex(p4)))).toEqual(value);
  });

  it("builds exactly the values a hand-written pickle describes", () => {
    const p = new Pickle().proto(2).op("}").put(0).mark();
    p.str("a").op("]").mark().int(1).int(-2).int(300).int(70000);
    p.op(0x8a, 6).raw([0, 0, 0, 0, 0, 0xff]); // LONG1: -(2^40)
    p.op(0x8a, 9).raw([0, 0, 0, 0, 0, 0, 0, 0, 0x40]); // LONG1: 2^70
    p.float(1.5).op("N").op(0x88).op(0x89).op("e");
    p.str("b").mark().str("x").shortStr("é").op(0x85).int(1).int(2).op(0x86).int(1).int(2).int(3).op(0x87);
    p.emptyTuple().tuple();
    const got = run(p.op("u").stop().bytes());
    expect(plain(got)).toEqual(value);
  });

  it("SETITEM, memo references are shared, a later key replaces an earlier one in place", () => {
    // {"k": [], "k2": ([],)} with the list shared through the memo, then "k" set again to 3
    const p = new Pickle().proto(2).op("}").put(0).str("k").op("]").put(1).op("s");
    p.str("k2").get(1).op(0x85).op("s").str("k").int(3).op("s");
    const d = run(p.stop().bytes()) as PyDict;
    expect([...d.entries.keys()]).toEqual(["k", "k2"]);
    expect(d.entries.get("k")).toBe(3);
    const again = new Pickle().proto(2).op("]").put(0).get(0).op(0x86).stop().bytes(); // ([...], [...]): one list
    const [a, b] = (run(again) as PyTuple).items;
    expect(a).toBe(b);
  });

  it("GLOBAL and STACK_GLOBAL ask the hook; REDUCE, NEWOBJ, BUILD and BINPERSID pass it their operands", () => {
    const p = new Pickle().proto(4).global("collections", "OrderedDict").emptyTuple().reduce();
    const r = run(p.stop().bytes()) as Called;
    expect(r.what).toBe("reduce");
    expect((r.args[0] as Called).what).toBe("global collections.OrderedDict");
    const sg = new Pickle().proto(4).shortStr("torch").shortStr("FloatStorage").op(0x93).stop().bytes();
    expect((run(sg) as Called).what).toBe("global torch.FloatStorage");
    const pid = new Pickle().proto(2).mark().str("storage").tuple().op("Q").stop().bytes();
    expect(((run(pid) as Called).args[0] as PyTuple).items).toEqual(["storage"]);
    const built = new Pickle().proto(2).op("}").op("}").str("v").int(1).op("s").op("b").stop().bytes();
    expect(((run(built) as PyDict).attributes as PyDict).entries.get("v")).toBe(1);
  });
});

describe("refused, with the opcode's name and byte offset", () => {
  const accepted = new Set([
    "PROTO", "FRAME", "STOP", "MARK", "EMPTY_DICT", "EMPTY_LIST", "EMPTY_TUPLE", "TUPLE", "TUPLE1", "TUPLE2", "TUPLE3",
    "APPEND", "APPENDS", "SETITEM", "SETITEMS", "BININT", "BININT1", "BININT2", "LONG1", "BINFLOAT", "NONE", "NEWTRUE",
    "NEWFALSE", "BINUNICODE", "SHORT_BINUNICODE", "BINPUT", "LONG_BINPUT", "MEMOIZE", "BINGET", "LONG_BINGET",
    "BINPERSID", "GLOBAL", "STACK_GLOBAL", "REDUCE", "BUILD", "NEWOBJ",
  ]); // prettier-ignore
  const refusedCodes = Object.entries(OPCODE_NAMES).filter(([, name]) => !accepted.has(name));

  it("the opcode table knows all 68 opcodes of protocols 0 to 5, and 32 are refused", () => {
    expect(Object.keys(OPCODE_NAMES)).toHaveLength(68);
    expect(refusedCodes).toHaveLength(32);
  });

  for (const [code, name] of refusedCodes) {
    it(`${name}`, () => {
      // after PROTO and EMPTY_DICT, at byte 3; nothing after it is read (the argument bytes are absent)
      const e = fails(Uint8Array.from([0x80, 2, 0x7d, Number(code)]));
      expect(e.code).toBe("refused-pickle");
      expect(e.oneLine()).toMatch(
        new RegExp(`^m\\.pt: refused: opcode ${name} \\(0x[0-9a-f]{2}\\) at byte 3 of m/data\\.pkl`),
      );
    });
  }

  it("an unknown opcode", () => {
    expect(fails(Uint8Array.from([0x80, 2, 0xff])).message).toMatch(/unknown opcode 0xff at byte 2/);
  });

  it("a GLOBAL whose names are not Python names is refused before the hook sees it", () => {
    const e = fails(new Pickle().proto(2).global("os", "system;x").stop().bytes());
    expect(e.message).toMatch(/global "os\.system;x" at byte 2 .* is not a Python name/);
    expect(fails(Uint8Array.from([0x80, 2, 0x63, 0x6f, 0x73])).message).toMatch(/GLOBAL at byte 2 has no name line/);
  });
});

describe("malformed pickles, each one line", () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ["no STOP", hex("80027d"), /ends at byte 3 without STOP/],
    ["bytes after STOP", hex("80027d2e2e"), /1 bytes follow STOP at byte 3/],
    ["an unknown protocol", hex("80062e"), /PROTO 6 at byte 0 is not pickle protocol 2 to 5/],
    ["a cut argument", hex("80024a0100"), /BININT at byte 2 needs 4 bytes, but the pickle ends/],
    ["a string past the end", hex("800258ff00000041"), /BINUNICODE at byte 2 needs 255 bytes/],
    ["a string that is not UTF-8", hex("8002580100000080"), /is not UTF-8/],
    ["a pop from an empty stack", hex("800285"), /TUPLE1 at byte 2 needs 1 values/],
    ["TUPLE without MARK", hex("8002742e"), /TUPLE at byte 2 has no MARK before it/],
    ["SETITEM on a list", hex("80025d4b014b02732e"), /SETITEM at byte 7 applies to a list/],
    ["APPEND on a dict", hex("80027d4b01612e"), /APPEND at byte 5 applies to a dict/],
    ["an unhashable key", hex("80027d5d4b01732e"), /a dict key at byte 6 is a list/],
    ["REDUCE without a tuple", hex("80024e4e522e"), /REDUCE at byte 4 takes a tuple of arguments, got None/],
    [
      "STACK_GLOBAL of non-strings",
      hex("80044b014b02932e"),
      /STACK_GLOBAL at byte 6 needs two strings, got int and int/,
    ],
    ["a memo index never stored", hex("800268052e"), /BINGET at byte 2 reads memo index 5, which was never stored/],
    ["BINPUT on an empty stack", hex("800271002e"), /memoizes an empty stack/],
    ["a FRAME longer than the rest", hex("800495ff000000000000002e"), /FRAME at byte 2 announces 255 bytes/],
  ];
  for (const [what, bytes, pattern] of cases) {
    it(what, () => {
      const e = fails(bytes);
      expect(e.code).toBe("malformed-pt");
      expect(e.oneLine()).toMatch(pattern);
      expect(e.oneLine()).toMatch(/^m\.pt: malformed PyTorch file: m\/data\.pkl: /);
    });
  }
  it("SETITEMS with an odd number of items", () => {
    expect(fails(hex("80027d284b01752e")).message).toMatch(/SETITEMS at byte 6 has a key without a value/);
  });
});

describe("limits", () => {
  it("the memo index (a naive array memo would allocate 4G slots) and the memo's size", () => {
    const e = fails(hex("80027d72ffffffff2e"));
    expect(e.code).toBe("too-large");
    expect(e.message).toMatch(/memo index 4294967295 \(LONG_BINPUT at byte 3\) is past 1000000/);
    const many = new Pickle().proto(2).op("}");
    for (let i = 0; i < 5; i++) many.put(i);
    expect(fails(many.stop().bytes(), { ...PT_LIMITS, maxMemo: 4 }).message).toMatch(/memo index 4 .* is past 4/);
  });

  it("the stack, counting what MARK set aside", () => {
    const p = new Pickle().proto(2).op("N").op("N").mark().op("N").op("N");
    expect(fails(p.bytes(), { ...PT_LIMITS, maxStack: 3 }).message).toMatch(
      /more than 3 values on its stack \(at byte 6\)/,
    );
    expect(() =>
      run(new Pickle().proto(2).op("N").op("N").mark().op("N").tuple().stop().bytes(), { ...PT_LIMITS, maxStack: 3 }),
    ).not.toThrow();
  });

  it("MARK depth, and string length", () => {
    const deep = Uint8Array.from([0x80, 2, ...new Array<number>(11).fill(0x28)]);
    expect(fails(deep, { ...PT_LIMITS, maxMarks: 10 }).message).toMatch(/nests MARK more than 10 deep \(at byte 12\)/);
    const long = new Pickle().proto(2).str("x".repeat(11)).stop().bytes();
    expect(fails(long, { ...PT_LIMITS, maxStringBytes: 10 }).message).toMatch(/a string of 11 bytes .* longer than 10/);
  });

  it("the work is linear: a pickle of 100,000 nested empty tuples runs in well under a second", () => {
    const p = new Pickle().proto(2).op("N");
    for (let i = 0; i < 100_000; i++) p.op(0x85); // TUPLE1 wraps the top: depth 100,000, no recursion anywhere
    const t = Date.now();
    expect(run(p.stop().bytes())).toBeInstanceOf(PyTuple);
    expect(Date.now() - t).toBeLessThan(1000);
  });
});
