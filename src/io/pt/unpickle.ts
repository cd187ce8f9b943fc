/**
 * A restricted unpickler: the pickle virtual machine for the opcodes a `torch.save`d state dict is made of, and no
 * others. It imports nothing and calls nothing: GLOBAL and STACK_GLOBAL ask `hooks.global`, which answers only for a
 * whitelist; REDUCE, NEWOBJ and BUILD hand their operands to hooks that emulate the whitelisted callables (building
 * plain descriptions of what Python would have built); BINPERSID hands the persistent id to `hooks.persistentLoad`.
 * Every other opcode (INST, OBJ, EXT1..4, PERSID, the text and bytes opcodes, DUP, POP, sets, out-of-band buffers,
 * unknown codes) is refused with one line naming it and its byte offset, before anything it names is looked at.
 *
 * Accepted: PROTO, FRAME, STOP, MARK; EMPTY_DICT, EMPTY_LIST, EMPTY_TUPLE, TUPLE, TUPLE1..3; APPEND, APPENDS,
 * SETITEM, SETITEMS; BININT, BININT1, BININT2, LONG1, BINFLOAT, NONE, NEWTRUE, NEWFALSE; BINUNICODE,
 * SHORT_BINUNICODE; BINPUT, LONG_BINPUT, MEMOIZE, BINGET, LONG_BINGET; BINPERSID; GLOBAL, STACK_GLOBAL; REDUCE,
 * BUILD, NEWOBJ. Protocol 2 (torch.save's default) uses all but FRAME, SHORT_BINUNICODE, MEMOIZE and STACK_GLOBAL,
 * which protocols 4 and 5 (torch.save(..., pickle_protocol=4)) add.
 *
 * Bounded: the stacks, the MARK depth, the memo (its size and its indices), and every string, by PtLimits; the work is
 * linear in the pickle's length, since every opcode consumes at least one byte and moves at most what it pops.
 */
import { malformed, refused, tooLarge } from "./fail.js";
import { PT_LIMITS, type PtLimits } from "./limits.js";
import { PyDict, PyFloat, PyList, PyTuple, typeName, type DictKey, type PyValue } from "./pickle-values.js";

/** What the caller allows: each hook refuses (throws) what it does not emulate. `at` is the opcode's byte offset. */
export interface UnpickleHooks {
  global(module: string, name: string, at: number): PyValue;
  persistentLoad(pid: PyValue, at: number): PyValue;
  reduce(callable: PyValue, args: PyTuple, at: number): PyValue;
  newObject(cls: PyValue, args: PyTuple, at: number): PyValue;
  build(target: PyValue, state: PyValue, at: number): void;
}

/** Every opcode of protocols 0 to 5 by its byte, for messages; a byte not here is an unknown opcode. */
export const OPCODE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries({
    "(": "MARK",
    ".": "STOP",
    "0": "POP",
    "1": "POP_MARK",
    "2": "DUP",
    F: "FLOAT",
    I: "INT",
    J: "BININT",
    K: "BININT1",
    L: "LONG",
    M: "BININT2",
    N: "NONE",
    P: "PERSID",
    Q: "BINPERSID",
    R: "REDUCE",
    S: "STRING",
    T: "BINSTRING",
    U: "SHORT_BINSTRING",
    V: "UNICODE",
    X: "BINUNICODE",
    a: "APPEND",
    b: "BUILD",
    c: "GLOBAL",
    d: "DICT",
    "}": "EMPTY_DICT",
    e: "APPENDS",
    g: "GET",
    h: "BINGET",
    i: "INST",
    j: "LONG_BINGET",
    l: "LIST",
    "]": "EMPTY_LIST",
    o: "OBJ",
    p: "PUT",
    q: "BINPUT",
    r: "LONG_BINPUT",
    s: "SETITEM",
    t: "TUPLE",
    ")": "EMPTY_TUPLE",
    u: "SETITEMS",
    G: "BINFLOAT",
    B: "BINBYTES",
    C: "SHORT_BINBYTES",
    "\x80": "PROTO",
    "\x81": "NEWOBJ",
    "\x82": "EXT1",
    "\x83": "EXT2",
    "\x84": "EXT4",
    "\x85": "TUPLE1",
    "\x86": "TUPLE2",
    "\x87": "TUPLE3",
    "\x88": "NEWTRUE",
    "\x89": "NEWFALSE",
    "\x8a": "LONG1",
    "\x8b": "LONG4",
    "\x8c": "SHORT_BINUNICODE",
    "\x8d": "BINUNICODE8",
    "\x8e": "BINBYTES8",
    "\x8f": "EMPTY_SET",
    "\x90": "ADDITEMS",
    "\x91": "FROZENSET",
    "\x92": "NEWOBJ_EX",
    "\x93": "STACK_GLOBAL",
    "\x94": "MEMOIZE",
    "\x95": "FRAME",
    "\x96": "BYTEARRAY8",
    "\x97": "NEXT_BUFFER",
    "\x98": "READONLY_BUFFER",
  }).map(([k, v]) => [k.charCodeAt(0), v]),
);

