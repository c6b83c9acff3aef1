// LlamaAttention: q/k/v/o projections, RoPE on q and k, grouped-query SDPA (causal + padding mask), and
// the sliding window of Mistral's and Qwen2's sliding layers.

import type { LlamaConfig } from "../../io/config/llama_config.ts";
import { Linear } from "../../nn/layers.ts";
import { Module } from "../../nn/module.ts";
import { noGrad } from "../../tensor/autograd.ts";
import type { KVCache } from "../../tensor/kv_cache.ts";
import { attention } from "../../tensor/ops/attention.ts";
import { rope } from "../../tensor/ops/rope.ts";
import { concat, reshape, slice } from "../../tensor/ops/shape.ts";
import type { Rng } from "../../tensor/rng.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { windowedAttention } from "./windowed_attention.ts";

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
  /** Keys a query sees (itself included) on a sliding layer; null: all earlier keys. */
  readonly window: number | null;

  constructor(cfg: LlamaConfig, rng: Rng | null, layer = 0) {
    super();
    this.heads = cfg.num_attention_heads;
    this.kvHeads = cfg.num_key_value_heads;
    this.headDim = cfg.head_dim;
    this.window = cfg.layer_types[layer] === "sliding_attention" ? cfg.sliding_window : null;
    const H = cfg.hidden_size;
    const qkv = cfg.attention_bias || cfg.qkv_bias;
    this.q_proj = new Linear(H, this.heads * this.headDim, qkv, rng);
    this.k_proj = new Linear(H, this.kvHeads * this.headDim, qkv, rng);
    this.v_proj = new Linear(H, this.kvHeads * this.headDim, qkv, rng);
    this.o_proj = new Linear(this.heads * this.headDim, H, cfg.attention_bias, rng);
  }

  /** Whether the window hides some of `keys` keys from the last query. */
  private windowed(keys: number): boolean {
    return this.window !== null && keys > this.window;
  }

  forward(x: Tensor, ctx: AttentionContext): Tensor {
    const { B, T } = ctx;
    const D = this.headDim;
    const q = rope(reshape(this.q_proj.forward(x), [B, T, this.heads, D]), ctx.cos, ctx.sin);
    const k = rope(reshape(this.k_proj.forward(x), [B, T, this.kvHeads, D]), ctx.cos, ctx.sin);
    const v = reshape(this.v_proj.forward(x), [B, T, this.kvHeads, D]);
    const o = ctx.cache
      ? this.cachedAttention(q, k, v, ctx, ctx.cache)
      : this.windowed(T)
        ? windowedAttention(q, k, v, { window: this.window!, keyMask: ctx.keyMask })
        : attention(q, k, v, { causal: true, keyMask: ctx.keyMask });
    return this.o_proj.forward(reshape(o, [B, T, this.heads * D]));
  }

  /** Inference only: appends k/v to the cache and attends each row over its cached keys. A single new
   * query on a sliding layer reads only the last `window` keys; several (a prompt) go through the
   * windowed path. */
  private cachedAttention(q: Tensor, k: Tensor, v: Tensor, ctx: AttentionContext, cache: KVCache): Tensor {
    const { B, T } = ctx;
    cache.write(ctx.layer, k, v);
    const Tk = cache.length + T;
    const first = T === 1 && this.windowed(Tk) ? Tk - this.window! : 0;
    return noGrad(() => {
      const rows: Tensor[] = [];
      for (let b = 0; b < B; b++) {
        const qb = B === 1 ? q : slice(q, 0, b, b + 1);
        const mask = ctx.keyMask ? ctx.keyMask.subarray(b * Tk, (b + 1) * Tk) : null;
        if (T > 1 && this.windowed(Tk)) {
          const { k: kb, v: vb } = cache.rowKeys(ctx.layer, b, 0, Tk);
          rows.push(windowedAttention(qb, kb, vb, { window: this.window!, keyMask: mask }));
          continue;
        }
        const { k: kb, v: vb } = cache.rowKeys(ctx.layer, b, first, Tk);
        rows.push(
          attention(qb, kb, vb, {
            causal: true,
            qOffset: Tk - first - T,
            keyMask: mask ? mask.subarray(first) : null,
          }),
        );
      }
      return rows.length === 1 ? rows[0] : concat(rows, 0);
    });
  }
}
