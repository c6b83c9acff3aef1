// LlamaConfig's config.json: the fields lntune reads, as transformers names them.
import type { LlamaConfig } from "../../../io/config/llama_config.ts";

/** The fields every LLaMA-architecture config.json carries. */
export function decoderConfigJson(c: LlamaConfig): Record<string, unknown> {
  return {
    vocab_size: c.vocab_size,
    hidden_size: c.hidden_size,
    intermediate_size: c.intermediate_size,
    num_hidden_layers: c.num_hidden_layers,
    num_attention_heads: c.num_attention_heads,
    num_key_value_heads: c.num_key_value_heads,
    head_dim: c.head_dim,
    hidden_act: c.hidden_act,
    max_position_embeddings: c.max_position_embeddings,
    rms_norm_eps: c.rms_norm_eps,
    rope_theta: c.rope_theta,
    rope_scaling: c.rope_scaling,
    tie_word_embeddings: c.tie_word_embeddings,
    bos_token_id: c.bos_token_id,
    eos_token_id: c.eos_token_id.length === 1 ? c.eos_token_id[0] : c.eos_token_id,
    pad_token_id: c.pad_token_id,
    torch_dtype: c.torch_dtype ?? "float32",
  };
}

export function llamaConfigJson(c: LlamaConfig): Record<string, unknown> {
  return {
    architectures: ["LlamaForCausalLM"],
    model_type: "llama",
    ...decoderConfigJson(c),
    attention_bias: c.attention_bias,
    mlp_bias: c.mlp_bias,
  };
}