/** The longest module or name GLOBAL may carry: Python identifiers joined by dots. */
const MAX_GLOBAL_NAME = 256;
const DOTTED_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Runs the pickle in `bytes` (the record `record` of the file `where`) and returns what STOP returns. Bytes after STOP
 * are refused: torch.save writes none, and a reader that stops early must not leave a second pickle unread.
 */
export function unpickle(
  bytes: Uint8Array,
  record: string,
  where: string,
  hooks: UnpickleHooks,
  limits: PtLimits = PT_LIMITS,
): PyValue {
  return new Machine(bytes, record, where, hooks, limits).run();
}

class Machine {
  private pos = 0;
  /** The byte offset of the opcode being run, for messages. */
  private at = 0;
  private stack: PyValue[] = [];
  private readonly marks: PyValue[][] = [];
  /** Values set aside by MARK (in `marks`): counted with the stack against maxStack. */
  private setAside = 0;
  private readonly memo = new Map<number, PyValue>();
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly record: string,
    private readonly where: string,
    private readonly hooks: UnpickleHooks,
    private readonly limits: PtLimits,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  run(): PyValue {
    while (this.pos < this.bytes.length) {
      this.at = this.pos;
      const code = this.bytes[this.pos++]!;
      if (code === 0x2e /* STOP */) {
        const result = this.pop();
        if (this.pos !== this.bytes.length)
          this.malformed(`${this.bytes.length - this.pos} bytes follow STOP at byte ${this.at}`);
        return result;
      }
      this.step(code);
    }
    return this.malformed(`the pickle ends at byte ${this.bytes.length} without STOP (a truncated file?)`);
  }

