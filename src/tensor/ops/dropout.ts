// Inverted dropout: kept elements are scaled by 1/(1−p) so evaluation needs no rescaling.
import { record } from "../autograd.ts";
import type { Rng } from "../rng.ts";
import { Tensor } from "../tensor.ts";

export function dropout(x: Tensor, p: number, rng: Rng, training = true): Tensor {
  if (!(p >= 0 && p < 1)) throw new Error(`dropout probability ${p} outside [0, 1)`);
  if (!training || p === 0) return x;
  const xv = x.toFloat32();
  const keep = 1 / (1 - p);
  const mask = new Float32Array(xv.length);
  const out = new Float32Array(xv.length);
  for (let i = 0; i < xv.length; i++) {
    mask[i] = rng.uniform() >= p ? keep : 0;
    out[i] = xv[i] * mask[i];
  }
  return record("dropout", new Tensor(out, x.shape), [x], () => (g) => {
    for (let i = 0; i < g.length; i++) g[i] *= mask[i];
    return [g];
  });
}
