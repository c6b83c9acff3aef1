// One file of weights, whatever its format: safetensors, or a PyTorch checkpoint (.bin, .pt, .pth) as
// torch.save writes it. Both give the same tensors (dtype, shape, dense row-major data), so every loader
// reads either.

import { extname } from "node:path";
import { openSafetensors, type TensorSource } from "./safetensors.ts";
import { openTorchFile } from "./torch/torch_file.ts";

export interface WeightsFile extends TensorSource {
  readonly path: string;
  /** A safetensors file's __metadata__; null for torch files, which have none. */
  readonly metadata: Record<string, string> | null;
}

/** Extensions of PyTorch checkpoints; any other file is read as safetensors. */
export const TORCH_EXTENSIONS = [".bin", ".pt", ".pth"];

export function isTorchFile(path: string): boolean {
  return TORCH_EXTENSIONS.includes(extname(path).toLowerCase());
}

export function openWeightsFile(path: string): WeightsFile {
  return isTorchFile(path) ? openTorchFile(path) : openSafetensors(path);
}
