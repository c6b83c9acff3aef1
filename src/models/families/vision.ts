// What a vision-tower family adds to a family descriptor: its image processor and how a new LLaVA reads
// its features.
import type { CLIPImageProcessorConfig } from "../../io/config/clip_preprocessor_config.ts";
import type { Fields } from "../../io/config/fields.ts";
import type { VisionConfig, VisionTower } from "../vision_tower.ts";
import type { Family } from "./family.ts";

export interface VisionFamily extends Family<VisionConfig, VisionTower> {
  /** Whether a parsed tower config is this family's. */
  owns(config: VisionConfig): boolean;
  /** image_processor_type (or the older feature_extractor_type) values its processor reads. */
  readonly imageProcessorTypes: readonly string[];
  /** preprocessor_config.json in the processor's names and defaults, the image size defaulting to the
   * tower's; every processor's steps map onto the one preprocessing pipeline (data/clip_preprocess.ts). */
  parseImageProcessor(f: Fields, imageSize: number): CLIPImageProcessorConfig;
  /** The features a new LLaVA takes: the hidden state (LLaVA's penultimate layer) and whether its first
   * token, a class token, is dropped ("patch") or every token kept ("cls_patch", llava-hf's "full"). */
  readonly llavaFeatures: { layer: number; select: "patch" | "cls_patch" };
}
