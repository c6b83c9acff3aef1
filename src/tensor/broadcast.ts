// NumPy-style broadcasting as the kernels take it: the output shape, and each operand's element strides over
// that shape (0 along the axes it is broadcast over), with adjacent axes merged where every operand allows.
import type { Shape } from "./tensor.ts";

export function broadcastShapes(a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`shapes [${a}] and [${b}] do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Element strides of a contiguous tensor of shape `from` read at the multi-indices of shape `out`. */
export function broadcastStrides(from: Shape, out: Shape): number[] {
  const strides = new Array<number>(out.length).fill(0);
  let s = 1;
  for (let i = out.length - 1, j = from.length - 1; j >= 0; i--, j--) {
    strides[i] = from[j] === 1 ? 0 : s;
    s *= from[j];
  }
  return strides;
}

/** Row-major strides of a contiguous tensor. */
export function contiguousStrides(shape: Shape): number[] {
  return broadcastStrides(shape, shape);
}

/** The same walk over fewer axes: axis i merges into i + 1 when every operand steps over i as over the span of
 * i + 1 (contiguous, or broadcast over both); axes of extent 1 are dropped. Returns [shape, ...strides] as
 * the Int32Arrays the kernels take. */
export function collapse(shape: Shape, ...strides: number[][]): Int32Array[] {
  const dims: number[] = [];
  const out: number[][] = strides.map(() => []);
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && strides.every((s, k) => out[k][last] === s[i] * shape[i])) {
      dims[last] *= shape[i];
      strides.forEach((s, k) => {
        out[k][last] = s[i];
      });
    } else {
      dims.push(shape[i]);
      strides.forEach((s, k) => {
        out[k].push(s[i]);
      });
    }
  }
  return [Int32Array.from(dims), ...out.map((s) => Int32Array.from(s))];
}
