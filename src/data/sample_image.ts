// Loads and preprocesses one sample's image; failures are reported as a BadReason (or thrown when strict).
import { stat } from "node:fs/promises";
import type { CLIPImageProcessorConfig } from "../io/config/clip_preprocessor_config.ts";
import { DEFAULT_MAX_PIXELS, decodeImage, ImageError } from "../io/image.ts";
import { type ImageAspectRatio, processImage } from "./clip_preprocess.ts";
import { resolveImagePath } from "./image_path.ts";
import type { BadReason } from "./sample.ts";

export interface ImageLoadOptions {
  imageFolder: string;
  processor: CLIPImageProcessorConfig;
  aspectRatio?: ImageAspectRatio;
  maxPixels?: number;
  /** Throw instead of returning a bad reason for a missing or undecodable image. */
  strict?: boolean;
}

export type ImageLoadResult =
  | { pixelValues: Float32Array; height: number; width: number }
  | { bad: BadReason };

export async function loadSampleImage(image: string, options: ImageLoadOptions): Promise<ImageLoadResult> {
  const fail = (bad: BadReason, message: string): ImageLoadResult => {
    if (options.strict) throw new Error(message);
    return { bad };
  };
  // Never read outside the image folder: such a sample is always dropped (fatal when strict).
  const path = resolveImagePath(options.imageFolder, image);
  if (path === null)
    return fail("image_path_escapes", `image path escapes the image folder: ${JSON.stringify(image)}`);
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return fail("image_missing", `image not found: ${path}`);
  try {
    const rgb = await decodeImage(path, { maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS });
    return processImage(rgb, options.processor, options.aspectRatio ?? "pad");
  } catch (err) {
    if (!(err instanceof ImageError)) throw err;
    return fail(err.kind === "too_large" ? "image_too_large" : "image_undecodable", err.message);
  }
}
