// Gradient variance (the paper's gradient-variance figure): at a point of training, the gradients g_k of a common set of
// parameters over K fixed probe mini-batches, and Var = (1/K) Σ_k ‖g_k − ḡ‖² (with ḡ their mean). The block
// norms are the common set: every method has them, trainable or not. Probing neither changes the weights nor
// the run's randomness: it works on copies of the gradients, in eval mode (no dropout).
import { parameterGroups } from "../models/param_groups.ts";
import { type Module, type Parameter, setTrainable } from "../nn/module.ts";
import { backward } from "../tensor/autograd.ts";
import type { Tensor } from "../tensor/tensor.ts";

export interface GradVariance {
  /** (1/K) Σ ‖g_k − ḡ‖². */
  variance: number;
  /** ‖ḡ‖², for scale. */
  meanSquaredNorm: number;
  batches: number;
  parameters: number;
}

/** (1/K) Σ ‖g_k − ḡ‖² over K gradient vectors of equal length. */
export function gradientVariance(grads: ReadonlyArray<Float32Array>): {
  variance: number;
  meanSquaredNorm: number;
} {
  const K = grads.length;
  if (K < 2) throw new Error("gradient variance needs at least two gradients");
  const n = grads[0].length;
  const mean = new Float64Array(n);
  for (const g of grads) for (let i = 0; i < n; i++) mean[i] += g[i] / K;
  let variance = 0;
  for (const g of grads) for (let i = 0; i < n; i++) variance += (g[i] - mean[i]) ** 2 / K;
  let meanSquaredNorm = 0;
  for (let i = 0; i < n; i++) meanSquaredNorm += mean[i] ** 2;
  return { variance, meanSquaredNorm };
}

/** The parameters of the block norms (the paper's LayerNorm in attention), as the model's family places them. */
export function blockNorms(model: Module): Set<string> {
  const groups = parameterGroups(model);
  return new Set([...groups].filter(([, g]) => g.group === "block_norms").map(([n]) => n));
}

/** Gradients of the parameters named in `select` (default: the block norms) for each probe loss; every
 * other gradient, the trainable flags and the train/eval mode are restored afterwards. */
export function probeGradVariance(
  model: Module,
  losses: ReadonlyArray<() => Tensor>,
  select: ReadonlySet<string> = blockNorms(model),
): GradVariance {
  const all = model.namedParameters();
  const probed = all.filter(([n]) => select.has(n)).map(([, p]) => p);
  if (probed.length === 0) throw new Error("no parameter to probe");
  const saved = new Map<Parameter, { grad: Float32Array | null; requiresGrad: boolean }>(
    all.map(([, p]) => [p, { grad: p.grad, requiresGrad: p.requiresGrad }]),
  );
  const wasTraining = model.training;
  const size = probed.reduce((s, p) => s + p.size, 0);
  const grads: Float32Array[] = [];
  try {
    model.eval();
    // A half-stored norm is widened to f32 (the same values) so it can take a gradient.
    for (const [, p] of all) {
      p.grad = null;
      if (probed.includes(p)) setTrainable(p, true);
      else p.requiresGrad = false;
    }
    for (const loss of losses) {
      backward(loss());
      const g = new Float32Array(size);
      let at = 0;
      for (const p of probed) {
        if (p.grad) g.set(p.grad, at);
        p.grad = null;
        at += p.size;
      }
      grads.push(g);
    }
  } finally {
    for (const [p, s] of saved) {
      p.grad = s.grad;
      p.requiresGrad = s.requiresGrad;
    }
    model.train(wasTraining);
  }
  return { ...gradientVariance(grads), batches: grads.length, parameters: size };
}
