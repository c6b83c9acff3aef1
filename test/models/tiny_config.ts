// Small model configs for tests that build random models in memory.
import type { LlamaConfig } from "../../src/io/config/llama_config.ts";

export function tinyLlamaConfig(over: Partial<LlamaConfig> = {}): LlamaConfig {
  return {
    model_type: "llama",
    vocab_size: 40,
    hidden_size: 16,
    intermediate_size: 24,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    head_dim: 4,
    hidden_act: "silu",
    max_position_embeddings: 64,
    rms_norm_eps: 1e-6,
    rope_theta: 10000,
    rope_scaling: null,
    tie_word_embeddings: false,
    attention_bias: false,
    mlp_bias: false,
    bos_token_id: 1,
    eos_token_id: [2],
    pad_token_id: null,
    torch_dtype: "float32",
    ...over,
  };
}
