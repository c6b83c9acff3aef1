// Reference reductions, summed in double.
import type { F32 } from "../kernels.ts";

export function sumSquares(x: F32, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * x[i];
  return s;
}

export function sumAxis(x: F32, out: F32, outer: number, n: number, inner: number, alpha: number): void {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += x[(o * n + j) * inner + i];
      out[o * inner + i] = s * alpha;
    }
}
