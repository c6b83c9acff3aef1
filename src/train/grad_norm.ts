// Global gradient norm, clipping (torch.nn.utils.clip_grad_norm_) and the non-finite check that stops a run
// before a NaN/Inf gradient reaches the weights.
import { kernels } from "../backend/index.ts";
import type { Parameter } from "../nn/module.ts";

export function globalGradNorm(params: ReadonlyArray<readonly [string, Parameter]>): number {
  let ss = 0;
  for (const [, p] of params) if (p.grad) ss += kernels().sumSquares(p.grad, p.grad.length);
  return Math.sqrt(ss);
}

/** Scales all gradients so their global norm is at most maxNorm; returns the norm before clipping (which the
 * caller may pass in when it has it already). */
export function clipGradNorm(
  params: ReadonlyArray<readonly [string, Parameter]>,
  maxNorm: number,
  norm = globalGradNorm(params),
): number {
  const coef = maxNorm / (norm + 1e-6);
  if (maxNorm > 0 && coef < 1)
    for (const [, p] of params) if (p.grad) kernels().scale(p.grad, p.grad, p.grad.length, coef);
  return norm;
}

/** Names of the parameters whose gradient holds a NaN or ±Infinity. */
export function nonFiniteGrads(params: ReadonlyArray<readonly [string, Parameter]>): string[] {
  const bad: string[] = [];
  // A sum of squares in double is finite exactly when every element is.
  for (const [name, p] of params)
    if (p.grad && !Number.isFinite(kernels().sumSquares(p.grad, p.grad.length))) bad.push(name);
  return bad;
}
