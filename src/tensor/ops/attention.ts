// Scaled-dot-product attention over token-major heads, with causal and key-padding masks and grouped-query
// heads. The kernel keeps one head's scores at a time and saves only the log-sum-exp for backward.
import { kernels } from "../../backend/index.ts";
import type { AttentionShape } from "../../backend/kernels.ts";
import { record } from "../autograd.ts";
import { hostF32 } from "../storage.ts";
import { opResult, type Tensor } from "../tensor.ts";

export interface AttentionOptions {
  causal: boolean;
  /** [B, Tk] with 1 for real keys and 0 for padding. */
  keyMask?: Uint8Array | null;
  /** Position of the first query among the keys (cached decoding). Default Tk − Tq. */
  qOffset?: number;
  /** Default 1/√D. */
  scale?: number;
}

/** q [B, Tq, Hq, D], k and v [B, Tk, Hkv, D] → [B, Tq, Hq, D]. */
export function attention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions): Tensor {
  const [B, Tq, Hq, D] = q.shape;
  const [Bk, Tk, Hkv, Dk] = k.shape;
  if (
    q.ndim !== 4 ||
    k.ndim !== 4 ||
    Bk !== B ||
    Dk !== D ||
    v.shape.join() !== k.shape.join() ||
    Hq % Hkv !== 0
  )
    throw new Error(`attention shapes q [${q.shape}] k [${k.shape}] v [${v.shape}] do not fit`);
  if (opts.keyMask && opts.keyMask.length !== B * Tk)
    throw new Error(`keyMask has ${opts.keyMask.length} entries, need ${B * Tk}`);
  const s: AttentionShape = {
    B,
    Tq,
    Tk,
    Hq,
    Hkv,
    D,
    scale: opts.scale ?? 1 / Math.sqrt(D),
    causal: opts.causal,
    qOffset: opts.qOffset ?? Tk - Tq,
    keyMask: opts.keyMask ?? null,
  };
  const kern = kernels();
  const qv = hostF32(q);
  const kv = hostF32(k);
  const vv = hostF32(v);
  const o = new Float32Array(qv.length);
  const lse = new Float32Array(B * Hq * Tq);
  kern.attentionForward(qv, kv, vv, o, lse, s);
  return record(
    "attention",
    opResult(o, q.shape),
    [q, k, v],
    () => (g) => {
      const dq = new Float32Array(qv.length);
      const dk = new Float32Array(kv.length);
      const dv = new Float32Array(vv.length);
      kern.attentionBackward(qv, kv, vv, o, lse, g, dq, dk, dv, s);
      return [dq, dk, dv];
    },
    { saved: [lse] },
  );
}
