// Reference conversions between storage dtypes and f32, from the dtype table, and per-row quantisation.
import { DTYPES } from "../dtypes.ts";
import type { KernelFns } from "../kernels.ts";
import { encodeRows, type QuantDtype } from "../quant.ts";

export const convertToF32: KernelFns["convertToF32"] = (src, srcDtype, dst, n) => {
  DTYPES[srcDtype].toF32(src, dst, n);
};

export const convertFromF32: KernelFns["convertFromF32"] = (src, dst, dstDtype, n) => {
  DTYPES[dstDtype].fromF32(src, dst, n);
};

export const quantizeRows: KernelFns["quantizeRows"] = (src, dst, dstDtype, rows, cols) => {
  encodeRows(dstDtype as QuantDtype, src, dst as Uint8Array, rows, cols);
};
