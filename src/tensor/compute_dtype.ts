// The compute dtype of products with frozen weights, the analogue of torch's autocast: under "bf16" the linear
// op and the fused head+loss multiply a frozen weight and the activations (in forward, and the gradient in
// backward) as bf16 values with f32 accumulation. Everything else (norms, softmax, attention, the loss, the
// optimizer, and products with trainable weights such as LoRA's factors) stays f32, and so do the results.
import { kernels } from "../backend/index.ts";
import type { KernelFns } from "../backend/kernels.ts";
import type { Tensor } from "./tensor.ts";

export const COMPUTE_DTYPES = ["f32", "bf16"] as const;
export type ComputeDtype = (typeof COMPUTE_DTYPES)[number];

let current: ComputeDtype = "f32";

export function computeDtype(): ComputeDtype {
  return current;
}

/** Sets the compute dtype for everything that follows; returns the previous one. */
export function setComputeDtype(dtype: ComputeDtype): ComputeDtype {
  if (!COMPUTE_DTYPES.includes(dtype))
    throw new Error(`compute dtype must be one of ${COMPUTE_DTYPES.join(", ")}, got ${dtype}`);
  const previous = current;
  current = dtype;
  return previous;
}

/** Runs fn under a compute dtype, restoring the previous one after. */
export function withComputeDtype<T>(dtype: ComputeDtype, fn: () => T): T {
  const previous = setComputeDtype(dtype);
  try {
    return fn();
  } finally {
    current = previous;
  }
}

/** The GEMM for products with weight w: the bf16 one for a frozen weight under bf16 compute, else sgemm. */
export function weightGemm(w: Tensor): KernelFns["sgemm"] {
  const k = kernels();
  return current === "bf16" && !w.requiresGrad ? k.gemmBf16 : k.sgemm;
}
