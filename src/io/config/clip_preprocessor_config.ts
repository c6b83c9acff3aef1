// CLIP-style image preprocessing settings (`preprocessor_config.json`, transformers' CLIPImageProcessor
// names and defaults; other processors of the same steps read with their own defaults).

import { existsSync } from "node:fs";
import { join } from "node:path";
import { Fields, readJsonObject, resolveConfigFile } from "./fields.ts";

export type ImageSize = { shortest_edge: number } | { height: number; width: number };

export interface CLIPImageProcessorConfig {
  do_convert_rgb: boolean;
  do_resize: boolean;
  size: ImageSize;
  /** PIL resampling filter code (3 = bicubic). */
  resample: number;
  do_center_crop: boolean;
  crop_size: { height: number; width: number };
  do_rescale: boolean;
  rescale_factor: number;
  do_normalize: boolean;
  image_mean: number[];
  image_std: number[];
}

export const OPENAI_CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
export const OPENAI_CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

/** What an image processor class defaults differently from CLIPImageProcessor (SiglipImageProcessor: a
 * square resize, no crop, mean and std 0.5). */
export interface ProcessorDefaults {
  size: ImageSize;
  do_center_crop: boolean;
  image_mean: number[];
  image_std: number[];
}

/** `imageSize` sets the default resize and crop; CLIPImageProcessor's own default is 224. */
export function parseClipImageProcessorConfig(f: Fields, imageSize = 224): CLIPImageProcessorConfig {
  return parseImageProcessorConfig(f, imageSize, {
    size: { shortest_edge: imageSize },
    do_center_crop: true,
    image_mean: OPENAI_CLIP_MEAN,
    image_std: OPENAI_CLIP_STD,
  });
}

/** The fields CLIP-style processors share (resize, optional center crop, rescale, normalise), with the
 * given class's defaults. */
export function parseImageProcessorConfig(
  f: Fields,
  imageSize: number,
  defaults: ProcessorDefaults,
): CLIPImageProcessorConfig {
  const side = (name: string, v: unknown): number => {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v <= 0) {
      throw f.fail(name, `expected a positive integer, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  // `size` may be an int (the shortest edge), {"shortest_edge"} or {"height", "width"}.
  let size: ImageSize = defaults.size;
  const rawSize = f.obj.size;
  if (typeof rawSize === "number") size = { shortest_edge: side("size", rawSize) };
  else if (f.has("size")) {
    const s = f.optObject("size")!;
    if (s.has("shortest_edge")) size = { shortest_edge: side("size.shortest_edge", s.obj.shortest_edge) };
    else size = { height: side("size.height", s.obj.height), width: side("size.width", s.obj.width) };
  }
  // `crop_size` may be an int (a square) or {"height", "width"}.
  let crop = { height: imageSize, width: imageSize };
  const rawCrop = f.obj.crop_size;
  if (typeof rawCrop === "number") crop = { height: side("crop_size", rawCrop), width: rawCrop };
  else if (f.has("crop_size")) {
    const c = f.optObject("crop_size")!;
    crop = { height: side("crop_size.height", c.obj.height), width: side("crop_size.width", c.obj.width) };
  }
  const triple = (name: string, def: number[]): number[] => {
    const v = f.optNumList(name) ?? def;
    if (v.length !== 3) throw f.fail(name, `expected 3 values (one per channel), got ${v.length}`);
    return v;
  };
  const std = triple("image_std", defaults.image_std);
  if (std.some((x) => x <= 0)) throw f.fail("image_std", "values must be positive");
  const resample = f.int("resample", 3);
  if (resample < 0 || resample > 5) throw f.fail("resample", `unknown PIL filter ${resample}`);
  return {
    do_convert_rgb: f.bool("do_convert_rgb", true),
    do_resize: f.bool("do_resize", true),
    size,
    resample,
    do_center_crop: f.bool("do_center_crop", defaults.do_center_crop),
    crop_size: crop,
    do_rescale: f.bool("do_rescale", true),
    rescale_factor: f.num("rescale_factor", 1 / 255),
    do_normalize: f.bool("do_normalize", true),
    image_mean: triple("image_mean", defaults.image_mean),
    image_std: std,
  };
}

/** Reads `preprocessor_config.json` from a model directory; without one, the defaults for `imageSize`
 * (the tower's image_size, so that a 336-pixel tower is not fed 224-pixel crops). */
export function loadClipImageProcessorConfig(dir: string, imageSize = 224): CLIPImageProcessorConfig {
  const file = resolveConfigFile(dir, "preprocessor_config.json");
  const json = existsSync(file) ? readJsonObject(file) : {};
  return parseClipImageProcessorConfig(new Fields(file, json), imageSize);
}

/** The first preprocessor_config.json among `dirs` (LLaVA reads its vision tower's; llava-hf checkpoints carry
 * their own), else CLIPImageProcessor's defaults at the tower's image size. */
export function findClipImageProcessorConfig(
  dirs: ReadonlyArray<string | undefined>,
  imageSize: number,
): CLIPImageProcessorConfig {
  const dir = dirs.find((d) => d !== undefined && existsSync(join(d, "preprocessor_config.json")));
  return dir
    ? loadClipImageProcessorConfig(dir, imageSize)
    : parseClipImageProcessorConfig(new Fields("(CLIP defaults)", {}), imageSize);
}
