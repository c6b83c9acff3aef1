// CLIP vision tower config (transformers' CLIPVisionConfig names and defaults), read from a standalone
// "clip_vision_model" config, the `vision_config` of a full "clip" config (its `text_config` is
// irrelevant here), or the `vision_config` of a llava-hf config.

import { Fields, MAX_LAYERS, readJsonObject, resolveConfigFile } from "./fields.ts";
import { towerFields } from "./tower_fields.ts";

export const CLIP_HIDDEN_ACTS = ["quick_gelu", "gelu", "gelu_new", "gelu_pytorch_tanh"] as const;

export interface CLIPVisionConfig {
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  image_size: number;
  patch_size: number;
  num_channels: number;
  hidden_act: (typeof CLIP_HIDDEN_ACTS)[number];
  layer_norm_eps: number;
  projection_dim: number;
}

/** CLIPVisionConfig() defaults (ViT-B/32). */
export const CLIP_VISION_DEFAULTS: CLIPVisionConfig = {
  hidden_size: 768,
  intermediate_size: 3072,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  image_size: 224,
  patch_size: 32,
  num_channels: 3,
  hidden_act: "quick_gelu",
  layer_norm_eps: 1e-5,
  projection_dim: 512,
};

export function parseClipVisionConfig(
  f: Fields,
  defaults: CLIPVisionConfig = CLIP_VISION_DEFAULTS,
): CLIPVisionConfig {
  f.oneOf("model_type", ["clip_vision_model"], "clip_vision_model");
  const hidden = f.posInt("hidden_size", defaults.hidden_size);
  const heads = f.posInt("num_attention_heads", defaults.num_attention_heads);
  if (hidden % heads !== 0) {
    throw f.fail("hidden_size", `${hidden} is not divisible by num_attention_heads (${heads})`);
  }
  const image = f.posInt("image_size", defaults.image_size);
  const patch = f.posInt("patch_size", defaults.patch_size);
  if (image % patch !== 0) throw f.fail("image_size", `${image} is not a multiple of patch_size (${patch})`);
  const eps = f.num("layer_norm_eps", defaults.layer_norm_eps);
  if (eps <= 0) throw f.fail("layer_norm_eps", `must be positive, got ${eps}`);
  return {
    hidden_size: hidden,
    intermediate_size: f.posInt("intermediate_size", defaults.intermediate_size),
    num_hidden_layers: f.posInt("num_hidden_layers", defaults.num_hidden_layers, MAX_LAYERS),
    num_attention_heads: heads,
    image_size: image,
    patch_size: patch,
    num_channels: f.posInt("num_channels", defaults.num_channels),
    hidden_act: f.oneOf("hidden_act", CLIP_HIDDEN_ACTS, defaults.hidden_act),
    layer_norm_eps: eps,
    projection_dim: f.posInt("projection_dim", defaults.projection_dim),
  };
}

/** A "clip_vision_model" config, or the vision_config of a "clip" one. */
export function readClipVisionConfig(f: Fields): CLIPVisionConfig {
  return parseClipVisionConfig(towerFields(f, "clip", "clip_vision_model"));
}

/** `path`: a CLIP model directory or its config.json ("clip_vision_model" or "clip"). */
export function loadClipVisionConfig(path: string): CLIPVisionConfig {
  const file = resolveConfigFile(path);
  return readClipVisionConfig(new Fields(file, readJsonObject(file)));
}
