// The block-quantised storage formats. A block of 32 (int8) or 64 (nf4) values is stored as its f32 scale
// (little-endian, 4 bytes) followed by its codes:
//   int8: 32 signed bytes; value = code · scale, scale = absmax / 127 (symmetric, LLM.int8's absmax scaling);
//   nf4:  64 four-bit indices into QLoRA's NormalFloat levels, two to a byte (the first in the high nibble,
//         as bitsandbytes packs them); value = level · absmax.
// Every operation is in f32 (as the addon computes them): int8 codes are round-half-even(x · (1 / scale))
// clamped to ±127 (0 for NaN), nf4 codes the nearest level to x · (1 / absmax) (a midpoint goes to the lower
// level, NaN to the first); a block's absmax skips NaNs, and an all-zero block has scale 0.
// Encoding takes each block's own absmax, or one given for the block (quantizeRows: one scale per row).
import type { StorageDtype } from "./dtypes.ts";

/** QLoRA's NF4 levels (Dettmers et al. 2023, appendix E; bitsandbytes' table). */
export const NF4_LEVELS = Float32Array.of(
  -1.0,
  -0.6961928009986877,
  -0.5250730514526367,
  -0.39491748809814453,
  -0.28444138169288635,
  -0.18477343022823334,
  -0.09105003625154495,
  0.0,
  0.07958029955625534,
  0.16093020141124725,
  0.24611230194568634,
  0.33791524171829224,
  0.44070982933044434,
  0.5626170039176941,
  0.7229568362236023,
  1.0,
);
/** Midpoints between neighbouring levels (exact, in double): x above NF4_MIDPOINTS[i] is nearer level i + 1. */
const NF4_MIDPOINTS = Float64Array.from({ length: 15 }, (_, i) => (NF4_LEVELS[i] + NF4_LEVELS[i + 1]) / 2);

export const QUANT_BLOCKS = {
  int8: { size: 32, bytes: 36 },
  nf4: { size: 64, bytes: 36 },
} as const;
export type QuantDtype = keyof typeof QUANT_BLOCKS;

const f = Math.fround;

function roundHalfEven(v: number): number {
  const lo = Math.floor(v);
  const d = v - lo;
  return d < 0.5 ? lo : d > 0.5 ? lo + 1 : lo % 2 === 0 ? lo : lo + 1;
}

function nf4Index(x: number): number {
  let i = 0;
  while (i < 15 && x > NF4_MIDPOINTS[i]) i++;
  return i;
}

/** The largest |x| (NaNs skipped). */
function absmax(src: Float32Array, at: number, n: number): number {
  let m = 0;
  for (let i = at; i < at + n; i++) if (Math.abs(src[i]) > m) m = Math.abs(src[i]);
  return m;
}

/** Encodes one block of `dtype` from src[at …] into dst at byte `to`, with the given absmax. */
export function encodeBlock(
  dtype: QuantDtype,
  src: Float32Array,
  at: number,
  dst: Uint8Array,
  to: number,
  max: number,
): void {
  const view = new DataView(dst.buffer, dst.byteOffset);
  if (dtype === "int8") {
    const scale = f(max / 127);
    const inv = scale === 0 ? 0 : f(1 / scale);
    view.setFloat32(to, scale, true);
    for (let i = 0; i < 32; i++) {
      const v = f(src[at + i] * inv);
      const q = Number.isNaN(v) ? 0 : Math.min(127, Math.max(-127, roundHalfEven(v)));
      dst[to + 4 + i] = q & 0xff;
    }
    return;
  }
  const inv = max === 0 ? 0 : f(1 / max);
  view.setFloat32(to, max, true);
  for (let i = 0; i < 32; i++) {
    const hi = nf4Index(f(src[at + 2 * i] * inv));
    const lo = nf4Index(f(src[at + 2 * i + 1] * inv));
    dst[to + 4 + i] = (hi << 4) | lo;
  }
}

/** Decodes n values (whole blocks) of `dtype` into f32. */
export function decodeBlocks(dtype: QuantDtype, src: Uint8Array, dst: Float32Array, n: number): void {
  const { size, bytes } = QUANT_BLOCKS[dtype];
  const view = new DataView(src.buffer, src.byteOffset);
  for (let b = 0; b < n / size; b++) {
    const scale = view.getFloat32(b * bytes, true);
    const codes = b * bytes + 4;
    const out = b * size;
    if (dtype === "int8")
      for (let i = 0; i < 32; i++) dst[out + i] = f(((src[codes + i] << 24) >> 24) * scale);
    else
      for (let i = 0; i < 32; i++) {
        dst[out + 2 * i] = f(NF4_LEVELS[src[codes + i] >> 4] * scale);
        dst[out + 2 * i + 1] = f(NF4_LEVELS[src[codes + i] & 15] * scale);
      }
  }
}

/** Encodes n values (whole blocks), each block with its own absmax. */
export function encodeBlocks(dtype: QuantDtype, src: Float32Array, dst: Uint8Array, n: number): void {
  const { size, bytes } = QUANT_BLOCKS[dtype];
  for (let b = 0; b < n / size; b++)
    encodeBlock(dtype, src, b * size, dst, b * bytes, absmax(src, b * size, size));
}

/** Encodes a [rows, cols] matrix with one absmax per row, shared by the row's blocks. */
export function encodeRows(
  dtype: QuantDtype,
  src: Float32Array,
  dst: Uint8Array,
  rows: number,
  cols: number,
): void {
  const { size, bytes } = QUANT_BLOCKS[dtype];
  const perRow = cols / size;
  for (let r = 0; r < rows; r++) {
    const max = absmax(src, r * cols, cols);
    for (let b = 0; b < perRow; b++)
      encodeBlock(dtype, src, r * cols + b * size, dst, (r * perRow + b) * bytes, max);
  }
}

export function isQuantDtype(d: StorageDtype): d is QuantDtype {
  return Object.hasOwn(QUANT_BLOCKS, d);
}
