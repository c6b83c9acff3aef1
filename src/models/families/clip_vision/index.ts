// CLIP vision towers (openai/clip-vit-*): transformers' CLIPVisionModel, from a "clip_vision_model" config or
// the vision half of a "clip" one.

import { parseClipImageProcessorConfig } from "../../../io/config/clip_preprocessor_config.ts";
import type { CLIPVisionConfig } from "../../../io/config/clip_vision_config.ts";
import { readClipVisionConfig } from "../../../io/config/clip_vision_config.ts";
import { prefixLayout } from "../../../io/weights/layout.ts";
import { CLIPVisionModel } from "../../clip/vision_model.ts";
import type { VisionConfig } from "../../vision_tower.ts";
import { NO_PARTS, parameterWeights } from "../family.ts";
import type { VisionFamily } from "../vision.ts";
import { clipVisionConfigJson } from "./config_json.ts";

export const CLIP_LAYOUT = prefixLayout(
  "clip",
  ["vision_model."],
  ["text_model.", "visual_projection.", "text_projection.", "logit_scale"],
);

const owns = (c: VisionConfig): c is CLIPVisionConfig => !("model_type" in c);

function own(c: VisionConfig): CLIPVisionConfig {
  if (!owns(c)) throw new Error(`a ${c.model_type} config is not a CLIP vision config`);
  return c;
}

export const CLIP_VISION: VisionFamily = {
  name: "clip_vision_model",
  modelTypes: ["clip_vision_model", "clip"],
  owns,
  isModel: (m): m is CLIPVisionModel => m instanceof CLIPVisionModel,
  parseConfig: readClipVisionConfig,
  build: (c, rng) => new CLIPVisionModel(own(c), rng),
  layout: () => CLIP_LAYOUT,
  storedWeights: (m) => parameterWeights(m),
  parts: (m) => ({ ...NO_PARTS, visionTower: [m] }),
  lnTuningTargets: null,
  configJson: (c) => clipVisionConfigJson(own(c)),
  imageProcessorTypes: ["CLIPImageProcessor", "CLIPFeatureExtractor"],
  parseImageProcessor: parseClipImageProcessorConfig,
  // LLaVA v1.5: the penultimate layer's patch tokens, the class token dropped.
  llavaFeatures: { layer: -2, select: "patch" },
};
