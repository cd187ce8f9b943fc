/**
 * The whitelist of a state dict's pickle, and the emulation of each whitelisted callable: what `torch.save` writes
 * for `model.state_dict()` in PyTorch 1.6 to 2.x, and nothing else.
 *
 *   collections.OrderedDict                  called with no arguments (REDUCE or NEWOBJ); BUILD gives it `_metadata`
 *   torch._utils._rebuild_tensor_v2          (storage, offset, size, stride, requires_grad, hooks[, metadata])
 *   torch._utils._rebuild_parameter          (tensor, requires_grad, hooks): an nn.Parameter (keep_vars=True)
 *   torch.<Name>Storage                      the storage class in a persistent id: its dtype
 *   torch.float32, torch.float64, ...        dtypes, as inert values
 *
 * A persistent id is ("storage", torch.<Name>Storage, key, location, numel): the storage's data is the archive entry
 * `data/<key>`, `numel` elements of the dtype. PyTorch 2.x, whose tensors sit on an UntypedStorage, still writes the
 * typed class here (TypedStorage._pickle_storage_type()), so one form covers both. Every other global is refused by
 * name with the byte offset of the opcode that asked for it; REDUCE, NEWOBJ and BUILD on anything else are refused
 * the same way. Hooks must be empty and tensor metadata absent or empty (it holds conj/neg bits, which would change
 * the values).
 */
import type { Dtype } from "../safetensors.js";
import { malformed, refused, tooLarge, unreadable } from "./fail.js";
import { PT_LIMITS, type PtLimits } from "./limits.js";
import { Emulated, PyDict, PyTuple, intOf, typeName, type PyValue } from "./pickle-values.js";
import type { UnpickleHooks } from "./unpickle.js";

/** The storage classes whose data ccbound decodes or size-checks, by their name in the `torch` module. */
const STORAGES: Readonly<Record<string, { dtype: Dtype; bytes: number; torch: string }>> = {
  DoubleStorage: { dtype: "F64", bytes: 8, torch: "float64" },
  FloatStorage: { dtype: "F32", bytes: 4, torch: "float32" },
  HalfStorage: { dtype: "F16", bytes: 2, torch: "float16" },
  BFloat16Storage: { dtype: "BF16", bytes: 2, torch: "bfloat16" },
  // integer and boolean buffers (BatchNorm's num_batches_tracked, GPT-2's causal mask) are size-checked, never weights
  LongStorage: { dtype: "I64", bytes: 8, torch: "int64" },
  IntStorage: { dtype: "I32", bytes: 4, torch: "int32" },
  ShortStorage: { dtype: "I16", bytes: 2, torch: "int16" },
  CharStorage: { dtype: "I8", bytes: 1, torch: "int8" },
  ByteStorage: { dtype: "U8", bytes: 1, torch: "uint8" },
  BoolStorage: { dtype: "BOOL", bytes: 1, torch: "bool" },
};

/** Storage classes PyTorch has whose dtypes ccbound cannot read: named in the refusal, so the user knows why. */
const UNREADABLE_STORAGES: Readonly<Record<string, string>> = {
  ComplexFloatStorage: "complex64",
  ComplexDoubleStorage: "complex128",
  QInt8Storage: "qint8",
  QUInt8Storage: "quint8",
  QInt32Storage: "qint32",
  QUInt4x2Storage: "quint4x2",
  QUInt2x4Storage: "quint2x4",
  UntypedStorage: "untyped bytes",
};

const DTYPES = new Set([
  "float64",
  "float32",
  "float16",
  "bfloat16",
  "int64",
  "int32",
  "int16",
  "int8",
  "uint8",
  "bool",
]);

type TorchFunctionName =
  "collections.OrderedDict" | "torch._utils._rebuild_tensor_v2" | "torch._utils._rebuild_parameter";

/** A whitelisted callable: its name is all there is of it. */
class TorchFunction extends Emulated {
  constructor(readonly type: TorchFunctionName) {
    super();
  }
}

