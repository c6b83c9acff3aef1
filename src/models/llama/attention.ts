// LlamaAttention: q/k/v/o projections, RoPE on q and k, grouped-query SDPA (causal + padding mask).

import { kernels } from "../../backend/index.ts";
import type { LlamaConfig } from "../../io/config/llama_config.ts";
import { Linear } from "../../nn/layers.ts";
import { Module } from "../../nn/module.ts";
import { attention } from "../../tensor/ops/attention.ts";
import { rope } from "../../tensor/ops/rope.ts";
import { reshape } from "../../tensor/ops/shape.ts";
import type { Rng } from "../../tensor/rng.ts";
import { Tensor } from "../../tensor/tensor.ts";
import type { KVCache } from "./kv_cache.ts";

export interface AttentionContext {
  B: number;
  T: number;
  cos: Float32Array;
  sin: Float32Array;
  /** [B, keys] with 1 for real tokens (keys = T, or cache length + T when decoding). */
  keyMask: Uint8Array | null;
  cache: KVCache | null;
  layer: number;
}

export class LlamaAttention extends Module {
  q_proj: Linear;
  k_proj: Linear;
  v_proj: Linear;
  o_proj: Linear;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;

  constructor(cfg: LlamaConfig, rng: Rng | null) {
    super();
    this.heads = cfg.num_attention_heads;
    this.kvHeads = cfg.num_key_value_heads;
    this.headDim = cfg.head_dim;
    const H = cfg.hidden_size;
    const bias = cfg.attention_bias;
    this.q_proj = new Linear(H, this.heads * this.headDim, bias, rng);
    this.k_proj = new Linear(H, this.kvHeads * this.headDim, bias, rng);
    this.v_proj = new Linear(H, this.kvHeads * this.headDim, bias, rng);
    this.o_proj = new Linear(this.heads * this.headDim, H, bias, rng);
  }

  forward(x: Tensor, ctx: AttentionContext): Tensor {
    const { B, T } = ctx;
    const D = this.headDim;
    const q = rope(reshape(this.q_proj.forward(x), [B, T, this.heads, D]), ctx.cos, ctx.sin);
    const k = rope(reshape(this.k_proj.forward(x), [B, T, this.kvHeads, D]), ctx.cos, ctx.sin);
    const v = reshape(this.v_proj.forward(x), [B, T, this.kvHeads, D]);
    const o = ctx.cache
      ? this.cachedAttention(q, k, v, ctx, ctx.cache)
      : attention(q, k, v, { causal: true, keyMask: ctx.keyMask });
    return this.o_proj.forward(reshape(o, [B, T, this.heads * D]));
  }

  /** Inference only: appends k/v to the cache and attends each row over its cached keys. */
  private cachedAttention(q: Tensor, k: Tensor, v: Tensor, ctx: AttentionContext, cache: KVCache): Tensor {
    const { B, T } = ctx;
    const D = this.headDim;
    cache.write(ctx.layer, k.values, v.values, T);
    const Tk = cache.length + T;
    const out = new Float32Array(q.size);
    const lse = new Float32Array(this.heads * T);
    const rowQ = T * this.heads * D;
    for (let b = 0; b < B; b++) {
      const { k: kb, v: vb } = cache.rowKeys(ctx.layer, b, Tk);
      kernels().attentionForward(
        q.values.subarray(b * rowQ, (b + 1) * rowQ),
        kb,
        vb,
        out.subarray(b * rowQ, (b + 1) * rowQ),
        lse,
        {
          B: 1,
          Tq: T,
          Tk,
          Hq: this.heads,
          Hkv: this.kvHeads,
          D,
          scale: 1 / Math.sqrt(D),
          causal: true,
          qOffset: Tk - T,
          keyMask: ctx.keyMask ? ctx.keyMask.subarray(b * Tk, (b + 1) * Tk) : null,
        },
      );
    }
    return new Tensor(out, q.shape);
  }
}
