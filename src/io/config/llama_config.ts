// LLaMA-family `config.json` (transformers' LlamaConfig field names and defaults). Also reads Mistral
// configs whose sliding window never triggers, and the LLM part of original LLaVA ("llava_llama").

import { Fields, MAX_LAYERS, readJsonObject, resolveConfigFile } from "./fields.ts";
import { parseRopeConfig, type RopeScaling } from "./rope_config.ts";

export interface LlamaConfig {
  model_type: string;
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  head_dim: number;
  hidden_act: "silu";
  max_position_embeddings: number;
  rms_norm_eps: number;
  rope_theta: number;
  rope_scaling: RopeScaling | null;
  tie_word_embeddings: boolean;
  attention_bias: boolean;
  mlp_bias: boolean;
  bos_token_id: number | null;
  eos_token_id: number[];
  pad_token_id: number | null;
  /** "torch_dtype", or "dtype" in transformers v5. */
  torch_dtype: string | null;
}

const LLAMA_MODEL_TYPES = ["llama", "mistral", "llava_llama"] as const;

/** Where MistralConfig's defaults differ from LlamaConfig's. */
const MISTRAL_DEFAULTS = {
  intermediate_size: 14336,
  num_key_value_heads: 8,
  max_position_embeddings: 4096 * 32,
  sliding_window: 4096,
};

/** `defaultModelType` applies where the field may be left out (the text_config of llava-hf). */
export function parseLlamaConfig(f: Fields, defaultModelType: string | null = null): LlamaConfig {
  if (!f.has("model_type") && defaultModelType === null) throw f.fail("model_type", "missing");
  const modelType = f.oneOf("model_type", LLAMA_MODEL_TYPES, (defaultModelType ?? "llama") as "llama");
  const mistral = modelType === "mistral";
  // An explicit null means "none", unlike an absent field, which takes the default.
  const isNull = (name: string) => f.obj[name] === null;

  const hidden = f.posInt("hidden_size", 4096);
  const heads = f.posInt("num_attention_heads", 32);
  const kvHeads = f.posInt("num_key_value_heads", mistral ? MISTRAL_DEFAULTS.num_key_value_heads : heads);
  if (heads % kvHeads !== 0) {
    throw f.fail("num_key_value_heads", `${kvHeads} does not divide num_attention_heads (${heads})`);
  }
  if (!f.has("head_dim") && hidden % heads !== 0) {
    throw f.fail("hidden_size", `${hidden} is not divisible by num_attention_heads (${heads})`);
  }
  const headDim = f.posInt("head_dim", hidden / heads);
  if (headDim % 2 !== 0) throw f.fail("head_dim", `must be even for rotary embeddings, got ${headDim}`);
  const maxPos = f.posInt(
    "max_position_embeddings",
    mistral ? MISTRAL_DEFAULTS.max_position_embeddings : 2048,
  );
  if (mistral) {
    // The engine has no sliding-window attention; accept it only where it never limits attention.
    const window = f.has("sliding_window") ? f.posInt("sliding_window", 1) : null;
    const effective = isNull("sliding_window") ? null : (window ?? MISTRAL_DEFAULTS.sliding_window);
    if (effective !== null && effective < maxPos) {
      throw f.fail("sliding_window", `${effective} < max_position_embeddings (${maxPos}) is not supported`);
    }
  }
  const rmsEps = f.num("rms_norm_eps", 1e-6);
  if (rmsEps <= 0) throw f.fail("rms_norm_eps", `must be positive, got ${rmsEps}`);
  const eos = isNull("eos_token_id")
    ? []
    : typeof f.obj.eos_token_id === "number" || !f.has("eos_token_id")
      ? [f.int("eos_token_id", 2)]
      : listOfInts(f, "eos_token_id");
  const dtypeKey = f.has("torch_dtype") ? "torch_dtype" : "dtype";

  return {
    model_type: modelType,
    vocab_size: f.posInt("vocab_size", 32000),
    hidden_size: hidden,
    intermediate_size: f.posInt("intermediate_size", mistral ? MISTRAL_DEFAULTS.intermediate_size : 11008),
    num_hidden_layers: f.posInt("num_hidden_layers", 32, MAX_LAYERS),
    num_attention_heads: heads,
    num_key_value_heads: kvHeads,
    head_dim: headDim,
    hidden_act: f.oneOf("hidden_act", ["silu"], "silu"),
    max_position_embeddings: maxPos,
    rms_norm_eps: rmsEps,
    ...parseRopeConfig(f),
    tie_word_embeddings: f.bool("tie_word_embeddings", false),
    attention_bias: f.bool("attention_bias", false),
    mlp_bias: f.bool("mlp_bias", false),
    bos_token_id: isNull("bos_token_id") ? null : f.int("bos_token_id", 1),
    eos_token_id: eos,
    pad_token_id: f.optInt("pad_token_id"),
    torch_dtype: f.optStr(dtypeKey),
  };
}

function listOfInts(f: Fields, name: string): number[] {
  const list = f.optNumList(name) ?? [];
  if (!list.every(Number.isSafeInteger)) throw f.fail(name, `expected integers, got ${JSON.stringify(list)}`);
  return list;
}

export function loadLlamaConfig(path: string): LlamaConfig {
  const file = resolveConfigFile(path);
  return parseLlamaConfig(new Fields(file, readJsonObject(file)));
}
