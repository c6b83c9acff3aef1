// Small model configs for tests that build random models in memory (HF defaults for everything not given).
import { Fields } from "../../src/io/config/fields.ts";
import { type LlamaConfig, parseLlamaConfig } from "../../src/io/config/llama_config.ts";

export function tinyLlamaConfig(over: Record<string, unknown> = {}): LlamaConfig {
  return parseLlamaConfig(
    new Fields("(tiny test config)", {
      model_type: "llama",
      vocab_size: 40,
      hidden_size: 16,
      intermediate_size: 24,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      num_key_value_heads: 2,
      max_position_embeddings: 64,
      ...over,
    }),
  );
}
