// Storage dtypes: the one table of what each means (its block, its bytes, its host array, its conversions to
// and from f32). The addon reads the same table from native/dtypes.generated.h, which
// tools/gen_native_headers.ts writes from this one (a test checks the committed header is up to date).
// A block-quantised format is one more row: blockSize values stored in blockBytes (codes and scales), with
// conversions that decode and encode whole blocks.
import { bf16RowToF32, f16RowToF32, f32RowToBf16, f32RowToF16 } from "./half.ts";
import { decodeBlocks, encodeBlocks, QUANT_BLOCKS } from "./quant.ts";

/** Element type of the host typed array that holds a dtype's storage. */
export type StorageElement = "f32" | "u16" | "u8";

export interface DtypeTraits {
  /** The value of this dtype in C++'s Dtype enum and in the addon's calls. */
  readonly id: number;
  /** Values per block: 1 for a plain element type. */
  readonly blockSize: number;
  /** Bytes one block takes in storage. */
  readonly blockBytes: number;
  /** Whether a block holds codes and scales rather than one value per element. */
  readonly quantised: boolean;
  readonly storage: StorageElement;
  /** The dtype's name in safetensors headers; null for a format safetensors has none for. */
  readonly safetensors: string | null;
  /** Decodes n values (n a multiple of blockSize) from storage into f32. */
  readonly toF32: (src: StorageArray, dst: Float32Array, n: number) => void;
  /** Encodes n f32 values into storage, rounding to nearest even. */
  readonly fromF32: (src: Float32Array, dst: StorageArray, n: number) => void;
}

export type StorageArray = Float32Array | Uint16Array | Uint8Array;

export const DTYPES = {
  f32: {
    id: 0,
    blockSize: 1,
    blockBytes: 4,
    quantised: false,
    storage: "f32",
    safetensors: "F32",
    toF32: (src, dst, n) => dst.set(src.subarray(0, n)),
    fromF32: (src, dst, n) => dst.set(src.subarray(0, n)),
  },
  bf16: {
    id: 1,
    blockSize: 1,
    blockBytes: 2,
    quantised: false,
    storage: "u16",
    safetensors: "BF16",
    toF32: (src, dst, n) => bf16RowToF32(src as Uint16Array, dst, n),
    fromF32: (src, dst, n) => f32RowToBf16(src, dst as Uint16Array, n),
  },
  f16: {
    id: 2,
    blockSize: 1,
    blockBytes: 2,
    quantised: false,
    storage: "u16",
    safetensors: "F16",
    toF32: (src, dst, n) => f16RowToF32(src as Uint16Array, dst, n),
    fromF32: (src, dst, n) => f32RowToF16(src, dst as Uint16Array, n),
  },
  // Block-quantised frozen weights (quant.ts): a scale per block of 32 int8 codes, or of 64 NF4 codes.
  int8: {
    id: 3,
    blockSize: QUANT_BLOCKS.int8.size,
    blockBytes: QUANT_BLOCKS.int8.bytes,
    quantised: true,
    storage: "u8",
    safetensors: null,
    toF32: (src, dst, n) => decodeBlocks("int8", src as Uint8Array, dst, n),
    fromF32: (src, dst, n) => encodeBlocks("int8", src, dst as Uint8Array, n),
  },
  nf4: {
    id: 4,
    blockSize: QUANT_BLOCKS.nf4.size,
    blockBytes: QUANT_BLOCKS.nf4.bytes,
    quantised: true,
    storage: "u8",
    safetensors: null,
    toF32: (src, dst, n) => decodeBlocks("nf4", src as Uint8Array, dst, n),
    fromF32: (src, dst, n) => encodeBlocks("nf4", src, dst as Uint8Array, n),
  },
} as const satisfies Record<string, DtypeTraits>;

/** Storage dtype of a tensor or a matrix operand. */
export type StorageDtype = keyof typeof DTYPES;

/** The dtypes in id order. */
export const STORAGE_DTYPES = (Object.keys(DTYPES) as StorageDtype[]).sort(
  (a, b) => DTYPES[a].id - DTYPES[b].id,
);

const ELEMENT_BYTES: Record<StorageElement, number> = { f32: 4, u16: 2, u8: 1 };
const ARRAYS = { f32: Float32Array, u16: Uint16Array, u8: Uint8Array } as const;

export function isStorageDtype(name: unknown): name is StorageDtype {
  return typeof name === "string" && Object.hasOwn(DTYPES, name);
}

/** Values that `length` elements of dtype's host array hold (whole blocks). */
export function storageValues(dtype: StorageDtype, length: number): number {
  const t: DtypeTraits = DTYPES[dtype];
  return Math.floor((length * ELEMENT_BYTES[t.storage]) / t.blockBytes) * t.blockSize;
}

/** Elements of the host array that holds n values of dtype. */
export function storageLength(dtype: StorageDtype, n: number): number {
  const t: DtypeTraits = DTYPES[dtype];
  return (Math.ceil(n / t.blockSize) * t.blockBytes) / ELEMENT_BYTES[t.storage];
}

/** The typed-array class that holds dtype's storage. */
export function storageClass(dtype: StorageDtype): (typeof ARRAYS)[StorageElement] {
  return ARRAYS[DTYPES[dtype].storage];
}

/** Whether data is the kind of host array that holds dtype's storage. */
export function holdsDtype(data: unknown, dtype: StorageDtype): boolean {
  return data instanceof storageClass(dtype);
}

/** A zeroed host array for n values of dtype. */
export function allocStorage(dtype: StorageDtype, n: number): StorageArray {
  return new (storageClass(dtype))(storageLength(dtype, n));
}

/** The storage dtype with this safetensors name, if any. */
export function dtypeOfSafetensors(name: string): StorageDtype | undefined {
  return STORAGE_DTYPES.find((d) => DTYPES[d].safetensors === name);
}
