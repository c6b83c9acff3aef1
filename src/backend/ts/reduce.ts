// Reference reductions, summed in double.
import type { KernelFns } from "../kernels.ts";

export const sumSquares: KernelFns["sumSquares"] = (x, n) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * x[i];
  return s;
};

export const sumAxis: KernelFns["sumAxis"] = (x, out, outer, n, inner, alpha) => {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += x[(o * n + j) * inner + i];
      out[o * inner + i] = s * alpha;
    }
};
