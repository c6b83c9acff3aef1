// The pure-TypeScript backend: the correctness oracle in tests and the fallback for every kernel a backend
// does not implement (or all of them, when the addon is missing).
import { bindKernels } from "../bind.ts";
import type { KernelFns, Kernels } from "../kernels.ts";
import { accumulate, binaryBackward, binaryForward, scale } from "./arith.ts";
import { attentionBackward, attentionForward } from "./attention.ts";
import { convertFromF32, convertToF32, quantizeRows } from "./convert.ts";
import { copyStrided, indexAdd, indexSelect } from "./copy.ts";
import { dropoutBackward, dropoutForward } from "./dropout.ts";
import { geluBackward, geluForward, rope, swigluBackward, swigluForward } from "./elementwise.ts";
import { gemmBf16, sgemm } from "./gemm.ts";
import { adamw, crossEntropyBackward, crossEntropyForward } from "./loss.ts";
import {
  layerNormBackward,
  layerNormForward,
  rmsNormBackward,
  rmsNormForward,
  softmaxBackward,
  softmaxForward,
} from "./norms.ts";
import { sumAxis, sumSquares } from "./reduce.ts";

/** The reference kernels themselves, without argument checks. */
export const referenceKernels: KernelFns = {
  sgemm,
  gemmBf16,
  rmsNormForward,
  rmsNormBackward,
  layerNormForward,
  layerNormBackward,
  softmaxForward,
  softmaxBackward,
  attentionForward,
  attentionBackward,
  rope,
  swigluForward,
  swigluBackward,
  geluForward,
  geluBackward,
  crossEntropyForward,
  crossEntropyBackward,
  adamw,
  binaryForward,
  binaryBackward,
  scale,
  accumulate,
  sumSquares,
  sumAxis,
  copyStrided,
  indexSelect,
  indexAdd,
  dropoutForward,
  dropoutBackward,
  convertToF32,
  convertFromF32,
  quantizeRows,
};

export const tsKernels: Kernels = bindKernels(
  { name: "ts", threads: () => 1, setThreads: () => {} },
  referenceKernels,
  referenceKernels,
);
