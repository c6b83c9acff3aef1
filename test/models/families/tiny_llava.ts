// A tiny llava-hf config (LLaMA text, CLIP tower) for tests that build models in memory.
import type { CLIPVisionConfig } from "../../../src/io/config/clip_vision_config.ts";
import { Fields } from "../../../src/io/config/fields.ts";
import { parseLlamaConfig } from "../../../src/io/config/llama_config.ts";
import type { LlavaConfig } from "../../../src/models/families/llava/config.ts";

export const TINY_TEXT = parseLlamaConfig(
  new Fields("t.json", {
    model_type: "llama",
    vocab_size: 10,
    hidden_size: 8,
    intermediate_size: 12,
    num_hidden_layers: 2,
    num_attention_heads: 2,
    num_key_value_heads: 1,
  }),
);

export const TINY_VISION: CLIPVisionConfig = {
  hidden_size: 6,
  intermediate_size: 10,
  num_hidden_layers: 1,
  num_attention_heads: 2,
  image_size: 4,
  patch_size: 2,
  num_channels: 3,
  hidden_act: "quick_gelu",
  layer_norm_eps: 1e-5,
  projection_dim: 4,
};

export const TINY_LLAVA: LlavaConfig = {
  layout: "llava-hf",
  text: TINY_TEXT,
  vision: TINY_VISION,
  visionTower: null,
  projector: { type: "mlp", depth: 2, act: "gelu", bias: true, in_features: 6, out_features: 8 },
  visionFeatureLayer: -2,
  selectFeature: "patch",
  imageTokenIndex: 9,
  mmUseImStartEnd: false,
  mmUseImPatchToken: false,
  imageAspectRatio: "square",
  tokenizerModelMaxLength: null,
  tokenizerPaddingSide: null,
};