export class StorageType extends Emulated {
  readonly type: string;
  constructor(
    name: string,
    readonly dtype: Dtype,
    readonly itemBytes: number,
    readonly torchDtype: string,
  ) {
    super();
    this.type = `torch.${name}`;
  }
}

/** torch.float32 and the like: a value only (no callable takes one here). */
class TorchDtype extends Emulated {
  readonly type = "torch.dtype";
  constructor(readonly name: string) {
    super();
  }
}

/** A persistent id: `numel` elements of `storageType` in the archive entry `data/<key>`. */
export class StorageRef extends Emulated {
  readonly type = "storage";
  constructor(
    readonly key: string,
    readonly storageType: StorageType,
    readonly numel: number,
  ) {
    super();
  }
}

/** What _rebuild_tensor_v2 would build: a strided view of a storage. */
export class TensorRef extends Emulated {
  readonly type = "torch.Tensor";
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
  ) {
    super();
  }
}

/** The hooks for one pickle; `storages` holds every persistent id it loaded, by key. */
export class TorchPickleHooks implements UnpickleHooks {
  readonly storages = new Map<string, StorageRef>();
  private tensors = 0;

  constructor(
    private readonly record: string,
    private readonly where: string,
    private readonly limits: PtLimits = PT_LIMITS,
  ) {}

  global(module: string, name: string, at: number): PyValue {
    const full = `${module}.${name}`;
    if (
      full === "collections.OrderedDict" ||
      full === "torch._utils._rebuild_tensor_v2" ||
      full === "torch._utils._rebuild_parameter"
    )
      return new TorchFunction(full);
    if (module === "torch") {
      const s = STORAGES[name];
      if (s !== undefined) return new StorageType(name, s.dtype, s.bytes, s.torch);
      if (DTYPES.has(name)) return new TorchDtype(name);
      const dtype = UNREADABLE_STORAGES[name];
      if (dtype !== undefined)
        unreadable(
          `a tensor of dtype ${dtype} (${full} at byte ${at} of ${this.record}): ccbound reads float32, float64, float16 and bfloat16 weights`,
          this.where,
        );
    }
    return refused(
      `the pickle asks for the global ${JSON.stringify(full)} (at byte ${at} of ${this.record})`,
      this.where,
    );
  }

  persistentLoad(pid: PyValue, at: number): PyValue {
    const items = pid instanceof PyTuple ? pid.items : [];
    const [tag, type, key, location, numel] = items;
    if (items.length !== 5 || tag !== "storage")
      refused(`a persistent id (BINPERSID at byte ${at} of ${this.record}) that is not a storage`, this.where);
    if (!(type instanceof StorageType))
      this.bad(at, `a storage whose type is a ${typeName(type!)}, not a torch storage class`);
    if (typeof key !== "string" || !/^[A-Za-z0-9_]{1,64}$/.test(key))
      this.bad(at, `a storage key ${JSON.stringify(key)}; torch.save's keys are short names like "0"`);
    if (typeof location !== "string") this.bad(at, `a storage location that is a ${typeName(location!)}`);
    const n = intOf(numel!);
    if (n === undefined || n < 0) this.bad(at, `a storage size that is not a whole number >= 0`);
    const seen = this.storages.get(key);
    if (seen !== undefined) {
      if (seen.storageType.dtype !== type.dtype || seen.numel !== n)
        this.bad(at, `storage ${JSON.stringify(key)} again, with another type or size`);
      return seen;
    }
    const ref = new StorageRef(key, type, n);
    this.storages.set(key, ref);
    return ref;
  }

  reduce(callable: PyValue, args: PyTuple, at: number): PyValue {
    if (!(callable instanceof TorchFunction))
      refused(`REDUCE at byte ${at} of ${this.record} calls a ${typeName(callable)}`, this.where);
    switch (callable.type) {
      case "collections.OrderedDict":
        return this.orderedDict(args, "REDUCE", at);
      case "torch._utils._rebuild_tensor_v2":
        return this.rebuildTensor(args, at);
      case "torch._utils._rebuild_parameter":
        return this.rebuildParameter(args, at);
      default: {
        const never: never = callable.type;
        return never;
      }
    }
  }

