// Shape ops: reshape (a view), permute/transpose, concat, slice and index-select along an axis. The copies are
// strided copies on the kernels.
import { kernels } from "../../backend/index.ts";
import { record } from "../autograd.ts";
import { collapse, contiguousStrides } from "../broadcast.ts";
import { hostArray, hostF32 } from "../storage.ts";
import { numel, opResult, type Shape, Tensor } from "../tensor.ts";

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
  return record("reshape", new Tensor(x.storage, resolved), [x], () => (g) => [g]);
}

export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const rank = x.ndim;
  if (perm.length !== rank || new Set(perm).size !== rank || perm.some((p) => p < 0 || p >= rank))
    throw new Error(`invalid permutation [${perm}] for rank ${rank}`);
  const shape = perm.map((p) => x.shape[p]);
  const inStrides = contiguousStrides(x.shape);
  // Output order: read x at its permuted strides, write contiguously.
  const [dims, src, dst] = collapse(
    shape,
    perm.map((p) => inStrides[p]),
    contiguousStrides(shape),
  );
  const k = kernels();
  const out = new Float32Array(x.size);
  k.copyStrided(hostF32(x), src, out, dst, dims);
  return record("permute", opResult(out, shape), [x], () => (g) => {
    const gx = new Float32Array(g.length);
    k.copyStrided(g, dst, gx, src, dims);
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

/** outer × axis × inner view of a shape around one axis. */
function around(shape: Shape, axis: number): [number, number, number] {
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  return [outer, shape[axis], inner];
}

/** Copies `outer` rows of `len` elements from src (rows srcLd apart) to dst (rows dstLd apart). */
function copyRows(
  src: Float32Array,
  srcLd: number,
  dst: Float32Array,
  dstLd: number,
  outer: number,
  len: number,
) {
  kernels().copyStrided(
    src,
    Int32Array.of(srcLd, 1),
    dst,
    Int32Array.of(dstLd, 1),
    Int32Array.of(outer, len),
  );
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
    copyRows(hostF32(t), n, out.subarray(offset * inner), total * inner, outer, n);
    offset += t.shape[a];
  }
  return record(
    "concat",
    opResult(out, shape),
    xs,
    () => (g) =>
      xs.map((t, i) => {
        if (!t.requiresGrad) return null;
        const n = t.shape[a] * inner;
        const gt = new Float32Array(t.size);
        copyRows(g.subarray(offsets[i] * inner), total * inner, gt, n, outer, n);
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
  const out = new Float32Array(outer * len * inner);
  copyRows(hostF32(x).subarray(start * inner), n * inner, out, len * inner, outer, len * inner);
  return record("slice", opResult(out, shape), [x], () => (g) => {
    const gx = new Float32Array(x.size);
    copyRows(g, len * inner, gx.subarray(start * inner), n * inner, outer, len * inner);
    return [gx];
  });
}

/** indices as an Int32Array of their own; `describe` names a bad one (not an integer in int32 range). */
export function indexArray(indices: ArrayLike<number>, describe: (bad: number) => string): Int32Array {
  if (indices instanceof Int32Array) return indices.slice();
  for (let i = 0; i < indices.length; i++)
    if (!Number.isInteger(indices[i]) || Math.abs(indices[i]) >= 2 ** 31)
      throw new Error(describe(indices[i]));
  return Int32Array.from(indices);
}

/** Picks entries along axis by index (repeats allowed); the gradient scatter-adds back. */
export function indexSelect(x: Tensor, axis: number, indices: ArrayLike<number>): Tensor {
  const a = normAxis(axis, x.ndim);
  const [outer, n, inner] = around(x.shape, a);
  const describe = (i: number) => `index ${i} out of range 0..${n - 1}`;
  const idx = indexArray(indices, describe);
  const m = idx.length;
  const shape = x.shape.map((d, i) => (i === a ? m : d));
  const k = kernels();
  const out = new Float32Array(outer * m * inner);
  const bad = k.indexSelect(hostArray(x), x.dtype, idx, out, outer, n, inner, m);
  if (bad >= 0) throw new Error(describe(idx[bad]));
  return record("indexSelect", opResult(out, shape), [x], () => (g) => {
    const gx = new Float32Array(x.size);
    k.indexAdd(g, idx, gx, outer, n, inner, m);
    return [gx];
  });
}
