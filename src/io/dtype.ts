// Tensor element types as spelled in safetensors headers, and the typed arrays that hold them.
// Half types (F16, BF16) stay as raw 16-bit patterns so frozen weights keep half the memory.

export type Dtype = "F64" | "F32" | "F16" | "BF16" | "I64" | "I32" | "I16" | "I8" | "U8" | "BOOL";

export type TensorData =
  | Float64Array
  | Float32Array
  | Uint16Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array;

/** A dense, row-major, little-endian tensor. `data.length` equals the product of `shape`. */
export interface Tensor {
  dtype: Dtype;
  shape: number[];
  data: TensorData;
}

interface DtypeInfo {
  bytes: number;
  make: (buffer: ArrayBuffer, length: number) => TensorData;
  /** The typed-array class a writer accepts for this dtype. */
  array: new (
    ...args: never[]
  ) => TensorData;
}

const INFO: Record<Dtype, DtypeInfo> = {
  F64: { bytes: 8, make: (b, n) => new Float64Array(b, 0, n), array: Float64Array },
  F32: { bytes: 4, make: (b, n) => new Float32Array(b, 0, n), array: Float32Array },
  F16: { bytes: 2, make: (b, n) => new Uint16Array(b, 0, n), array: Uint16Array },
  BF16: { bytes: 2, make: (b, n) => new Uint16Array(b, 0, n), array: Uint16Array },
  I64: { bytes: 8, make: (b, n) => new BigInt64Array(b, 0, n), array: BigInt64Array },
  I32: { bytes: 4, make: (b, n) => new Int32Array(b, 0, n), array: Int32Array },
  I16: { bytes: 2, make: (b, n) => new Int16Array(b, 0, n), array: Int16Array },
  I8: { bytes: 1, make: (b, n) => new Int8Array(b, 0, n), array: Int8Array },
  U8: { bytes: 1, make: (b, n) => new Uint8Array(b, 0, n), array: Uint8Array },
  BOOL: { bytes: 1, make: (b, n) => new Uint8Array(b, 0, n), array: Uint8Array },
};

export function isDtype(s: unknown): s is Dtype {
  return typeof s === "string" && Object.hasOwn(INFO, s);
}

export function dtypeBytes(dtype: Dtype): number {
  return INFO[dtype].bytes;
}

/** Views a freshly allocated buffer (offset 0, so always aligned) as the typed array of `dtype`. */
export function viewAs(dtype: Dtype, buffer: ArrayBuffer, length: number): TensorData {
  return INFO[dtype].make(buffer, length);
}

/** Whether `data` is the typed-array class that holds `dtype`. */
export function holdsDtype(dtype: Dtype, data: TensorData): boolean {
  return data instanceof INFO[dtype].array;
}
