// HF CLIPImageProcessor steps (resize shortest edge, center crop, rescale, normalise → CHW float32) and
// LLaVA's pad-to-square, on decoded RGB images. The resize reproduces Pillow's (see pillow_resize.ts).
import type { CLIPImageProcessorConfig } from "../io/config/clip_preprocessor_config.ts";
import type { RgbImage } from "../io/image.ts";
import { pillowResize } from "./pillow_resize.ts";

/** HF's shortest-edge rule: the short side becomes `size`, the long side `int(size * long / short)`. */
export function resizeOutputSize(
  width: number,
  height: number,
  size: number,
): { width: number; height: number } {
  const [short, long] = width <= height ? [width, height] : [height, width];
  const newLong = Math.trunc((size * long) / short);
  return width <= height ? { width: size, height: newLong } : { width: newLong, height: size };
}

/** HF's center_crop: offsets `(H − h)//2`, `(W − w)//2`; a smaller image is first zero-padded, centred (ceil). */
export function centerCrop(image: RgbImage, width: number, height: number): RgbImage {
  const padTop = Math.max(0, Math.ceil((height - image.height) / 2));
  const padLeft = Math.max(0, Math.ceil((width - image.width) / 2));
  const top = Math.floor((image.height - height) / 2) + padTop;
  const left = Math.floor((image.width - width) / 2) + padLeft;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sy = top + y - padTop;
    if (sy < 0 || sy >= image.height) continue;
    for (let x = 0; x < width; x++) {
      const sx = left + x - padLeft;
      if (sx < 0 || sx >= image.width) continue;
      const src = (sy * image.width + sx) * 3;
      data.set(image.data.subarray(src, src + 3), (y * width + x) * 3);
    }
  }
  return { width, height, data };
}

/** LLaVA's `expand2square`: paste centred (offset `(W − H)//2`) on a square of `background`. */
export function expand2square(image: RgbImage, background: readonly [number, number, number]): RgbImage {
  const { width, height } = image;
  if (width === height) return image;
  const side = Math.max(width, height);
  const data = new Uint8Array(side * side * 3);
  for (let i = 0; i < side * side; i++) data.set(background, i * 3);
  const top = width > height ? Math.floor((width - height) / 2) : 0;
  const left = width > height ? 0 : Math.floor((height - width) / 2);
  for (let y = 0; y < height; y++) {
    data.set(image.data.subarray(y * width * 3, (y + 1) * width * 3), ((top + y) * side + left) * 3);
  }
  return { width: side, height: side, data };
}

/** LLaVA's pad colour: `tuple(int(x * 255) for x in image_mean)`, (122, 116, 104) for CLIP. */
export function padBackground(config: CLIPImageProcessorConfig): [number, number, number] {
  const mean = config.image_mean;
  return [Math.trunc(mean[0] * 255), Math.trunc(mean[1] * 255), Math.trunc(mean[2] * 255)];
}

export interface ProcessedImage {
  /** [3, height, width] float32. */
  pixelValues: Float32Array;
  height: number;
  width: number;
}

/** CLIPImageProcessor.preprocess for one RGB image. */
export function clipPreprocess(image: RgbImage, config: CLIPImageProcessorConfig): ProcessedImage {
  let out = image;
  if (config.do_resize) {
    const size = config.size;
    const target =
      "shortest_edge" in size ? resizeOutputSize(out.width, out.height, size.shortest_edge) : size;
    out = pillowResize(out, target.width, target.height, config.resample);
  }
  if (config.do_center_crop) out = centerCrop(out, config.crop_size.width, config.crop_size.height);
  const scale = config.do_rescale ? config.rescale_factor : 1;
  const mean = config.do_normalize ? config.image_mean : [0, 0, 0];
  const std = config.do_normalize ? config.image_std : [1, 1, 1];
  const plane = out.width * out.height;
  const pixelValues = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < plane; i++)
      pixelValues[c * plane + i] = (out.data[i * 3 + c] * scale - mean[c]) / std[c];
  }
  return { pixelValues, height: out.height, width: out.width };
}

/** LLaVA's `image_aspect_ratio`: "pad" squares the image with the mean colour first, "square" does not. */
export type ImageAspectRatio = "pad" | "square";

export function processImage(
  image: RgbImage,
  config: CLIPImageProcessorConfig,
  aspectRatio: ImageAspectRatio = "pad",
): ProcessedImage {
  const input = aspectRatio === "pad" ? expand2square(image, padBackground(config)) : image;
  return clipPreprocess(input, config);
}
