// Reference inverted dropout, drawing its mask from an Rng's xoshiro128** state in place.
import type { KernelFns } from "../kernels.ts";
import { xoshiroNext } from "../xoshiro.ts";

export const dropoutForward: KernelFns["dropoutForward"] = (x, y, mask, n, p, state) => {
  const keep = Math.fround(1 / (1 - p));
  for (let i = 0; i < n; i++) {
    const kept = (xoshiroNext(state) >>> 8) / 16777216 >= p;
    mask[i] = kept ? 1 : 0;
    y[i] = x[i] * (kept ? keep : 0);
  }
};

export const dropoutBackward: KernelFns["dropoutBackward"] = (dy, mask, dx, n, p) => {
  const keep = Math.fround(1 / (1 - p));
  for (let i = 0; i < n; i++) dx[i] = dy[i] * (mask[i] ? keep : 0);
};
