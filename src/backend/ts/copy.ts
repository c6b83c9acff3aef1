// Reference copies: strided (permutes, slices, concatenation, broadcasts) and gathers/scatters along an axis.
import { DTYPES, type StorageArray, type StorageDtype } from "../dtypes.ts";
import type { F32 } from "../kernels.ts";
import { walk2 } from "./strided.ts";

export function copyStrided(
  src: F32,
  srcStrides: Int32Array,
  dst: F32,
  dstStrides: Int32Array,
  shape: Int32Array,
): void {
  walk2(shape, srcStrides, dstStrides, (_, s, d) => {
    dst[d] = src[s];
  });
}

function firstOutside(indices: Int32Array, m: number, n: number): number {
  for (let i = 0; i < m; i++) if (indices[i] < 0 || indices[i] >= n) return i;
  return -1;
}

export function indexSelect(
  x: StorageArray,
  xDtype: StorageDtype,
  indices: Int32Array,
  out: F32,
  outer: number,
  n: number,
  inner: number,
  m: number,
): number {
  const bad = firstOutside(indices, m, n);
  if (bad >= 0) return bad;
  const decode = DTYPES[xDtype].toF32;
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < m; i++) {
      const from = (o * n + indices[i]) * inner;
      decode(x.subarray(from, from + inner), out.subarray((o * m + i) * inner), inner);
    }
  return -1;
}

export function indexAdd(
  g: F32,
  indices: Int32Array,
  gx: F32,
  outer: number,
  n: number,
  inner: number,
  m: number,
): number {
  const bad = firstOutside(indices, m, n);
  if (bad >= 0) return bad;
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < m; i++) {
      const dst = (o * n + indices[i]) * inner;
      const src = (o * m + i) * inner;
      for (let c = 0; c < inner; c++) gx[dst + c] += g[src + c];
    }
  return -1;
}
