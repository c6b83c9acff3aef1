// Reductions: sum and mean over all elements or over one axis.
import { record } from "../autograd.ts";
import { Tensor } from "../tensor.ts";

function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} out of range for rank ${rank}`);
  return a;
}

/** Sum of all elements (axis omitted) or along `axis` (removed from the shape unless keepDim). */
export function sum(x: Tensor, axis?: number, keepDim = false): Tensor {
  return reduce("sum", x, axis, keepDim, 1);
}

export function mean(x: Tensor, axis?: number, keepDim = false): Tensor {
  const n = axis === undefined ? x.size : x.shape[normAxis(axis, x.ndim)];
  return reduce("mean", x, axis, keepDim, 1 / n);
}

function reduce(op: string, x: Tensor, axis: number | undefined, keepDim: boolean, factor: number): Tensor {
  const xv = x.toFloat32();
  if (axis === undefined) {
    let s = 0;
    for (let k = 0; k < xv.length; k++) s += xv[k];
    const out = new Tensor(Float32Array.of(s * factor), []);
    return record(op, out, [x], () => (g) => [new Float32Array(xv.length).fill(g[0] * factor)]);
  }
  const a = normAxis(axis, x.ndim);
  const outer = x.shape.slice(0, a).reduce((p, d) => p * d, 1);
  const n = x.shape[a];
  const inner = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const out = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < n; j++) {
      const src = (o * n + j) * inner;
      for (let i = 0; i < inner; i++) out[o * inner + i] += xv[src + i];
    }
  for (let k = 0; k < out.length; k++) out[k] *= factor;
  const shape = keepDim ? x.shape.map((d, i) => (i === a ? 1 : d)) : x.shape.filter((_, i) => i !== a);
  return record(op, new Tensor(out, shape), [x], () => (g) => {
    const gx = new Float32Array(xv.length);
    for (let o = 0; o < outer; o++)
      for (let j = 0; j < n; j++) {
        const dst = (o * n + j) * inner;
        for (let i = 0; i < inner; i++) gx[dst + i] = g[o * inner + i] * factor;
      }
    return [gx];
  });
}
