/**
 * The Python values a restricted unpickler builds: plain data only. Ints are numbers while safe and bigints beyond,
 * floats are boxed (a shape of 3.0 is not a shape of 3), and anything else is an `Emulated` object that the caller's
 * hooks made for a whitelisted global: a description of what Python would have built, never the thing itself.
 */

/** A Python tuple. */
export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** A Python list: APPEND and APPENDS grow it. */
export class PyList {
  constructor(readonly items: PyValue[]) {}
}

export type DictKey = string | number | bigint | boolean | null;

/** A dict or an OrderedDict (insertion order either way, as in Python 3.7+); BUILD may give it attributes. */
export class PyDict {
  readonly entries = new Map<DictKey, PyValue>();
  /** The state BUILD gave it: a state_dict's `_metadata` (module versions), kept but not read. */
  attributes: PyValue | undefined;
  constructor(readonly ordered: boolean) {}
}

/** A Python float, boxed so that it is never mistaken for an int. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** An object a hook made for a whitelisted global or a persistent id. `type` names it in messages. */
export abstract class Emulated {
  abstract readonly type: string;
}

export type PyValue = null | boolean | number | bigint | string | PyTuple | PyList | PyDict | PyFloat | Emulated;

/** The Python type of a value, for messages: "int", "str", "tuple", "OrderedDict", "torch.FloatStorage". */
export function typeName(v: PyValue): string {
  if (v === null) return "None";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "number":
    case "bigint":
      return "int";
    case "string":
      return "str";
  }
  if (v instanceof PyTuple) return "tuple";
  if (v instanceof PyList) return "list";
  if (v instanceof PyDict) return v.ordered ? "OrderedDict" : "dict";
  if (v instanceof PyFloat) return "float";
  return v.type;
}

/** A whole number that fits a JS number, or undefined (bools are not ints here, though Python says they are). */
export function intOf(v: PyValue): number | undefined {
  return typeof v === "number" ? v : undefined;
}
