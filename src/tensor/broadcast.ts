// NumPy-style broadcasting: shape rules, index mapping, and reduction of a gradient back to an input shape.
import { numel, type Shape } from "./tensor.ts";

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

/** For each flat index of `out`, the flat index into a tensor of shape `from` broadcast to `out`. */
export function broadcastIndex(from: Shape, out: Shape): Int32Array | null {
  if (from.length === out.length && from.every((d, i) => d === out[i])) return null;
  const n = numel(out);
  const idx = new Int32Array(n);
  const rank = out.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = rank - 1, j = from.length - 1; i >= 0; i--, j--) {
    const d = j >= 0 ? from[j] : 1;
    strides[i] = d === 1 ? 0 : s;
    s *= d;
  }
  const counter = new Array<number>(rank).fill(0);
  let at = 0;
  for (let k = 0; k < n; k++) {
    idx[k] = at;
    for (let i = rank - 1; i >= 0; i--) {
      counter[i]++;
      at += strides[i];
      if (counter[i] < out[i]) break;
      at -= strides[i] * counter[i];
      counter[i] = 0;
    }
  }
  return idx;
}

/** Sums a gradient of the broadcast shape back onto the input's shape (idx from broadcastIndex). */
export function reduceToShape(g: Float32Array, idx: Int32Array | null, size: number): Float32Array {
  if (idx === null) return g;
  const out = new Float32Array(size);
  for (let k = 0; k < g.length; k++) out[idx[k]] += g[k];
  return out;
}
