// SigLIP vision towers (google/siglip-*, the towers of LLaVA-Interleave / LLaVA-OneVision): transformers'
// SiglipVisionModel, from a "siglip_vision_model" config or the vision half of a "siglip" one, with
// SiglipImageProcessor's preprocessing (a square resize without crop, mean and std 0.5).
import { parseImageProcessorConfig } from "../../../io/config/clip_preprocessor_config.ts";
import { prefixLayout } from "../../../io/weights/layout.ts";
import type { VisionConfig } from "../../vision_tower.ts";
import { NO_PARTS, parameterWeights } from "../family.ts";
import type { VisionFamily } from "../vision.ts";
import { readSiglipVisionConfig, type SiglipVisionConfig, siglipVisionConfigJson } from "./config.ts";
import { SiglipVisionModel } from "./model.ts";

// The pooling head is skipped with the text tower: LLaVA never reads it.
const SIGLIP_LAYOUT = prefixLayout(
  "siglip",
  ["vision_model."],
  ["vision_model.head.", "text_model.", "logit_scale", "logit_bias"],
);

const owns = (c: VisionConfig): c is SiglipVisionConfig =>
  "model_type" in c && c.model_type === "siglip_vision_model";

function own(c: VisionConfig): SiglipVisionConfig {
  if (!owns(c)) throw new Error("a CLIP vision config is not a SigLIP vision config");
  return c;
}

export const SIGLIP_VISION: VisionFamily = {
  name: "siglip_vision_model",
  modelTypes: ["siglip_vision_model", "siglip"],
  owns,
  isModel: (m): m is SiglipVisionModel => m instanceof SiglipVisionModel,
  parseConfig: readSiglipVisionConfig,
  build: (c, rng) => new SiglipVisionModel(own(c), rng),
  layout: () => SIGLIP_LAYOUT,
  storedWeights: (m) => parameterWeights(m),
  parts: (m) => ({ ...NO_PARTS, visionTower: [m] }),
  lnTuningTargets: null,
  configJson: (c) => siglipVisionConfigJson(own(c)),
  imageProcessorTypes: ["SiglipImageProcessor"],
  // SiglipImageProcessor: size {height, width} (224 by class default; the tower's here), bicubic, no crop.
  parseImageProcessor: (f, imageSize) =>
    parseImageProcessorConfig(f, imageSize, {
      size: { height: imageSize, width: imageSize },
      do_center_crop: false,
      image_mean: [0.5, 0.5, 0.5],
      image_std: [0.5, 0.5, 0.5],
    }),
  // LLaVA-NeXT-Interleave drops the tower's last layer and takes every patch token of the new last one:
  // the penultimate hidden state of the whole tower, nothing dropped.
  llavaFeatures: { layer: -2, select: "cls_patch" },
};
