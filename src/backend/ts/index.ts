// The pure-TypeScript backend: the correctness oracle in tests and the fallback when the addon is missing.
import type { Kernels } from "../kernels.ts";
import { attentionBackward, attentionForward } from "./attention.ts";
import { geluBackward, geluForward, rope, swigluBackward, swigluForward } from "./elementwise.ts";
import { sgemm } from "./gemm.ts";
import { adamw, crossEntropyBackward, crossEntropyForward } from "./loss.ts";
import {
  layerNormBackward,
  layerNormForward,
  rmsNormBackward,
  rmsNormForward,
  softmaxBackward,
  softmaxForward,
} from "./norms.ts";

export const tsKernels: Kernels = {
  name: "ts",
  threads: () => 1,
  setThreads: () => {},
  sgemm,
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
};
