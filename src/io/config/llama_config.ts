// LLaMA-family `config.json` (transformers' LlamaConfig field names and defaults), and the LLM part of
// original LLaVA ("llava_llama"). Mistral and Qwen2 share the architecture: their families read their own
// configs into the same LlamaConfig with parseDecoderFields and their own defaults.

import { Fields, MAX_LAYERS, readJsonObject, resolveConfigFile } from "./fields.ts";
import { parseRopeConfig, type RopeScaling } from "./rope_config.ts";

export type AttentionKind = "full_attention" | "sliding_attention";

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
  /** Biases on q/k/v/o_proj (LLaMA's attention_bias). */
  attention_bias: boolean;
  /** Biases on q/k/v_proj only, o_proj without (Qwen2's attention, which has no config field for it). */
  qkv_bias: boolean;
  mlp_bias: boolean;
  /** Keys a query of a "sliding_attention" layer sees, itself included (HF: kv_idx > q_idx − window). */
  sliding_window: number | null;
  /** Per layer; "sliding_attention" only when sliding_window is set. */
  layer_types: AttentionKind[];
  bos_token_id: number | null;
  eos_token_id: number[];
  pad_token_id: number | null;
  /** "torch_dtype", or "dtype" in transformers v5. */
  torch_dtype: string | null;
}

/** A family's config class defaults for the fields parseDecoderFields reads. */
export interface DecoderDefaults {
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  /** null: as many as attention heads. */
  num_key_value_heads: number | null;
  max_position_embeddings: number;
  rms_norm_eps: number;
  tie_word_embeddings: boolean;
  bos_token_id: number | null;
  eos_token_id: number | null;
}

/** LlamaConfig()'s defaults. */
export const LLAMA_DEFAULTS: DecoderDefaults = {
  vocab_size: 32000,
  hidden_size: 4096,
  intermediate_size: 11008,
  num_hidden_layers: 32,
  num_attention_heads: 32,
  num_key_value_heads: null,
  max_position_embeddings: 2048,
  rms_norm_eps: 1e-6,
  tie_word_embeddings: false,
  bos_token_id: 1,
  eos_token_id: 2,
};

/** The fields a family decides itself (biases, sliding window) are left to it. */
export type DecoderFields = Omit<
  LlamaConfig,
  "model_type" | "attention_bias" | "qkv_bias" | "mlp_bias" | "sliding_window" | "layer_types"
>;

/** Sizes, heads, RoPE, norms and special tokens, as every LLaMA-architecture config names them. */
export function parseDecoderFields(f: Fields, d: DecoderDefaults): DecoderFields {
  // An explicit null means "none", unlike an absent field, which takes the default.
  const isNull = (name: string) => f.obj[name] === null;
  const hidden = f.posInt("hidden_size", d.hidden_size);
  const heads = f.posInt("num_attention_heads", d.num_attention_heads);
  // transformers reads an explicit null as "as many as attention heads".
  const kvHeads = f.posInt(
    "num_key_value_heads",
    isNull("num_key_value_heads") ? heads : (d.num_key_value_heads ?? heads),
  );
  if (heads % kvHeads !== 0) {
    throw f.fail("num_key_value_heads", `${kvHeads} does not divide num_attention_heads (${heads})`);
  }
  if (!f.has("head_dim") && hidden % heads !== 0) {
    throw f.fail("hidden_size", `${hidden} is not divisible by num_attention_heads (${heads})`);
  }
  const headDim = f.posInt("head_dim", hidden / heads);
  if (headDim % 2 !== 0) throw f.fail("head_dim", `must be even for rotary embeddings, got ${headDim}`);
  const rmsEps = f.num("rms_norm_eps", d.rms_norm_eps);
  if (rmsEps <= 0) throw f.fail("rms_norm_eps", `must be positive, got ${rmsEps}`);
  const eos =
    isNull("eos_token_id") || (!f.has("eos_token_id") && d.eos_token_id === null)
      ? []
      : typeof f.obj.eos_token_id === "number" || !f.has("eos_token_id")
        ? [f.int("eos_token_id", d.eos_token_id ?? 0)]
        : listOfInts(f, "eos_token_id");
  const bos = f.optInt("bos_token_id") ?? (isNull("bos_token_id") ? null : d.bos_token_id);
  const dtypeKey = f.has("torch_dtype") ? "torch_dtype" : "dtype";
  return {
    vocab_size: f.posInt("vocab_size", d.vocab_size),
    hidden_size: hidden,
    intermediate_size: f.posInt("intermediate_size", d.intermediate_size),
    num_hidden_layers: f.posInt("num_hidden_layers", d.num_hidden_layers, MAX_LAYERS),
    num_attention_heads: heads,
    num_key_value_heads: kvHeads,
    head_dim: headDim,
    hidden_act: f.oneOf("hidden_act", ["silu"], "silu"),
    max_position_embeddings: f.posInt("max_position_embeddings", d.max_position_embeddings),
    rms_norm_eps: rmsEps,
    ...parseRopeConfig(f),
    tie_word_embeddings: f.bool("tie_word_embeddings", d.tie_word_embeddings),
    bos_token_id: bos,
    eos_token_id: eos,
    pad_token_id: f.optInt("pad_token_id"),
    torch_dtype: f.optStr(dtypeKey),
  };
}

/** Every layer of one kind. */
export function layerTypes(c: { num_hidden_layers: number }, kind: AttentionKind): AttentionKind[] {
  return new Array<AttentionKind>(c.num_hidden_layers).fill(kind);
}

/** `defaultModelType` applies where the field may be left out (the text_config of llava-hf). */
export function parseLlamaConfig(f: Fields, defaultModelType: string | null = null): LlamaConfig {
  if (!f.has("model_type") && defaultModelType === null) throw f.fail("model_type", "missing");
  const modelType = f.oneOf("model_type", ["llama", "llava_llama"], (defaultModelType ?? "llama") as "llama");
  const fields = parseDecoderFields(f, LLAMA_DEFAULTS);
  return {
    model_type: modelType,
    ...fields,
    attention_bias: f.bool("attention_bias", false),
    qkv_bias: false,
    mlp_bias: f.bool("mlp_bias", false),
    sliding_window: null,
    layer_types: layerTypes(fields, "full_attention"),
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
