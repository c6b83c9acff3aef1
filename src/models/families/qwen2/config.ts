// Qwen2Config's config.json (transformers' names and defaults; Qwen1.5 and Qwen2.5 checkpoints use it too):
// the LLaMA architecture with q/k/v biases and no o_proj bias, and sliding-window layers from
// max_window_layers on when use_sliding_window is set.
import type { Fields } from "../../../io/config/fields.ts";
import {
  type AttentionKind,
  type DecoderDefaults,
  type LlamaConfig,
  parseDecoderFields,
} from "../../../io/config/llama_config.ts";
import { decoderConfigJson } from "../llama/config_json.ts";

const QWEN2_DEFAULTS: DecoderDefaults = {
  vocab_size: 151936,
  hidden_size: 4096,
  intermediate_size: 22016,
  num_hidden_layers: 32,
  num_attention_heads: 32,
  num_key_value_heads: null,
  max_position_embeddings: 32768,
  rms_norm_eps: 1e-6,
  tie_word_embeddings: false,
  bos_token_id: null,
  eos_token_id: null,
};

const KINDS = ["full_attention", "sliding_attention"] as const;

export function parseQwen2Config(f: Fields): LlamaConfig {
  f.oneOf("model_type", ["qwen2"], "qwen2");
  const fields = parseDecoderFields(f, QWEN2_DEFAULTS);
  const L = fields.num_hidden_layers;
  const window = f.bool("use_sliding_window", false)
    ? f.obj.sliding_window === null
      ? null
      : f.posInt("sliding_window", 4096)
    : null;
  const from = f.int("max_window_layers", 28);
  let kinds: AttentionKind[];
  if (Array.isArray(f.obj.layer_types)) {
    kinds = f.obj.layer_types.map((k, i) => {
      if (!KINDS.includes(k)) throw f.fail(`layer_types[${i}]`, `unsupported value ${JSON.stringify(k)}`);
      return k as AttentionKind;
    });
    if (kinds.length !== L) throw f.fail("layer_types", `has ${kinds.length} entries for ${L} layers`);
  } else {
    if (f.has("layer_types")) throw f.fail("layer_types", "expected a list");
    kinds = Array.from({ length: L }, (_, i) =>
      window !== null && i >= from ? "sliding_attention" : "full_attention",
    );
  }
  if (window === null && kinds.includes("sliding_attention"))
    throw f.fail("layer_types", "names sliding layers, but no sliding window is in use");
  return {
    model_type: "qwen2",
    ...fields,
    attention_bias: false,
    qkv_bias: true,
    mlp_bias: false,
    sliding_window: window,
    layer_types: kinds,
  };
}

export function qwen2ConfigJson(c: LlamaConfig): Record<string, unknown> {
  const sliding = c.layer_types.indexOf("sliding_attention");
  const { head_dim, ...fields } = decoderConfigJson(c);
  return {
    architectures: ["Qwen2ForCausalLM"],
    model_type: "qwen2",
    ...fields,
    // Qwen2Config has no head_dim field; the attention reads one when given.
    ...(head_dim === c.hidden_size / c.num_attention_heads ? {} : { head_dim }),
    use_sliding_window: c.sliding_window !== null,
    sliding_window: c.sliding_window,
    max_window_layers: sliding < 0 ? c.num_hidden_layers : sliding,
    layer_types: c.layer_types,
  };
}
