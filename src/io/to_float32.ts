// Widening any stored float tensor to float32, e.g. for a weight that becomes trainable.

import { halfToF32 } from "../tensor/dtype.ts";
import type { Tensor } from "./dtype.ts";

/** Any float tensor as float32 (bf16: bits << 16; f16: full half decoding, subnormals, inf and NaN
 * included; f64: rounded). An F32 tensor's own array is returned, not a copy. */
export function toFloat32(t: Tensor): Float32Array {
  switch (t.dtype) {
    case "F32":
      return t.data as Float32Array;
    case "F64":
      return Float32Array.from(t.data as Float64Array);
    case "F16":
      return halfToF32(t.data as Uint16Array, "f16");
    case "BF16":
      return halfToF32(t.data as Uint16Array, "bf16");
    default:
      throw new Error(`cannot convert a ${t.dtype} tensor to float32: not a float dtype`);
  }
}
