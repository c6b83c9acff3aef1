// Memory accounting for the run summary: bytes of weights, gradients and optimizer state by parameter, and
// measured activation and process peaks.
import type { Module } from "../nn/module.ts";

export interface MemoryReport {
  weightBytes: number;
  gradientBytes: number;
  optimizerBytes: number;
  /** The most activation memory the autograd graph held in one micro-batch (tensor/autograd.ts counts it). */
  peakActivationBytes: number;
  /** Peak resident set size of the process. */
  peakRssBytes: number;
}

export function staticMemory(
  model: Module,
): Pick<MemoryReport, "weightBytes" | "gradientBytes" | "optimizerBytes"> {
  let weightBytes = 0;
  let trainable = 0;
  for (const p of model.parameters()) {
    weightBytes += p.storage.byteLength;
    if (p.requiresGrad) trainable += p.size;
  }
  return { weightBytes, gradientBytes: 4 * trainable, optimizerBytes: 8 * trainable };
}

export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}
