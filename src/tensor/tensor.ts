// Tensor: a shape over a flat row-major buffer. Compute is f32; a tensor may store bf16/f16 bits instead
// (frozen weights stay half-size in memory and are widened inside the kernels that read them). Ops read
// their inputs through toFloat32(), so every op takes every storage dtype.
import { f32ToHalf, halfToF32 } from "../backend/half.ts";
import type { StorageDtype } from "../backend/kernels.ts";
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
  /** Raw storage: Float32Array for f32, 16-bit patterns for bf16/f16. */
  data: Float32Array | Uint16Array;
  /** True for leaves that want a gradient and for every result computed from such a tensor. */
  requiresGrad = false;
  /** Accumulated gradient of a leaf (same shape, f32), filled by backward(). */
  grad: Float32Array | null = null;
  /** The operation that produced this tensor, while its backward is still needed. */
  node: Node | null = null;

  readonly size: number;

  /** Empty data with a non-empty shape makes a placeholder (a parameter not yet loaded): reading it throws. */
  constructor(data: Float32Array | Uint16Array, shape: Shape, dtype: StorageDtype = "f32") {
    const n = numel(shape);
    if (data.length !== n && data.length !== 0)
      throw new Error(`tensor data has ${data.length} elements, shape [${shape}] needs ${n}`);
    if ((dtype === "f32") !== data instanceof Float32Array)
      throw new Error(`dtype ${dtype} does not match a ${data.constructor.name}`);
    this.data = data;
    this.shape = shape;
    this.dtype = dtype;
    this.size = n;
  }

  /** The raw storage, checked to be materialised. */
  get storage(): Float32Array | Uint16Array {
    if (this.data.length !== this.size) throw new Error(`${this} has not been loaded`);
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
    return this.dtype === "f32" ? (data as Float32Array) : halfToF32(data as Uint16Array, this.dtype);
  }

  /** The contents stored as `dtype`: this tensor's own storage when it already is, else converted. */
  storageAs(dtype: StorageDtype): Float32Array | Uint16Array {
    if (dtype === this.dtype) return this.storage;
    return dtype === "f32" ? this.toFloat32() : f32ToHalf(this.toFloat32(), dtype);
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
