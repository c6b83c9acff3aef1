// Global gradient norm and clipping (torch.nn.utils.clip_grad_norm_), each one pass over the trainable arena
// (its gradients collected first, TrainableArena.collectGrads).
import type { TrainableArena } from "../tensor/arena.ts";

export function globalGradNorm(arena: TrainableArena): number {
  return Math.sqrt(arena.gradSumSquares());
}

/** Scales all gradients so their global norm is at most maxNorm; returns the norm before clipping (which the
 * caller may pass in when it has it already). */
export function clipGradNorm(arena: TrainableArena, maxNorm: number, norm = globalGradNorm(arena)): number {
  const coef = maxNorm / (norm + 1e-6);
  if (maxNorm > 0 && coef < 1) arena.scaleGrads(coef);
  return norm;
}
