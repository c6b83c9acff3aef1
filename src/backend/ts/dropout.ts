// Reference inverted dropout, drawing its mask from an Rng's xoshiro128** state in place.
import type { F32 } from "../kernels.ts";
import { xoshiroNext } from "../xoshiro.ts";

export function dropoutForward(x: F32, y: F32, mask: Uint8Array, n: number, p: number, state: Uint32Array) {
  const keep = Math.fround(1 / (1 - p));
  for (let i = 0; i < n; i++) {
    const kept = (xoshiroNext(state) >>> 8) / 16777216 >= p;
    mask[i] = kept ? 1 : 0;
    y[i] = x[i] * (kept ? keep : 0);
  }
}

export function dropoutBackward(dy: F32, mask: Uint8Array, dx: F32, n: number, p: number) {
  const keep = Math.fround(1 / (1 - p));
  for (let i = 0; i < n; i++) dx[i] = dy[i] * (mask[i] ? keep : 0);
}
