// Reductions: sum and mean over all elements or over one axis.
import { kernels } from "../../backend/index.ts";
import { record } from "../autograd.ts";
import { hostF32 } from "../storage.ts";
import { opResult, type Tensor } from "../tensor.ts";

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
  const a = axis === undefined ? -1 : normAxis(axis, x.ndim);
  // x as [outer, n, inner] around the reduced axis (all of x for a full reduction).
  const outer = a < 0 ? 1 : x.shape.slice(0, a).reduce((p, d) => p * d, 1);
  const n = a < 0 ? x.size : x.shape[a];
  const inner = a < 0 ? 1 : x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const k = kernels();
  const out = new Float32Array(outer * inner);
  k.sumAxis(hostF32(x), out, outer, n, inner, factor);
  let shape: number[] = [];
  if (a >= 0) shape = keepDim ? x.shape.map((d, i) => (i === a ? 1 : d)) : x.shape.filter((_, i) => i !== a);
  return record(op, opResult(out, shape), [x], () => (g) => {
    k.scale(g, g, g.length, factor);
    // Each output's gradient, repeated along the reduced axis.
    const gx = new Float32Array(x.size);
    const shape3 = Int32Array.of(outer, n, inner);
    k.copyStrided(g, Int32Array.of(inner, 0, 1), gx, Int32Array.of(n * inner, inner, 1), shape3);
    return [gx];
  });
}
