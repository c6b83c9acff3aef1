// Reference cross-entropy (log-softmax fused with NLL, ignore_index) and AdamW.
import type { KernelFns } from "../kernels.ts";

export const crossEntropyForward: KernelFns["crossEntropyForward"] = (
  logits,
  labels,
  loss,
  lse,
  rows,
  V,
  ignoreIndex,
) => {
  for (let r = 0; r < rows; r++) if (labels[r] !== ignoreIndex && (labels[r] < 0 || labels[r] >= V)) return r;
  for (let r = 0; r < rows; r++) {
    const o = r * V;
    const y = labels[r];
    let m = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < V; c++) if (logits[o + c] > m) m = logits[o + c];
    let s = 0;
    for (let c = 0; c < V; c++) s += Math.exp(logits[o + c] - m);
    lse[r] = m + Math.log(s);
    loss[r] = y === ignoreIndex ? 0 : m + Math.log(s) - logits[o + y];
  }
  return -1;
};

export const crossEntropyBackward: KernelFns["crossEntropyBackward"] = (
  logits,
  labels,
  lse,
  dlogits,
  scale,
  rows,
  V,
  ignoreIndex,
) => {
  for (let r = 0; r < rows; r++) {
    const o = r * V;
    const y = labels[r];
    if (y === ignoreIndex || y < 0 || y >= V) {
      dlogits.fill(0, o, o + V);
      continue;
    }
    const l = lse[r];
    for (let c = 0; c < V; c++) dlogits[o + c] = scale * Math.exp(logits[o + c] - l);
    dlogits[o + y] -= scale;
  }
};

export const adamw: KernelFns["adamw"] = (param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, step) => {
  const bc1 = 1 - beta1 ** step;
  const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
  const stepSize = lr / bc1;
  for (let i = 0; i < n; i++) {
    const g = grad[i];
    param[i] *= 1 - lr * weightDecay;
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    param[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / bc2Sqrt + eps);
  }
};