  private step(code: number): void {
    switch (code) {
      case 0x80: {
        const version = this.u8();
        if (version < 2 || version > 5)
          this.malformed(`PROTO ${version} at byte ${this.at} is not pickle protocol 2 to 5`);
        return;
      }
      case 0x95: {
        // FRAME only tells a streaming reader how much to fetch; the whole record is in memory already
        const length = this.view.getBigUint64(this.take(8), true);
        if (length > BigInt(this.bytes.length - this.pos))
          this.malformed(`FRAME at byte ${this.at} announces ${length} bytes, more than are left`);
        return;
      }
      case 0x28: // MARK
        if (this.marks.length >= this.limits.maxMarks)
          tooLarge(`the pickle nests MARK more than ${this.limits.maxMarks} deep (at byte ${this.at})`, this.where);
        this.marks.push(this.stack);
        this.setAside += this.stack.length;
        this.stack = [];
        return;
      case 0x7d: // EMPTY_DICT
        return this.push(new PyDict(false));
      case 0x5d: // EMPTY_LIST
        return this.push(new PyList([]));
      case 0x29: // EMPTY_TUPLE
        return this.push(new PyTuple([]));
      case 0x74: // TUPLE
        return this.push(new PyTuple(this.popMark()));
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: // TUPLE3
        return this.push(new PyTuple(this.popN(code - 0x84)));
      case 0x61: {
        // APPEND
        const value = this.pop();
        this.top(PyList).items.push(value);
        return;
      }
      case 0x65: {
        // APPENDS
        const items = this.popMark();
        this.top(PyList).items.push(...items);
        return;
      }
      case 0x73: {
        // SETITEM
        const [key, value] = this.popN(2);
        this.setItem(this.top(PyDict), key!, value!);
        return;
      }
      case 0x75: {
        // SETITEMS
        const items = this.popMark();
        if (items.length % 2 !== 0) this.malformed(`SETITEMS at byte ${this.at} has a key without a value`);
        const dict = this.top(PyDict);
        for (let i = 0; i < items.length; i += 2) this.setItem(dict, items[i]!, items[i + 1]!);
        return;
      }
      case 0x4a: // BININT
        return this.push(this.view.getInt32(this.take(4), true));
      case 0x4b: // BININT1
        return this.push(this.u8());
      case 0x4d: // BININT2
        return this.push(this.view.getUint16(this.take(2), true));
      case 0x8a: // LONG1
        return this.push(this.long(this.u8()));
      case 0x47: // BINFLOAT: big-endian, unlike everything else
        return this.push(new PyFloat(this.view.getFloat64(this.take(8), false)));
      case 0x4e: // NONE
        return this.push(null);
      case 0x88: // NEWTRUE
        return this.push(true);
      case 0x89: // NEWFALSE
        return this.push(false);
      case 0x58: // BINUNICODE
        return this.push(this.text(this.view.getUint32(this.take(4), true)));
      case 0x8c: // SHORT_BINUNICODE
        return this.push(this.text(this.u8()));
      case 0x71: // BINPUT
        return this.put(this.u8());
      case 0x72: // LONG_BINPUT
        return this.put(this.view.getUint32(this.take(4), true));
      case 0x94: // MEMOIZE
        return this.put(this.memo.size);
      case 0x68: // BINGET
        return this.get(this.u8());
      case 0x6a: // LONG_BINGET
        return this.get(this.view.getUint32(this.take(4), true));
      case 0x51: // BINPERSID
        return this.push(this.hooks.persistentLoad(this.pop(), this.at));
      case 0x63: {
        // GLOBAL: "module\nname\n"
        const module = this.line();
        const name = this.line();
        return this.push(this.global(module, name));
      }
      case 0x93: {
        // STACK_GLOBAL
        const [module, name] = this.popN(2);
        if (typeof module !== "string" || typeof name !== "string")
          this.malformed(
            `STACK_GLOBAL at byte ${this.at} needs two strings, got ${typeName(module!)} and ${typeName(name!)}`,
          );
        return this.push(this.global(module, name));
      }
      case 0x52: {
        // REDUCE: callable(*args), emulated by the hook
        const args = this.popTuple("REDUCE");
        const callable = this.pop();
        return this.push(this.hooks.reduce(callable, args, this.at));
      }
      case 0x81: {
        // NEWOBJ: cls.__new__(cls, *args), emulated by the hook
        const args = this.popTuple("NEWOBJ");
        const cls = this.pop();
        return this.push(this.hooks.newObject(cls, args, this.at));
      }
      case 0x62: {
        // BUILD: target.__setstate__(state), emulated by the hook
        const state = this.pop();
        const target = this.pop();
        this.hooks.build(target, state, this.at);
        return this.push(target);
      }
      default: {
        const name = OPCODE_NAMES[code];
        const what = name === undefined ? `unknown opcode 0x${hex(code)}` : `opcode ${name} (0x${hex(code)})`;
        refused(`${what} at byte ${this.at} of ${this.record} is not one a state dict is made of`, this.where);
      }
    }
  }

  private global(module: string, name: string): PyValue {
    if (!DOTTED_NAME.test(module) || !DOTTED_NAME.test(name))
      refused(
        `global ${JSON.stringify(`${module}.${name}`)} at byte ${this.at} of ${this.record} is not a Python name`,
        this.where,
      );
    return this.hooks.global(module, name, this.at);
  }

  private setItem(dict: PyDict, key: PyValue, value: PyValue): void {
    if (key !== null && typeof key === "object")
      this.malformed(`a dict key at byte ${this.at} is a ${typeName(key)}; a state dict's keys are strings`);
    dict.entries.set(key as DictKey, value);
  }

