// An image file made into the pixel input of a LLaVA model, preprocessed as the checkpoint specifies (the
// settings it carries, see families/llava/preprocessing.ts).
import { existsSync, statSync } from "node:fs";
import { type ImageAspectRatio, processImage } from "../data/clip_preprocess.ts";
import type { CLIPImageProcessorConfig } from "../io/config/clip_preprocessor_config.ts";
import { decodeImage } from "../io/image.ts";
import type { LlavaForConditionalGeneration } from "../models/llava/model.ts";

/** The image processor settings the checkpoint carries. */
export function imageProcessorFor(model: LlavaForConditionalGeneration): CLIPImageProcessorConfig {
  return model.preprocessing.imageProcessor;
}

export interface ChatImageOptions {
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
  const image = processImage(
    await decodeImage(file),
    imageProcessorFor(model),
    opts.aspectRatio ?? model.config.imageAspectRatio,
  );
  const S = model.vision_tower.config.image_size;
  if (image.width !== S || image.height !== S)
    throw new Error(
      `${file}: preprocessing gives ${image.width}×${image.height} pixels; the tower takes ${S}×${S}`,
    );
  return image.pixelValues;
}
