// Tensor: a shape over a storage (storage.ts). Compute is f32; a tensor may store bf16/f16 bits or
// block-quantised codes instead (frozen weights stay small in memory and are widened inside the kernels that
// read them), so every op takes every storage dtype. The layers above see no raw array: values cross to the
// host through the methods named here (item, readF32, readStored, writeF32), each a place where they must.
import { allocStorage, type StorageArray, type StorageDtype, storageLength } from "../backend/dtypes.ts";
import { kernels } from "../backend/index.ts";
import type { Node } from "./autograd.ts";
import { hostArray, hostF32, ownedF32, Storage } from "./storage.ts";

export type { StorageDtype };

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export class Tensor {
  readonly shape: Shape;
  /** Its owner may give it another storage of the same shape (a loaded checkpoint, a quantised copy). */
  storage: Storage;
  /** True for leaves that want a gradient and for every result computed from such a tensor. */
  requiresGrad = false;
  /** Accumulated gradient of a leaf (same shape, f32), filled by backward(). */
  grad: Float32Array | null = null;
  /** Where backward puts a leaf's first gradient instead of a buffer of its own (a view into an arena). */
  gradSlot: Float32Array | null = null;
  /** The operation that produced this tensor, while its backward is still needed. */
  node: Node | null = null;

  readonly size: number;

  /** Empty data with a non-empty shape makes a placeholder (a parameter not yet loaded): reading it throws. */
  constructor(data: StorageArray | Storage, shape: Shape, dtype: StorageDtype = "f32") {
    const n = numel(shape);
    const storage = data instanceof Storage ? data : new Storage(dtype, data);
    if (!storage.holds(n) && storage.byteLength !== 0)
      throw new Error(
        `tensor storage of ${storage.byteLength} bytes does not hold shape [${shape}] as ${storage.dtype} ` +
          `(${storageLength(storage.dtype, n)} elements)`,
      );
    this.storage = storage;
    this.shape = shape;
    this.size = n;
  }

  get dtype(): StorageDtype {
    return this.storage.dtype;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Whether its storage holds its values (false for a placeholder). */
  get loaded(): boolean {
    return this.storage.holds(this.size);
  }

  /** Host read of a one-element tensor (a loss). */
  item(): number {
    if (this.size !== 1) throw new Error(`item() of ${this}, which has ${this.size} elements`);
    return hostF32(this)[0];
  }

  /** Host read: the values as a new f32 array the caller owns. */
  readF32(): Float32Array {
    const values = hostF32(this);
    return values === hostArray(this) ? values.slice() : values;
  }

  /** Host read of the stored form in `dtype` for checkpoint I/O: this tensor's own storage when it already is
   * that dtype (so never write into it), else a converted copy. */
  readStored(dtype: StorageDtype = this.dtype): StorageArray {
    if (dtype === this.dtype) return hostArray(this);
    if (dtype === "f32") return hostF32(this);
    const out = allocStorage(dtype, this.size);
    kernels().convertFromF32(hostF32(this), out, dtype, this.size);
    return out;
  }

  /** Host write into an f32 tensor's own storage (restored checkpoints, initialisation). */
  writeF32(values: ArrayLike<number>): void {
    if (values.length !== this.size)
      throw new Error(`writing ${values.length} values into ${this}, which has ${this.size}`);
    ownedF32(this).set(values);
  }

  /** Its contents stored as `dtype`: this tensor's own storage when it already is, else a converted one. */
  storedAs(dtype: StorageDtype): Storage {
    return dtype === this.dtype ? this.storage : new Storage(dtype, this.readStored(dtype));
  }

  /** A leaf copy that shares nothing with the graph. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape);
  }

  toString(): string {
    return `Tensor(${this.dtype}, [${this.shape.join(", ")}])`;
  }
}

export function tensor(values: ArrayLike<number>, shape?: Shape): Tensor {
  const data = Float32Array.from(values);
  return new Tensor(data, shape ?? [data.length]);
}

export function zeros(shape: Shape): Tensor {
  return new Tensor(new Float32Array(numel(shape)), shape);
}

export function full(shape: Shape, value: number): Tensor {
  return new Tensor(new Float32Array(numel(shape)).fill(value), shape);
}

export function scalar(value: number): Tensor {
  return new Tensor(Float32Array.of(value), []);
}

/** An op's result over a buffer it allocated: an activation while the graph holds it (autograd.ts). */
export function opResult(data: Float32Array, shape: Shape): Tensor {
  return new Tensor(new Storage("f32", data, true), shape);
}
