// The tokenizer and image-processor settings a LLaVA checkpoint carries, found by one rule for every
// command (train, eval, analyze, generate, chat):
// - the image processor is the preprocessor_config.json of the directory holding the tower (the tower
//   directory of an original-layout LLaVA or of a LLaVA joined from parts, else the model directory), then
//   of the model directory, read as its image_processor_type says; without one, the tower family's
//   processor defaults at the tower's image size;
// - model_max_length and the padding side are the checkpoint's tokenizer_model_max_length and
//   tokenizer_padding_side (original LLaVA's training settings; none and right for llava-hf), the length
//   replaceable by the caller (training's --max-length).
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CLIPImageProcessorConfig } from "../../../io/config/clip_preprocessor_config.ts";
import { Fields, readJsonObject } from "../../../io/config/fields.ts";
import type { VisionConfig } from "../../vision_tower.ts";
import { VISION_FAMILIES, visionFamilyOf } from "../registry.ts";
import type { LlavaConfig } from "./config.ts";

export const PREPROCESSOR_FILE = "preprocessor_config.json";

export interface Preprocessing {
  /** Spliced rows are cut to this many positions (null: never). */
  modelMaxLength: number | null;
  /** The side the splice pads training rows on (generation always pads left). */
  paddingSide: "right" | "left";
  imageProcessor: CLIPImageProcessorConfig;
  /** The preprocessor_config.json it was read from; null for the tower family's defaults. */
  imageProcessorFile: string | null;
}

/** Where the checkpoint's parts are. */
export interface CheckpointDirs {
  model?: string;
  tower?: string;
}

/** A preprocessor_config.json read by the processor its image_processor_type names (the tower family's
 * when it names none). */
export function readImageProcessor(file: string, tower: VisionConfig): CLIPImageProcessorConfig {
  const f = new Fields(file, readJsonObject(file));
  const key = f.has("image_processor_type") ? "image_processor_type" : "feature_extractor_type";
  const type = f.optStr(key);
  const family =
    type === null ? visionFamilyOf(tower) : VISION_FAMILIES.find((x) => x.imageProcessorTypes.includes(type));
  if (!family) {
    const known = VISION_FAMILIES.flatMap((x) => x.imageProcessorTypes).join(", ");
    throw f.fail(key, `"${type}" is not an image processor lntune reproduces (${known})`);
  }
  return family.parseImageProcessor(f, tower.image_size);
}

export function findPreprocessing(
  config: LlavaConfig,
  dirs: CheckpointDirs,
  modelMaxLength?: number,
): Preprocessing {
  const tower = config.vision;
  if (!tower) throw new Error("the LLaVA config has no vision tower config (pass the tower directory)");
  const dir = [dirs.tower, dirs.model].find((d) => d !== undefined && existsSync(join(d, PREPROCESSOR_FILE)));
  const file = dir === undefined ? null : join(dir, PREPROCESSOR_FILE);
  const family = visionFamilyOf(tower);
  return {
    modelMaxLength: modelMaxLength ?? config.tokenizerModelMaxLength,
    paddingSide: config.tokenizerPaddingSide ?? "right",
    imageProcessor:
      file === null
        ? family.parseImageProcessor(new Fields(`(${family.name} processor defaults)`, {}), tower.image_size)
        : readImageProcessor(file, tower),
    imageProcessorFile: file,
  };
}
