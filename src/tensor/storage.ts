// A tensor's storage: where its values live (the device), how they are stored (the dtype) and the backend's
// handle to them. The handle is reachable only through this module, which nothing above tensor/ imports
// (test/architecture/layering.test.ts checks): the layers above read and write values through the Tensor's
// named host-access methods, so each place that moves values to or from the host is visible.
import { holdsDtype, type StorageArray, type StorageDtype, storageLength } from "../backend/dtypes.ts";
import { kernels } from "../backend/index.ts";
import type { Tensor } from "./tensor.ts";

/** Where a storage lives. The kernels of both backends run on host memory. */
export type Device = "cpu";

let handleOf: (s: Storage) => StorageArray;

export class Storage {
  readonly device: Device = "cpu";
  /** Graph nodes holding this storage for backward (activation accounting, autograd.ts). */
  graphRefs = 0;
  /** Set on storage an op allocated for its output: an activation while the graph holds it. */
  readonly fromOp: boolean;
  readonly #handle: StorageArray;

  static {
    handleOf = (s) => s.#handle;
  }

  /** An empty handle makes a placeholder (a parameter not yet loaded): reading it throws. */
  constructor(
    readonly dtype: StorageDtype,
    handle: StorageArray,
    fromOp = false,
  ) {
    if (!holdsDtype(handle, dtype))
      throw new Error(`dtype ${dtype} does not match a ${handle.constructor.name}`);
    this.#handle = handle;
    this.fromOp = fromOp;
  }

  get byteLength(): number {
    return this.#handle.byteLength;
  }

  /** Whether it holds `n` values (a placeholder holds none). */
  holds(n: number): boolean {
    return this.#handle.length === storageLength(this.dtype, n);
  }
}

/** The raw host array of a tensor's storage (checked to be loaded), for the kernels. */
export function hostArray(t: Tensor): StorageArray {
  if (!t.storage.holds(t.size)) throw new Error(`${t} has not been loaded`);
  return handleOf(t.storage);
}

/** The values as f32 for a kernel to read: the storage itself when it is f32 (so never write into it), a
 * converted copy otherwise. */
export function hostF32(t: Tensor): Float32Array {
  const data = hostArray(t);
  if (t.dtype === "f32") return data as Float32Array;
  const out = new Float32Array(t.size);
  kernels().convertToF32(data, t.dtype, out, t.size);
  return out;
}

/** The f32 storage of an f32 tensor, for its owner to update in place. */
export function ownedF32(t: Tensor): Float32Array {
  if (t.dtype !== "f32") throw new Error(`expected an f32 tensor, got ${t.dtype}`);
  return hostArray(t) as Float32Array;
}
