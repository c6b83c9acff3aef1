// Reference conversions between storage dtypes and f32, from the dtype table.
import { DTYPES, type StorageArray, type StorageDtype } from "../dtypes.ts";
import type { F32 } from "../kernels.ts";

export function convertToF32(src: StorageArray, srcDtype: StorageDtype, dst: F32, n: number): void {
  DTYPES[srcDtype].toF32(src, dst, n);
}

export function convertFromF32(src: F32, dst: StorageArray, dstDtype: StorageDtype, n: number): void {
  DTYPES[dstDtype].fromF32(src, dst, n);
}
