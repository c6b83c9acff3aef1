// Sliding-window causal attention (Mistral, Qwen2's sliding layers), composed from tensor ops because the
// fused attention kernel has no window. Query i (at key index qOffset + i) sees key j iff
// qOffset + i − window < j ≤ qOffset + i and keyMask[b, j] = 1, HF's sliding_window_overlay on cache indices.
// Queries go in blocks that score only the keys their window can reach, so memory grows with T × window,
// not T². A query that sees no key outputs zeros, as the fused kernel does.
import { add, mul, scale } from "../../tensor/ops/arithmetic.ts";
import { matmul } from "../../tensor/ops/matmul.ts";
import { softmax } from "../../tensor/ops/norms.ts";
import { concat, indexSelect, permute, slice } from "../../tensor/ops/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";

export interface WindowOptions {
  window: number;
  /** [B, Tk], 1 = real key. */
  keyMask: Uint8Array | null;
  /** Key index of the first query; default Tk − Tq. */
  qOffset?: number;
  /** Queries per block. */
  block?: number;
}

const F32_MIN = -3.4028234663852886e38;

/** q [B, Tq, Hq, D], k and v [B, Tk, Hkv, D] → [B, Tq, Hq, D]. */
export function windowedAttention(q: Tensor, k: Tensor, v: Tensor, opts: WindowOptions): Tensor {
  const [B, Tq, Hq, D] = q.shape;
  const [, Tk, Hkv] = k.shape;
  const qOffset = opts.qOffset ?? Tk - Tq;
  const W = opts.window;
  // Query head h reads kv head floor(h / (Hq / Hkv)), HF's repeat_kv order.
  const heads = Int32Array.from({ length: Hq }, (_, h) => Math.floor(h / (Hq / Hkv)));
  const expand = (t: Tensor) => (Hq === Hkv ? t : indexSelect(t, 2, heads));
  const qh = permute(q, [0, 2, 1, 3]); // [B, H, Tq, D]
  const kh = permute(expand(k), [0, 2, 3, 1]); // [B, H, D, Tk]
  const vh = permute(expand(v), [0, 2, 1, 3]); // [B, H, Tk, D]
  const C = Math.max(1, opts.block ?? 64);
  const parts: Tensor[] = [];
  for (let s = 0; s < Tq; s += C) {
    const e = Math.min(Tq, s + C);
    const lo = Math.max(0, qOffset + s - W + 1);
    const hi = qOffset + e;
    const Kb = hi - lo;
    const visible = new Float32Array(B * (e - s) * Kb);
    const bias = new Float32Array(visible.length);
    for (let b = 0; b < B; b++)
      for (let i = s; i < e; i++)
        for (let j = lo; j < hi; j++) {
          const at = (b * (e - s) + (i - s)) * Kb + (j - lo);
          const pos = qOffset + i;
          const ok = j <= pos && j > pos - W && (!opts.keyMask || opts.keyMask[b * Tk + j] === 1);
          visible[at] = ok ? 1 : 0;
          bias[at] = ok ? 0 : F32_MIN;
        }
    const shape = [B, 1, e - s, Kb];
    const scores = add(
      scale(matmul(slice(qh, 2, s, e), slice(kh, 3, lo, hi)), 1 / Math.sqrt(D)),
      new Tensor(bias, shape),
    );
    const probs = mul(softmax(scores), new Tensor(visible, shape));
    parts.push(matmul(probs, slice(vh, 2, lo, hi))); // [B, H, e − s, D]
  }
  const out = parts.length === 1 ? parts[0] : concat(parts, 2);
  return permute(out, [0, 2, 1, 3]);
}
