// Tensor: a shape over a flat row-major buffer. Compute is f32; a tensor may store bf16/f16 bits instead
// (frozen weights stay half-size in memory and are widened inside the kernels that read them). Ops read
// their inputs through toFloat32(), so every op takes every storage dtype.
import {
  allocStorage,
  holdsDtype,
  type StorageArray,
  type StorageDtype,
  storageLength,
} from "../backend/dtypes.ts";
import { kernels } from "../backend/index.ts";
import type { Node } from "./autograd.ts";

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export class Tensor {
  readonly shape: Shape;
  dtype: StorageDtype;
  /** Raw storage: Float32Array for f32, 16-bit patterns for bf16/f16, blocks of bytes for int8/nf4. */
  data: StorageArray;
  /** True for leaves that want a gradient and for every result computed from such a tensor. */
  requiresGrad = false;
  /** Accumulated gradient of a leaf (same shape, f32), filled by backward(). */
  grad: Float32Array | null = null;
  /** The operation that produced this tensor, while its backward is still needed. */
  node: Node | null = null;

  readonly size: number;

  /** Empty data with a non-empty shape makes a placeholder (a parameter not yet loaded): reading it throws. */
  constructor(data: StorageArray, shape: Shape, dtype: StorageDtype = "f32") {
    const n = numel(shape);
    const need = storageLength(dtype, n);
    if (data.length !== need && data.length !== 0)
      throw new Error(`tensor data has ${data.length} elements, shape [${shape}] needs ${need}`);
    if (!holdsDtype(data, dtype)) throw new Error(`dtype ${dtype} does not match a ${data.constructor.name}`);
    this.data = data;
    this.shape = shape;
    this.dtype = dtype;
    this.size = n;
  }

  /** The raw storage, checked to be materialised. */
  get storage(): StorageArray {
    if (this.data.length !== storageLength(this.dtype, this.size))
      throw new Error(`${this} has not been loaded`);
    return this.data;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** The f32 buffer of an f32 tensor, for writing in place (optimizer steps, restored checkpoints). */
  get values(): Float32Array {
    if (this.dtype !== "f32") throw new Error(`expected an f32 tensor, got ${this.dtype}`);
    return this.storage as Float32Array;
  }

  /** The contents as f32, whatever the storage: how ops read their inputs (a new buffer for half storage,
   * the same buffer for f32, so never write into it). */
  toFloat32(): Float32Array {
    const data = this.storage;
    if (this.dtype === "f32") return data as Float32Array;
    const out = new Float32Array(this.size);
    kernels().convertToF32(data, this.dtype, out, this.size);
    return out;
  }

  /** The contents stored as `dtype`: this tensor's own storage when it already is, else converted. */
  storageAs(dtype: StorageDtype): StorageArray {
    if (dtype === this.dtype) return this.storage;
    if (dtype === "f32") return this.toFloat32();
    const out = allocStorage(dtype, this.size);
    kernels().convertFromF32(this.toFloat32(), out, dtype, this.size);
    return out;
  }

  /** A leaf copy that shares nothing with the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, this.dtype);
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
