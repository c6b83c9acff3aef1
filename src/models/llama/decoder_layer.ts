// LlamaMLP (down(silu(gate(x)) · up(x))) and the pre-norm LlamaDecoderLayer (Mistral's and Qwen2's too).
import type { LlamaConfig } from "../../io/config/llama_config.ts";
import { Linear, RMSNorm } from "../../nn/layers.ts";
import { Module } from "../../nn/module.ts";
import { swiglu } from "../../tensor/ops/activations.ts";
import { add } from "../../tensor/ops/arithmetic.ts";
import type { Rng } from "../../tensor/rng.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { type AttentionContext, LlamaAttention } from "./attention.ts";

export class LlamaMLP extends Module {
  gate_proj: Linear;
  up_proj: Linear;
  down_proj: Linear;

  constructor(cfg: LlamaConfig, rng: Rng | null) {
    super();
    const H = cfg.hidden_size;
    const I = cfg.intermediate_size;
    this.gate_proj = new Linear(H, I, cfg.mlp_bias, rng);
    this.up_proj = new Linear(H, I, cfg.mlp_bias, rng);
    this.down_proj = new Linear(I, H, cfg.mlp_bias, rng);
  }

  forward(x: Tensor): Tensor {
    return this.down_proj.forward(swiglu(this.gate_proj.forward(x), this.up_proj.forward(x)));
  }
}

export class LlamaDecoderLayer extends Module {
  self_attn: LlamaAttention;
  mlp: LlamaMLP;
  input_layernorm: RMSNorm;
  post_attention_layernorm: RMSNorm;

  /** `layer`: its index, which decides whether it is a sliding layer. */
  constructor(cfg: LlamaConfig, rng: Rng | null, layer = 0) {
    super();
    this.self_attn = new LlamaAttention(cfg, rng, layer);
    this.mlp = new LlamaMLP(cfg, rng);
    this.input_layernorm = new RMSNorm(cfg.hidden_size, cfg.rms_norm_eps, rng === null);
    this.post_attention_layernorm = new RMSNorm(cfg.hidden_size, cfg.rms_norm_eps, rng === null);
  }

  forward(x: Tensor, ctx: AttentionContext): Tensor {
    const h = add(x, this.self_attn.forward(this.input_layernorm.forward(x), ctx));
    return add(h, this.mlp.forward(this.post_attention_layernorm.forward(h)));
  }
}