  newObject(cls: PyValue, args: PyTuple, at: number): PyValue {
    if (cls instanceof TorchFunction && cls.type === "collections.OrderedDict")
      return this.orderedDict(args, "NEWOBJ", at);
    return refused(`NEWOBJ at byte ${at} of ${this.record} makes a ${typeName(cls)}`, this.where);
  }

  /** Only a state dict's own state: OrderedDict attributes (`_metadata`), which are kept and never interpreted. */
  build(target: PyValue, state: PyValue, at: number): void {
    if (!(target instanceof PyDict) || !(state instanceof PyDict))
      refused(`BUILD at byte ${at} of ${this.record} sets the state of a ${typeName(target)}`, this.where);
    target.attributes = state;
  }

  private orderedDict(args: PyTuple, op: string, at: number): PyDict {
    if (args.items.length !== 0)
      refused(`${op} at byte ${at} of ${this.record} builds an OrderedDict from arguments`, this.where);
    return new PyDict(true);
  }

  private rebuildTensor(args: PyTuple, at: number): TensorRef {
    const [storage, offset, size, stride, requiresGrad, hooks, metadata] = args.items;
    const fn = "_rebuild_tensor_v2";
    if (args.items.length !== 6 && args.items.length !== 7)
      this.bad(at, `${fn} with ${args.items.length} arguments (torch.save passes 6 or 7)`);
    if (!(storage instanceof StorageRef)) this.bad(at, `${fn} on a ${typeName(storage!)}, not a storage`);
    const start = intOf(offset!);
    if (start === undefined || start < 0) this.bad(at, `${fn} with a storage offset that is not a whole number >= 0`);
    const shape = this.dims(size!, "size", at);
    const strides = this.dims(stride!, "stride", at);
    if (strides.length !== shape.length) this.bad(at, `${fn} with ${shape.length} sizes but ${strides.length} strides`);
    if (typeof requiresGrad !== "boolean") this.bad(at, `${fn} with requires_grad a ${typeName(requiresGrad!)}`);
    this.emptyDict(hooks!, "backward hooks", at);
    if (metadata !== undefined) this.emptyDict(metadata, "tensor metadata", at);
    if (++this.tensors > this.limits.maxTensors)
      tooLarge(`the pickle rebuilds more than ${this.limits.maxTensors} tensors`, this.where);
    return new TensorRef(storage, start, shape, strides);
  }

  private rebuildParameter(args: PyTuple, at: number): TensorRef {
    const [data, requiresGrad, hooks] = args.items;
    if (args.items.length !== 3 || !(data instanceof TensorRef) || typeof requiresGrad !== "boolean")
      this.bad(at, "_rebuild_parameter takes (tensor, requires_grad, hooks)");
    this.emptyDict(hooks!, "backward hooks", at);
    return data;
  }

  /** A size or stride: a tuple of at most 64 whole numbers >= 0 (PyTorch's strides are never negative). */
  private dims(v: PyValue, what: string, at: number): number[] {
    const dims = v instanceof PyTuple ? v.items.map(intOf) : [];
    if (!(v instanceof PyTuple) || v.items.length > 64 || dims.some((d) => d === undefined || d < 0))
      this.bad(at, `_rebuild_tensor_v2 with a ${what} that is not a tuple of at most 64 whole numbers >= 0`);
    return dims as number[];
  }

  private emptyDict(v: PyValue, what: string, at: number): void {
    if (!(v instanceof PyDict)) this.bad(at, `${what} that are a ${typeName(v)}, not a dict`);
    if (v.entries.size > 0)
      refused(
        `${what} (${[...v.entries.keys()].slice(0, 3).map(String).join(", ")}) at byte ${at} of ${this.record}`,
        this.where,
      );
  }

  private bad(at: number, what: string): never {
    return malformed(`${this.record}: at byte ${at}, ${what}`, this.where);
  }
}
