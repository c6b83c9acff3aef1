// The shipped sandbox models' architectures, and their config files written field for field as
// transformers writes them (every LlamaConfig / CLIPVisionConfig attribute, keys sorted; no
// transformers_version, since transformers did not write them).
//
// The LLM has a 7B LLaMA's parameter proportions: the word embeddings and the untied head are ~4% of its
// parameters (3.9% in LLaMA-7B) and the block norms ~0.06%, so tuning the norms is a small fraction of the
// model, as in the paper, rather than the whole of it.
import {
  type CLIPImageProcessorConfig,
  OPENAI_CLIP_MEAN,
  OPENAI_CLIP_STD,
  parseClipImageProcessorConfig,
} from "../../io/config/clip_preprocessor_config.ts";
import type { CLIPVisionConfig } from "../../io/config/clip_vision_config.ts";
import { Fields } from "../../io/config/fields.ts";
import { type LlamaConfig, parseLlamaConfig } from "../../io/config/llama_config.ts";
import { clipVisionConfigJson, llamaConfigJson } from "../../models/save.ts";

/** Longest sequence the LLM is pretrained on and the tokenizer's model_max_length. */
export const LLM_MAX_LENGTH = 512;

export const PRETRAINED_LLM: LlamaConfig = parseLlamaConfig(
  new Fields("(sandbox pretrained LLM)", {
    model_type: "llama",
    vocab_size: 512,
    hidden_size: 256,
    // LLaMA-7B's ratio (11008 / 4096 = 2.6875).
    intermediate_size: 688,
    num_hidden_layers: 8,
    num_attention_heads: 4,
    num_key_value_heads: 4,
    max_position_embeddings: LLM_MAX_LENGTH,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    tie_word_embeddings: false,
    bos_token_id: 1,
    eos_token_id: 2,
    pad_token_id: 3,
    torch_dtype: "bfloat16",
  }),
);

export const PRETRAINED_VISION: CLIPVisionConfig = {
  hidden_size: 128,
  intermediate_size: 512,
  num_hidden_layers: 4,
  num_attention_heads: 4,
  image_size: 64,
  patch_size: 8,
  num_channels: 3,
  hidden_act: "quick_gelu",
  layer_norm_eps: 1e-5,
  projection_dim: 128,
};

const sortKeys = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));

export function hfLlamaConfigJson(c: LlamaConfig): Record<string, unknown> {
  return sortKeys({
    ...llamaConfigJson(c),
    attention_dropout: 0.0,
    initializer_range: 0.02,
    pretraining_tp: 1,
    use_cache: true,
  });
}

export function hfClipVisionConfigJson(c: CLIPVisionConfig, torchDtype: string): Record<string, unknown> {
  return sortKeys({
    ...clipVisionConfigJson(c),
    attention_dropout: 0.0,
    dropout: 0.0,
    initializer_factor: 1.0,
    initializer_range: 0.02,
    torch_dtype: torchDtype,
  });
}

/** CLIPImageProcessor at the tower's size, as transformers saves it (OpenAI CLIP's mean and std). */
export function preprocessorConfigJson(imageSize: number): Record<string, unknown> {
  return {
    crop_size: { height: imageSize, width: imageSize },
    do_center_crop: true,
    do_convert_rgb: true,
    do_normalize: true,
    do_rescale: true,
    do_resize: true,
    image_mean: OPENAI_CLIP_MEAN,
    image_processor_type: "CLIPImageProcessor",
    image_std: OPENAI_CLIP_STD,
    resample: 3,
    rescale_factor: 1 / 255,
    size: { shortest_edge: imageSize },
  };
}

/** The same settings as the loaders parse them. */
export function preprocessorConfig(imageSize: number): CLIPImageProcessorConfig {
  return parseClipImageProcessorConfig(
    new Fields("(sandbox preprocessor)", preprocessorConfigJson(imageSize)),
  );
}
