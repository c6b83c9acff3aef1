// MistralConfig's config.json (transformers' names and defaults): the LLaMA architecture without biases,
// and a sliding window on every layer (null: none).
import type { Fields } from "../../../io/config/fields.ts";
import {
  type DecoderDefaults,
  LLAMA_DEFAULTS,
  type LlamaConfig,
  layerTypes,
  parseDecoderFields,
} from "../../../io/config/llama_config.ts";
import { decoderConfigJson } from "../llama/config_json.ts";

const MISTRAL_DEFAULTS: DecoderDefaults = {
  ...LLAMA_DEFAULTS,
  intermediate_size: 14336,
  num_key_value_heads: 8,
  max_position_embeddings: 4096 * 32,
};

export function parseMistralConfig(f: Fields): LlamaConfig {
  f.oneOf("model_type", ["mistral"], "mistral");
  const fields = parseDecoderFields(f, MISTRAL_DEFAULTS);
  // Absent: MistralConfig's 4096; an explicit null: no window.
  const window = f.obj.sliding_window === null ? null : f.posInt("sliding_window", 4096);
  return {
    model_type: "mistral",
    ...fields,
    attention_bias: false,
    qkv_bias: false,
    mlp_bias: false,
    sliding_window: window,
    layer_types: layerTypes(fields, window === null ? "full_attention" : "sliding_attention"),
  };
}

export function mistralConfigJson(c: LlamaConfig): Record<string, unknown> {
  return {
    architectures: ["MistralForCausalLM"],
    model_type: "mistral",
    ...decoderConfigJson(c),
    sliding_window: c.sliding_window,
  };
}