  private push(v: PyValue): void {
    if (this.stack.length + this.setAside >= this.limits.maxStack)
      tooLarge(
        `the pickle holds more than ${this.limits.maxStack} values on its stack (at byte ${this.at})`,
        this.where,
      );
    this.stack.push(v);
  }

  private pop(): PyValue {
    if (this.stack.length === 0) this.malformed(`${this.opName()} at byte ${this.at} pops an empty stack`);
    return this.stack.pop()!;
  }

  private popN(n: number): PyValue[] {
    if (this.stack.length < n) this.malformed(`${this.opName()} at byte ${this.at} needs ${n} values on the stack`);
    return this.stack.splice(this.stack.length - n, n);
  }

  private popMark(): PyValue[] {
    const outer = this.marks.pop();
    if (outer === undefined) this.malformed(`${this.opName()} at byte ${this.at} has no MARK before it`);
    const items = this.stack;
    this.setAside -= outer.length;
    this.stack = outer;
    return items;
  }

  private popTuple(op: string): PyTuple {
    const args = this.pop();
    if (!(args instanceof PyTuple))
      this.malformed(`${op} at byte ${this.at} takes a tuple of arguments, got ${typeName(args)}`);
    return args;
  }

  private top<T>(kind: new (...args: never[]) => T): T {
    const v = this.stack.at(-1);
    if (!(v instanceof kind))
      this.malformed(
        `${this.opName()} at byte ${this.at} applies to a ${v === undefined ? "missing value" : typeName(v)}`,
      );
    return v;
  }

  private put(index: number): void {
    if (index >= this.limits.maxMemo)
      tooLarge(`memo index ${index} (${this.opName()} at byte ${this.at}) is past ${this.limits.maxMemo}`, this.where);
    if (this.stack.length === 0) this.malformed(`${this.opName()} at byte ${this.at} memoizes an empty stack`);
    this.memo.set(index, this.stack.at(-1)!);
    if (this.memo.size > this.limits.maxMemo)
      tooLarge(`the pickle memoizes more than ${this.limits.maxMemo} values`, this.where);
  }

  private get(index: number): void {
    const v = this.memo.get(index);
    if (v === undefined)
      this.malformed(`${this.opName()} at byte ${this.at} reads memo index ${index}, which was never stored`);
    this.push(v);
  }

  /** LONG1's n bytes: a little-endian two's-complement integer; a number when it is safe. */
  private long(n: number): number | bigint {
    const at = this.take(n);
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.bytes[at + i]!);
    if (n > 0 && this.bytes[at + n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  private text(length: number): string {
    if (length > this.limits.maxStringBytes)
      tooLarge(
        `a string of ${length} bytes (${this.opName()} at byte ${this.at}) is longer than ${this.limits.maxStringBytes}`,
        this.where,
      );
    const at = this.take(length);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(this.bytes.subarray(at, at + length));
    } catch {
      return this.malformed(`the string of ${this.opName()} at byte ${this.at} is not UTF-8`);
    }
  }

  /** One line of GLOBAL's argument, without its newline; ASCII, short. */
  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0 || end - this.pos > MAX_GLOBAL_NAME)
      this.malformed(`GLOBAL at byte ${this.at} has no name line of at most ${MAX_GLOBAL_NAME} bytes`);
    const raw = this.bytes.subarray(this.pos, end);
    this.pos = end + 1;
    return String.fromCharCode(...raw);
  }

  private u8(): number {
    return this.bytes[this.take(1)]!;
  }

  /** Reserves n bytes and returns where they start; a pickle cut short is refused here. */
  private take(n: number): number {
    if (this.pos + n > this.bytes.length)
      this.malformed(
        `${this.opName()} at byte ${this.at} needs ${n} byte${n === 1 ? "" : "s"}, but the pickle ends (a truncated file?)`,
      );
    const at = this.pos;
    this.pos += n;
    return at;
  }

  private opName(): string {
    return OPCODE_NAMES[this.bytes[this.at]!] ?? "an opcode";
  }

  private malformed(what: string): never {
    return malformed(`${this.record}: ${what}`, this.where);
  }
}

function hex(code: number): string {
  return code.toString(16).padStart(2, "0");
}
