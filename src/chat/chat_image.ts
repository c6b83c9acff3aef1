// An image file made into the pixel input of a LLaVA model, preprocessed as the checkpoint specifies.
import { existsSync, statSync } from "node:fs";
import { type ImageAspectRatio, processImage } from "../data/clip_preprocess.ts";
import {
  type CLIPImageProcessorConfig,
  findClipImageProcessorConfig,
} from "../io/config/clip_preprocessor_config.ts";
import { decodeImage } from "../io/image.ts";
import type { LlavaForConditionalGeneration } from "../models/llava/model.ts";

/** preprocessor_config.json from the first of `dirs` holding one (the model's directory, then its
 * tower's), else CLIPImageProcessor's defaults at the tower's image size. */
export function imageProcessorFor(
  model: LlavaForConditionalGeneration,
  dirs: readonly string[],
): CLIPImageProcessorConfig {
  return findClipImageProcessorConfig(dirs, model.vision_model.config.image_size);
}

export interface ChatImageOptions {
  /** Where to look for preprocessor_config.json, in order (see imageProcessorFor). */
  processorDirs?: readonly string[];
  /** Default: the checkpoint's image_aspect_ratio. */
  aspectRatio?: ImageAspectRatio;
}

/** Decodes and preprocesses `file` into [3, S, S] pixel values for `model`. */
export async function loadChatImage(
  model: LlavaForConditionalGeneration,
  file: string,
  opts: ChatImageOptions = {},
): Promise<Float32Array> {
  if (!existsSync(file) || !statSync(file).isFile()) throw new Error(`image not found: ${file}`);
  const processor = imageProcessorFor(model, opts.processorDirs ?? []);
  const image = processImage(
    await decodeImage(file),
    processor,
    opts.aspectRatio ?? model.llava.imageAspectRatio,
  );
  const S = model.vision_model.config.image_size;
  if (image.width !== S || image.height !== S)
    throw new Error(
      `${file}: preprocessing gives ${image.width}×${image.height} pixels; the tower takes ${S}×${S}`,
    );
  return image.pixelValues;
}
