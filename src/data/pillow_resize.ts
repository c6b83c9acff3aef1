// Pillow's 8-bit convolution resampling (libImaging/Resample.c), which HF's CLIPImageProcessor resizes with.
// Re-implemented because sharp/libvips resample differently (other pixel-centre and upscaling conventions):
// this gives Pillow's exact uint8 output. Separable: a horizontal pass into a uint8 image, then a vertical one,
// each with fixed-point weights (22 fraction bits) and support widened by the downscale factor (antialiasing).
import type { RgbImage } from "../io/image.ts";

interface Filter {
  support: number;
  weight(x: number): number;
}

const BICUBIC_A = -0.5;

const FILTERS: Record<number, Filter> = {
  // Keyed by PIL.Image.Resampling: 2 BILINEAR, 3 BICUBIC.
  2: { support: 1, weight: (x) => Math.max(0, 1 - Math.abs(x)) },
  3: {
    support: 2,
    weight(x) {
      const a = BICUBIC_A;
      x = Math.abs(x);
      if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
      if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
      return 0;
    },
  },
};

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;

interface Coefficients {
  /** First input index for each output index. */
  start: Int32Array;
  count: Int32Array;
  /** ksize weights per output index, fixed point. */
  weights: Int32Array;
  ksize: number;
}

function coefficients(inSize: number, outSize: number, filter: Filter): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    // C's (int) truncates toward zero.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const n = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let x = 0; x < n; x++) {
      k[x] = filter.weight((x + xmin - center + 0.5) / filterScale);
      total += k[x];
    }
    for (let x = 0; x < n; x++) {
      const w = total !== 0 ? k[x] / total : k[x];
      weights[xx * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    start[xx] = xmin;
    count[xx] = n;
  }
  return { start, count, weights, ksize };
}

function clip8(acc: number): number {
  const v = Math.floor(acc / ONE);
  return Math.min(Math.max(v, 0), 255);
}

function horizontal(src: RgbImage, outWidth: number, filter: Filter): RgbImage {
  const { start, count, weights, ksize } = coefficients(src.width, outWidth, filter);
  const data = new Uint8Array(outWidth * src.height * 3);
  for (let y = 0; y < src.height; y++) {
    const row = y * src.width * 3;
    for (let xx = 0; xx < outWidth; xx++) {
      let r = ONE / 2;
      let g = ONE / 2;
      let b = ONE / 2;
      for (let x = 0; x < count[xx]; x++) {
        const w = weights[xx * ksize + x];
        const p = row + (start[xx] + x) * 3;
        r += src.data[p] * w;
        g += src.data[p + 1] * w;
        b += src.data[p + 2] * w;
      }
      const o = (y * outWidth + xx) * 3;
      data[o] = clip8(r);
      data[o + 1] = clip8(g);
      data[o + 2] = clip8(b);
    }
  }
  return { width: outWidth, height: src.height, data };
}

function vertical(src: RgbImage, outHeight: number, filter: Filter): RgbImage {
  const { start, count, weights, ksize } = coefficients(src.height, outHeight, filter);
  const stride = src.width * 3;
  const data = new Uint8Array(outHeight * stride);
  for (let yy = 0; yy < outHeight; yy++) {
    for (let i = 0; i < stride; i++) {
      let acc = ONE / 2;
      for (let y = 0; y < count[yy]; y++)
        acc += src.data[(start[yy] + y) * stride + i] * weights[yy * ksize + y];
      data[yy * stride + i] = clip8(acc);
    }
  }
  return { width: src.width, height: outHeight, data };
}

/** `PIL.Image.resize((width, height), resample)` for an RGB image; resample 2 bilinear, 3 bicubic. */
export function pillowResize(image: RgbImage, width: number, height: number, resample = 3): RgbImage {
  if (image.width === width && image.height === height) return image;
  const filter = FILTERS[resample];
  if (!filter) throw new Error(`unsupported resample ${resample} (2 bilinear, 3 bicubic)`);
  const wide = image.width === width ? image : horizontal(image, width, filter);
  return wide.height === height ? wide : vertical(wide, height, filter);
}
