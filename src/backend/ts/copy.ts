// Reference copies: strided (permutes, slices, concatenation, broadcasts) and gathers/scatters along an axis.
import { DTYPES, storageLength } from "../dtypes.ts";
import type { KernelFns } from "../kernels.ts";
import { walk2 } from "./strided.ts";

export const copyStrided: KernelFns["copyStrided"] = (src, srcStrides, dst, dstStrides, shape) => {
  walk2(shape, srcStrides, dstStrides, (_, s, d) => {
    dst[d] = src[s];
  });
};

function firstOutside(indices: Int32Array, m: number, n: number): number {
  for (let i = 0; i < m; i++) if (indices[i] < 0 || indices[i] >= n) return i;
  return -1;
}

export const indexSelect: KernelFns["indexSelect"] = (x, xDtype, indices, out, outer, n, inner, m) => {
  const bad = firstOutside(indices, m, n);
  if (bad >= 0) return bad;
  const decode = DTYPES[xDtype].toF32;
  const rowLength = storageLength(xDtype, inner);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < m; i++) {
      const from = storageLength(xDtype, (o * n + indices[i]) * inner);
      decode(x.subarray(from, from + rowLength), out.subarray((o * m + i) * inner), inner);
    }
  return -1;
};

export const indexAdd: KernelFns["indexAdd"] = (g, indices, gx, outer, n, inner, m) => {
  const bad = firstOutside(indices, m, n);
  if (bad >= 0) return bad;
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < m; i++) {
      const dst = (o * n + indices[i]) * inner;
      const src = (o * m + i) * inner;
      for (let c = 0; c < inner; c++) gx[dst + c] += g[src + c];
    }
  return -1;
};
