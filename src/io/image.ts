// Image decoding (JPEG, PNG, WebP, ...) to 8-bit RGB with sharp, which decodes on libuv's thread pool.
// Matches PIL's `Image.open(path).convert("RGB")`: alpha is dropped without compositing, grey and palette
// images are expanded to RGB, and EXIF orientation is ignored.
import sharp from "sharp";

/** Interleaved 8-bit RGB, row-major (HWC). */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** PIL's default decompression-bomb limit (Image.MAX_IMAGE_PIXELS). */
export const DEFAULT_MAX_PIXELS = 89_478_485;

export type ImageErrorKind = "undecodable" | "too_large";

export class ImageError extends Error {
  constructor(
    readonly kind: ImageErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "ImageError";
  }
}

export interface DecodeOptions {
  /** Reject images with more pixels than this before decoding them (default DEFAULT_MAX_PIXELS). */
  maxPixels?: number;
}

/** Decodes an encoded image (a file path or its bytes) to RGB. */
export async function decodeImage(
  input: string | Uint8Array,
  options: DecodeOptions = {},
): Promise<RgbImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const label = typeof input === "string" ? input : "image";
  try {
    const { data, info } = await sharp(input, { limitInputPixels: maxPixels, failOn: "error" })
      .removeAlpha()
      .toColourspace("srgb")
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    };
  } catch (err) {
    const message = (err as Error).message;
    if (/pixel limit/i.test(message))
      throw new ImageError("too_large", `${label}: more than ${maxPixels} pixels`);
    throw new ImageError("undecodable", `${label}: ${message}`);
  }
}
