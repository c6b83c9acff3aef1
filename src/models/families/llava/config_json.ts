// A LLaVA's config.json in the original layout, which lntune writes: the language model's config with the
// LLaVA code base's model_type and mm_* fields, the tower in its own directory.
import { llmFamilyOf } from "../registry.ts";
import type { LlavaConfig } from "./config.ts";

/** Where saveLlava puts the tower, named relative to the model by mm_vision_tower. */
export const TOWER_DIR = "vision_tower";

export function llavaConfigJson(c: LlavaConfig): Record<string, unknown> {
  const family = llmFamilyOf(c.text);
  if (family.llava === null)
    throw new Error(
      `no LLaVA code base has a ${family.name} LLaVA; it cannot be written in the original layout`,
    );
  const p = c.projector;
  return {
    ...family.configJson(c.text),
    architectures: [family.llava.architecture],
    model_type: family.llava.modelType,
    mm_vision_tower: `./${TOWER_DIR}`,
    mm_hidden_size: p.in_features,
    mm_projector_type: p.type === "linear" ? "linear" : `mlp${p.depth}x_gelu`,
    mm_vision_select_layer: c.visionFeatureLayer,
    mm_vision_select_feature: c.selectFeature,
    mm_use_im_start_end: c.mmUseImStartEnd,
    mm_use_im_patch_token: c.mmUseImPatchToken,
    image_aspect_ratio: c.imageAspectRatio,
    tokenizer_model_max_length: c.tokenizerModelMaxLength,
    tokenizer_padding_side: c.tokenizerPaddingSide ?? "right",
  };
}
