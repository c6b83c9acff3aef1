// Block-quantised storage of a weight matrix: int8 with one scale per row (an output channel), nf4 with one
// per block of 64 (QLoRA's absmax), computed by the kernels from the weight's values.
import { allocStorage } from "../backend/dtypes.ts";
import { kernels } from "../backend/index.ts";
import { hostF32, Storage } from "./storage.ts";
import type { Tensor } from "./tensor.ts";

export type QuantFormat = "int8" | "nf4";

/** The storage of w ([rows, cols]) quantised to `format`; w is unchanged. */
export function quantizedStorage(w: Tensor, format: QuantFormat): Storage {
  const [rows, cols] = w.shape;
  const codes = allocStorage(format, w.size);
  if (format === "int8") kernels().quantizeRows(hostF32(w), codes, format, rows, cols);
  else kernels().convertFromF32(hostF32(w), codes, format, w.size);
  return new Storage(format, codes);
}
