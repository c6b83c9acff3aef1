// What a weights file's data.pkl may hold, as torch.load(weights_only=True) allows it: dicts and
// OrderedDicts of tensors (a module's state_dict() with its `_metadata`), tensors and parameters rebuilt from
// storages, torch.Size and tuples. Every other global is refused by name before anything is built.

import type { Dtype } from "../dtype.ts";
import { describe, PickleDict, PickleGlobal, unpickle } from "./pickle.ts";
import { TorchFileError } from "./torch_error.ts";

/** torch's storage classes (the names torch.save pickles, also in torch 2) and the elements they hold. */
const STORAGE_DTYPES: Record<string, Dtype> = {
  DoubleStorage: "F64",
  FloatStorage: "F32",
  HalfStorage: "F16",
  BFloat16Storage: "BF16",
  LongStorage: "I64",
  IntStorage: "I32",
  ShortStorage: "I16",
  CharStorage: "I8",
  ByteStorage: "U8",
  BoolStorage: "BOOL",
};

class StorageType extends PickleGlobal {
  constructor(
    name: string,
    readonly dtype: Dtype,
  ) {
    super(name);
  }
}

/** One storage of the archive: the zip entry `data/<key>` holds its `numel` elements. */
export interface StorageRef {
  key: string;
  dtype: Dtype;
  numel: number;
}

/** A tensor as torch rebuilds it: a strided view of a storage (offset and strides in elements). */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
  ) {}
}

/** Beyond this a dense copy could not be addressed (2^53 bytes at 8 bytes an element). */
const MAX_ELEMENTS = 2 ** 50;

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isCounts = (v: unknown): v is number[] => Array.isArray(v) && v.every(isCount);

/** Reads data.pkl of `file` into its tensors by name, in the dict's order. */
export function readStateDict(pickle: Uint8Array, file: string): Map<string, TensorRef> {
  const bad = (detail: string) => new TorchFileError("pickle", file, null, `data.pkl: ${detail}`);
  const storages = new Map<string, StorageRef>();

  const rebuildTensor = (args: readonly unknown[]): TensorRef => {
    const [storage, offset, shape, stride] = args;
    const known = storages.get((storage as StorageRef | null)?.key ?? "");
    if (args.length < 6 || args.length > 7 || !known || known !== storage)
      throw bad("_rebuild_tensor_v2 is called without a storage and its 6 arguments");
    if (!isCount(offset) || !isCounts(shape) || !isCounts(stride) || shape.length !== stride.length)
      throw bad(`_rebuild_tensor_v2 has an invalid view: offset ${offset}, size ${shape}, stride ${stride}`);
    return new TensorRef(storage as StorageRef, offset, shape, stride);
  };
  const parameter = (name: string) => (args: readonly unknown[]) => {
    if (!(args[0] instanceof TensorRef)) throw bad(`${name} is called on ${describe(args[0])}`);
    return args[0];
  };
  const CALLABLES: Record<string, (args: readonly unknown[]) => unknown> = {
    "collections.OrderedDict": (args) => {
      const d = new PickleDict();
      const pairs = args[0] ?? [];
      if (args.length > 1 || !Array.isArray(pairs)) throw bad("OrderedDict is called with odd arguments");
      for (const pair of pairs) {
        if (!Array.isArray(pair) || pair.length !== 2) throw bad("OrderedDict is given something not a pair");
        d.items.set(pair[0], pair[1]);
      }
      return d;
    },
    "torch._utils._rebuild_tensor_v2": rebuildTensor,
    "torch._utils._rebuild_parameter": parameter("_rebuild_parameter"),
    "torch._utils._rebuild_parameter_with_state": parameter("_rebuild_parameter_with_state"),
    "torch.Size": (args) => {
      if (!isCounts(args[0])) throw bad(`torch.Size is called on ${describe(args[0])}`);
      return args[0];
    },
  };

  const findGlobal = (module: string, name: string): PickleGlobal => {
    const full = `${module}.${name}`;
    if (Object.hasOwn(CALLABLES, full)) return new PickleGlobal(full, CALLABLES[full]);
    if (module === "torch" && Object.hasOwn(STORAGE_DTYPES, name))
      return new StorageType(full, STORAGE_DTYPES[name]);
    if (module === "torch" && name.endsWith("Storage"))
      throw new TorchFileError(
        "tensor",
        file,
        null,
        `storage type ${full} is not supported (tensors of F64, F32, F16, BF16, I64, I32, I16, I8, U8 and bool are)`,
      );
    throw new TorchFileError(
      "global",
      file,
      null,
      `data.pkl names the Python global "${full}", which a file of weights never needs: refused ` +
        "(nothing in the file is run; only tensors, storages and (Ordered)dicts are read)",
    );
  };

  const persistentLoad = (pid: unknown): StorageRef => {
    if (!Array.isArray(pid) || pid.length !== 5 || pid[0] !== "storage")
      throw bad(`a persistent id is ${describe(pid)}, not a storage record`);
    const [, type, key, , numel] = pid;
    if (!(type instanceof StorageType) || typeof key !== "string" || !isCount(numel))
      throw bad(`storage record (${pid.map(describe).join(", ")}) is malformed`);
    const known = storages.get(key);
    if (known && (known.dtype !== type.dtype || known.numel !== numel))
      throw bad(
        `storage "${key}" is given as both ${known.dtype}[${known.numel}] and ${type.dtype}[${numel}]`,
      );
    const s = known ?? { key, dtype: type.dtype, numel };
    storages.set(key, s);
    return s;
  };

  const root = unpickle(pickle, { findGlobal, persistentLoad }, bad);
  if (!(root instanceof PickleDict))
    throw new TorchFileError(
      "not_state_dict",
      file,
      null,
      `holds ${root instanceof TensorRef ? "a single tensor" : describe(root)}, not a dict of tensors`,
    );
  const tensors = new Map<string, TensorRef>();
  for (const [name, value] of root.items) {
    if (typeof name !== "string")
      throw new TorchFileError(
        "not_state_dict",
        file,
        null,
        `has the key ${describe(name)}, not a tensor name`,
      );
    if (!(value instanceof TensorRef))
      throw new TorchFileError(
        "not_state_dict",
        file,
        name,
        `is ${describe(value)}, not a tensor: not a state dict (save model.state_dict() instead)`,
      );
    checkView(file, name, value);
    tensors.set(name, value);
  }
  return tensors;
}

/** The view's elements must all lie inside its storage. */
function checkView(file: string, name: string, t: TensorRef): void {
  const numel = t.shape.reduce((a, b) => a * b, 1);
  if (numel > MAX_ELEMENTS)
    throw new TorchFileError("tensor", file, name, `size [${t.shape}] has more elements than any tensor`);
  if (numel === 0) return;
  const last = t.shape.reduce((sum, d, i) => sum + (d - 1) * t.stride[i], t.offset);
  if (last >= t.storage.numel)
    throw new TorchFileError(
      "tensor",
      file,
      name,
      `view (offset ${t.offset}, size [${t.shape}], stride [${t.stride}]) reaches element ${last} of a storage of ${t.storage.numel}`,
    );
}
