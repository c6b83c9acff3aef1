// Shape ops: reshape (a view), permute/transpose, concat, slice and index-select along an axis.
import { record } from "../autograd.ts";
import { numel, type Shape, Tensor } from "../tensor.ts";

function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} out of range for rank ${rank}`);
  return a;
}

/** Same data, new shape; one dimension may be -1. Half-stored tensors can be reshaped too. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const known = shape.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
  const resolved = shape.map((d) => (d === -1 ? x.size / known : d));
  if (numel(resolved) !== x.size || !resolved.every(Number.isInteger))
    throw new Error(`cannot reshape [${x.shape}] to [${shape}]`);
  return record("reshape", new Tensor(x.data, resolved, x.dtype), [x], () => (g) => [g]);
}

export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const rank = x.ndim;
  if (perm.length !== rank || new Set(perm).size !== rank || perm.some((p) => p < 0 || p >= rank))
    throw new Error(`invalid permutation [${perm}] for rank ${rank}`);
  const shape = perm.map((p) => x.shape[p]);
  const inStrides = stridesOf(x.shape);
  const srcStrides = perm.map((p) => inStrides[p]);
  const map = permutedIndex(shape, srcStrides);
  const xv = x.toFloat32();
  const out = new Float32Array(xv.length);
  for (let k = 0; k < out.length; k++) out[k] = xv[map[k]];
  return record("permute", new Tensor(out, shape), [x], () => (g) => {
    const gx = new Float32Array(g.length);
    for (let k = 0; k < g.length; k++) gx[map[k]] = g[k];
    return [gx];
  });
}

export function transpose(x: Tensor, a: number, b: number): Tensor {
  const perm = x.shape.map((_, i) => i);
  const i = normAxis(a, x.ndim);
  const j = normAxis(b, x.ndim);
  [perm[i], perm[j]] = [perm[j], perm[i]];
  return permute(x, perm);
}

function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Flat source index for each element of an output of `shape` read with `srcStrides`. */
function permutedIndex(shape: Shape, srcStrides: number[]): Int32Array {
  const n = numel(shape);
  const map = new Int32Array(n);
  const counter = new Array<number>(shape.length).fill(0);
  let at = 0;
  for (let k = 0; k < n; k++) {
    map[k] = at;
    for (let i = shape.length - 1; i >= 0; i--) {
      counter[i]++;
      at += srcStrides[i];
      if (counter[i] < shape[i]) break;
      at -= srcStrides[i] * counter[i];
      counter[i] = 0;
    }
  }
  return map;
}

/** outer × axis × inner view of a shape around one axis. */
function around(shape: Shape, axis: number): [number, number, number] {
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  return [outer, shape[axis], inner];
}

export function concat(xs: Tensor[], axis: number): Tensor {
  if (xs.length === 0) throw new Error("concat of no tensors");
  const a = normAxis(axis, xs[0].ndim);
  for (const t of xs)
    if (t.ndim !== xs[0].ndim || t.shape.some((d, i) => i !== a && d !== xs[0].shape[i]))
      throw new Error(`concat along ${axis}: shapes ${xs.map((t) => `[${t.shape}]`).join(" ")} differ`);
  const total = xs.reduce((s, t) => s + t.shape[a], 0);
  const shape = xs[0].shape.map((d, i) => (i === a ? total : d));
  const [outer, , inner] = around(shape, a);
  const out = new Float32Array(numel(shape));
  let offset = 0;
  const offsets: number[] = [];
  for (const t of xs) {
    offsets.push(offset);
    const n = t.shape[a] * inner;
    const tv = t.toFloat32();
    for (let o = 0; o < outer; o++)
      out.set(tv.subarray(o * n, (o + 1) * n), o * total * inner + offset * inner);
    offset += t.shape[a];
  }
  return record(
    "concat",
    new Tensor(out, shape),
    xs,
    () => (g) =>
      xs.map((t, i) => {
        if (!t.requiresGrad) return null;
        const n = t.shape[a] * inner;
        const gt = new Float32Array(t.size);
        for (let o = 0; o < outer; o++) {
          const src = o * total * inner + offsets[i] * inner;
          gt.set(g.subarray(src, src + n), o * n);
        }
        return gt;
      }),
  );
}

/** Elements start ≤ i < end along axis. */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const a = normAxis(axis, x.ndim);
  const [outer, n, inner] = around(x.shape, a);
  if (!(0 <= start && start <= end && end <= n))
    throw new Error(`slice [${start}, ${end}) out of range 0..${n}`);
  const len = end - start;
  const shape = x.shape.map((d, i) => (i === a ? len : d));
  const xv = x.toFloat32();
  const out = new Float32Array(outer * len * inner);
  for (let o = 0; o < outer; o++)
    out.set(xv.subarray((o * n + start) * inner, (o * n + end) * inner), o * len * inner);
  return record("slice", new Tensor(out, shape), [x], () => (g) => {
    const gx = new Float32Array(x.size);
    for (let o = 0; o < outer; o++)
      gx.set(g.subarray(o * len * inner, (o + 1) * len * inner), (o * n + start) * inner);
    return [gx];
  });
}

/** Picks entries along axis by index (repeats allowed); the gradient scatter-adds back. */
export function indexSelect(x: Tensor, axis: number, indices: ArrayLike<number>): Tensor {
  const a = normAxis(axis, x.ndim);
  const [outer, n, inner] = around(x.shape, a);
  const m = indices.length;
  for (let i = 0; i < m; i++)
    if (!(indices[i] >= 0 && indices[i] < n)) throw new Error(`index ${indices[i]} out of range 0..${n - 1}`);
  const shape = x.shape.map((d, i) => (i === a ? m : d));
  const xv = x.toFloat32();
  const out = new Float32Array(outer * m * inner);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < m; i++) {
      const src = (o * n + indices[i]) * inner;
      out.set(xv.subarray(src, src + inner), (o * m + i) * inner);
    }
  return record("indexSelect", new Tensor(out, shape), [x], () => (g) => {
    const gx = new Float32Array(x.size);
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < m; i++) {
        const dst = (o * n + indices[i]) * inner;
        const src = (o * m + i) * inner;
        for (let c = 0; c < inner; c++) gx[dst + c] += g[src + c];
      }
    return [gx];
  });
}
