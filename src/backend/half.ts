// Conversions between f32 and the 16-bit storage formats (raw bit patterns in a Uint16Array).
import type { StorageDtype } from "./dtypes.ts";

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function bf16BitsToF32(bits: number): number {
  u32[0] = bits << 16;
  return f32[0];
}

/** Round to nearest even, as torch does when casting to bfloat16; NaN stays a (quiet) NaN. */
export function f32ToBf16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0];
  if ((b & 0x7fffffff) > 0x7f800000) return ((b >>> 16) | 0x40) & 0xffff;
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}

export function f16BitsToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Round to nearest even; overflow gives ±Infinity, tiny values become subnormals or ±0. */
export function f32ToF16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let r = mant >>> shift;
    if (rest > half || (rest === half && r & 1)) r++;
    return sign | r;
  }
  const rest = mant & 0x1fff;
  mant >>>= 13;
  if (rest > 0x1000 || (rest === 0x1000 && mant & 1)) {
    mant++;
    if (mant === 0x400) {
      mant = 0;
      e++;
      if (e >= 31) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | mant;
}

export function bf16RowToF32(src: Uint16Array, dst: Float32Array, n: number): void {
  const o = new Uint32Array(dst.buffer, dst.byteOffset, n);
  for (let i = 0; i < n; i++) o[i] = src[i] << 16;
}

export function f16RowToF32(src: Uint16Array, dst: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) dst[i] = f16BitsToF32(src[i]);
}

export function f32RowToBf16(src: Float32Array, dst: Uint16Array, n: number): void {
  for (let i = 0; i < n; i++) dst[i] = f32ToBf16Bits(src[i]);
}

export function f32RowToF16(src: Float32Array, dst: Uint16Array, n: number): void {
  for (let i = 0; i < n; i++) dst[i] = f32ToF16Bits(src[i]);
}

type Half = Exclude<StorageDtype, "f32">;

/** Decodes a whole 16-bit buffer to f32. */
export function halfToF32(bits: Uint16Array, dtype: Half): Float32Array {
  const out = new Float32Array(bits.length);
  (dtype === "bf16" ? bf16RowToF32 : f16RowToF32)(bits, out, bits.length);
  return out;
}

/** Encodes f32 values to a 16-bit storage format. */
export function f32ToHalf(x: Float32Array, dtype: Half): Uint16Array {
  const out = new Uint16Array(x.length);
  (dtype === "bf16" ? f32RowToBf16 : f32RowToF16)(x, out, x.length);
  return out;
}
