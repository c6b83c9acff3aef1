// Changing a stored tensor's float dtype, rounding as torch's Tensor.to does: to nearest even, through f32
// (torch's Half and BFloat16 are built from a float, so f64 → f16 rounds twice exactly as here).

import { f32ToHalf } from "../tensor/dtype.ts";
import type { Dtype, Tensor } from "./dtype.ts";
import { toFloat32 } from "./to_float32.ts";

export type FloatDtype = "F32" | "F16" | "BF16";

const FLOATS: readonly Dtype[] = ["F64", "F32", "F16", "BF16"];

export function isFloatDtype(dtype: Dtype): boolean {
  return FLOATS.includes(dtype);
}

/** The tensor in dtype `to` when it is a float tensor of another dtype; integer and bool tensors, and
 * tensors already of that dtype, are returned as they are. */
export function castFloat(t: Tensor, to: FloatDtype): Tensor {
  if (t.dtype === to || !isFloatDtype(t.dtype)) return t;
  const f32 = toFloat32(t);
  const data = to === "F32" ? f32 : f32ToHalf(f32, to === "F16" ? "f16" : "bf16");
  return { dtype: to, shape: t.shape, data };
}
