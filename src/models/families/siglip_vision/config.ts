// SiglipVisionConfig (transformers' names and defaults), from a "siglip_vision_model" config or the
// vision_config of a "siglip" one; and its config.json.
import { CLIP_HIDDEN_ACTS } from "../../../io/config/clip_vision_config.ts";
import { type Fields, MAX_LAYERS } from "../../../io/config/fields.ts";
import { towerFields } from "../../../io/config/tower_fields.ts";

export interface SiglipVisionConfig {
  model_type: "siglip_vision_model";
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  image_size: number;
  patch_size: number;
  num_channels: number;
  hidden_act: (typeof CLIP_HIDDEN_ACTS)[number];
  layer_norm_eps: number;
  /** Whether the checkpoint has the attention-pooling head (absent field: it has). LLaVA never uses it,
   * so lntune never builds it and skips its weights. */
  vision_use_head: boolean;
}

/** SiglipVisionConfig() defaults (google/siglip-base-patch16-224). */
export const SIGLIP_VISION_DEFAULTS: Omit<SiglipVisionConfig, "model_type" | "vision_use_head"> = {
  hidden_size: 768,
  intermediate_size: 3072,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  image_size: 224,
  patch_size: 16,
  num_channels: 3,
  hidden_act: "gelu_pytorch_tanh",
  layer_norm_eps: 1e-6,
};

export function parseSiglipVisionConfig(f: Fields): SiglipVisionConfig {
  f.oneOf("model_type", ["siglip_vision_model"], "siglip_vision_model");
  const d = SIGLIP_VISION_DEFAULTS;
  const hidden = f.posInt("hidden_size", d.hidden_size);
  const heads = f.posInt("num_attention_heads", d.num_attention_heads);
  if (hidden % heads !== 0)
    throw f.fail("hidden_size", `${hidden} is not divisible by num_attention_heads (${heads})`);
  // google/siglip-so400m-patch14-384 has 384-pixel images of 14-pixel patches: the valid convolution reads
  // 27 × 27 patches and leaves the last 6 pixels unread.
  const image = f.posInt("image_size", d.image_size);
  const patch = f.posInt("patch_size", d.patch_size);
  if (patch > image) throw f.fail("patch_size", `${patch} exceeds image_size (${image})`);
  const eps = f.num("layer_norm_eps", d.layer_norm_eps);
  if (eps <= 0) throw f.fail("layer_norm_eps", `must be positive, got ${eps}`);
  return {
    model_type: "siglip_vision_model",
    hidden_size: hidden,
    intermediate_size: f.posInt("intermediate_size", d.intermediate_size),
    num_hidden_layers: f.posInt("num_hidden_layers", d.num_hidden_layers, MAX_LAYERS),
    num_attention_heads: heads,
    image_size: image,
    patch_size: patch,
    num_channels: f.posInt("num_channels", d.num_channels),
    hidden_act: f.oneOf("hidden_act", CLIP_HIDDEN_ACTS, d.hidden_act),
    layer_norm_eps: eps,
    vision_use_head: f.bool("vision_use_head", true),
  };
}

/** A "siglip_vision_model" config, or the vision_config of a "siglip" one. */
export function readSiglipVisionConfig(f: Fields): SiglipVisionConfig {
  return parseSiglipVisionConfig(towerFields(f, "siglip", "siglip_vision_model"));
}

/** What lntune writes holds no pooling head, so the config says so. */
export function siglipVisionConfigJson(c: SiglipVisionConfig): Record<string, unknown> {
  return { architectures: ["SiglipVisionModel"], ...c, vision_use_head: false };
}
