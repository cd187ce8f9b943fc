/**
 * A state dict's unpickled value and its storages as the tensor map the safetensors reader produces (SafetensorsFile),
 * so that the PyTorch import maps names to a model exactly as it does for safetensors.
 *
 * Each tensor is a strided view of a storage: element (i_0, ..., i_k) is storage element offset + sum i_j * stride_j.
 * Views are read through their strides (a saved `weight.t()` has strides (1, rows); a slice has an offset into a larger
 * storage; an expanded tensor has stride 0), after checking that the last element they reach lies inside the storage,
 * and the values come out row-major, as safetensors holds them. Float tensors are decoded exactly; integer and boolean
 * buffers are size-checked and carry no values, like safetensors' own non-float tensors (the import refuses them as
 * weights). A value that is NaN or infinite is refused, as safetensors refuses it.
 */
import {
  bfloat16Value,
  float16Value,
  isFloatDtype,
  type SafetensorsFile,
  type SafetensorsTensor,
} from "../safetensors.js";
import { malformed, tooLarge } from "./fail.js";
import { PT_LIMITS, type PtLimits } from "./limits.js";
import { PyDict, typeName, type PyValue } from "./pickle-values.js";
import { TensorRef, type StorageRef } from "./torch-pickle.js";

export interface Storages {
  /** The raw bytes of storage `key` (the archive entry data/<key>), or undefined when the archive has none. */
  bytes(key: string): Uint8Array | undefined;
  readonly littleEndian: boolean;
}

export function stateDictFile(
  root: PyValue,
  storages: Storages,
  where: string,
  limits: PtLimits = PT_LIMITS,
): SafetensorsFile {
  if (!(root instanceof PyDict)) {
    const what = root instanceof TensorRef ? "one tensor" : `a ${typeName(root)}`;
    malformed(`the file holds ${what}, not a state dict (torch.save(model.state_dict(), path) saves one)`, where);
  }
  const tensors = new Map<string, SafetensorsTensor>();
  const checked = new Map<StorageRef, DataView>();
  let values = 0;
  for (const [key, value] of root.entries) {
    if (typeof key !== "string") malformed(`the state dict has a key ${String(key)} that is not a string`, where);
    const name = JSON.stringify(key.length > 60 ? `${key.slice(0, 57)}...` : key);
    if (!(value instanceof TensorRef))
      malformed(
        `${name} holds a ${typeName(value)}, not a tensor (a training checkpoint? save model.state_dict() alone)`,
        where,
      );
    const view = checked.get(value.storage) ?? storageView(value.storage, storages, where);
    checked.set(value.storage, view);
    const count = value.shape.reduce((p, d) => p * d, 1);
    values += count;
    if (!Number.isSafeInteger(values) || values > limits.maxValues)
      tooLarge(`the tensors hold more than ${limits.maxValues} values`, where);
    tensors.set(key, {
      name: key,
      dtype: value.storage.storageType.dtype,
      shape: value.shape,
      values: gather(value, view, count, storages.littleEndian, name, where),
    });
  }
  return { tensors, metadata: {} };
}

/** The storage's bytes, which must be exactly its persistent id's numel elements. */
function storageView(s: StorageRef, storages: Storages, where: string): DataView {
  const bytes = storages.bytes(s.key);
  if (bytes === undefined)
    malformed(`storage ${JSON.stringify(s.key)} has no entry data/${s.key} in the archive`, where);
  const want = s.numel * s.storageType.itemBytes;
  if (bytes.length !== want)
    malformed(
      `storage ${JSON.stringify(s.key)} holds ${bytes.length} bytes, but its persistent id says ${s.numel} x ${s.storageType.torchDtype} (${want} bytes)`,
      where,
    );
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The view's elements in row-major order, read through its strides; the furthest one is checked first. */
function gather(
  t: TensorRef,
  view: DataView,
  count: number,
  littleEndian: boolean,
  name: string,
  where: string,
): Float64Array | undefined {
  let last = t.offset;
  for (let k = 0; k < t.shape.length; k++) last += (t.shape[k]! - 1) * t.stride[k]!;
  if (count > 0 && (!Number.isSafeInteger(last) || last >= t.storage.numel))
    malformed(
      `tensor ${name} (size [${t.shape.join(", ")}], stride [${t.stride.join(", ")}], offset ${t.offset}) reaches element ${last} of a storage of ${t.storage.numel}`,
      where,
    );
  const dtype = t.storage.storageType.dtype;
  if (!isFloatDtype(dtype)) return undefined;
  const read = READERS[dtype];
  const out = new Float64Array(count);
  const rank = t.shape.length;
  const index = new Array<number>(rank).fill(0);
  let at = t.offset;
  for (let i = 0; i < count; i++) {
    const v = read(view, at, littleEndian);
    if (!Number.isFinite(v)) malformed(`tensor ${name} holds ${v} at flat index ${i}; weights must be finite`, where);
    out[i] = v;
    // the next index in row-major order: carry like an odometer, moving `at` by the strides
    for (let k = rank - 1; k >= 0; k--) {
      index[k]!++;
      at += t.stride[k]!;
      if (index[k]! < t.shape[k]!) break;
      at -= t.stride[k]! * t.shape[k]!;
      index[k] = 0;
    }
  }
  return out;
}

const READERS = {
  F64: (v: DataView, i: number, le: boolean) => v.getFloat64(8 * i, le),
  F32: (v: DataView, i: number, le: boolean) => v.getFloat32(4 * i, le),
  F16: (v: DataView, i: number, le: boolean) => float16Value(v.getUint16(2 * i, le)),
  BF16: (v: DataView, i: number, le: boolean) => bfloat16Value(v.getUint16(2 * i, le)),
} as const;
