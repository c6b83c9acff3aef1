// An independent model of the block-quantised formats as src/backend/quant.ts specifies them (a block: its f32
// scale, little-endian, then its codes; int8 codes x/scale rounded half to even, nf4 the nearest of QLoRA's
// levels, ties to the lower one; all arithmetic in f32), written from that description: codes are found by
// searching every code for the nearest value rather than by the implementation's formulas.

/** QLoRA's NormalFloat levels (Dettmers et al., "QLoRA", appendix E). */
const NF4 = [
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
  -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
  0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
].map(Math.fround);

export const BLOCK = { int8: { size: 32, bytes: 36 }, nf4: { size: 64, bytes: 36 } } as const;
export type QuantFormat = keyof typeof BLOCK;

const f = Math.fround;

/** The code whose value is nearest to t among `values` (index order breaks ties: `preferEven` picks the even
 * integer, else the first). */
function nearestCode(t: number, values: readonly number[], preferEven: boolean, offset = 0): number {
  let best = 0;
  for (let c = 1; c < values.length; c++) {
    const d = Math.abs(t - values[c]);
    const b = Math.abs(t - values[best]);
    if (d < b || (d === b && preferEven && (c + offset) % 2 === 0)) best = c;
  }
  return best;
}

const INT8_VALUES = Array.from({ length: 255 }, (_, i) => i - 127);

/** Encodes one block (values x) with absmax `max` into its bytes. */
export function encodeBlockRef(format: QuantFormat, x: ArrayLike<number>, max: number): Uint8Array {
  const out = new Uint8Array(BLOCK[format].bytes);
  const view = new DataView(out.buffer);
  if (format === "int8") {
    const scale = f(max / 127);
    view.setFloat32(0, scale, true);
    const inv = scale === 0 ? 0 : f(1 / scale);
    for (let i = 0; i < 32; i++) {
      const t = f(x[i] * inv);
      const code = Number.isNaN(t) ? 0 : INT8_VALUES[nearestCode(t, INT8_VALUES, true, 127)];
      out[4 + i] = code & 0xff;
    }
    return out;
  }
  view.setFloat32(0, f(max), true);
  const inv = max === 0 ? 0 : f(1 / max);
  const code = (v: number) => (Number.isNaN(v) ? 0 : nearestCode(v, NF4, false));
  for (let i = 0; i < 32; i++) out[4 + i] = (code(f(x[2 * i] * inv)) << 4) | code(f(x[2 * i + 1] * inv));
  return out;
}

/** The largest |x| of the values, NaNs skipped. */
export function absmaxRef(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) if (Math.abs(x[i]) > m) m = Math.abs(x[i]);
  return f(m);
}

/** Encodes values (whole blocks) with each block's own absmax, or with `rowMax` for all. */
export function encodeRef(format: QuantFormat, x: Float32Array, rowMax?: number): Uint8Array {
  const { size, bytes } = BLOCK[format];
  const out = new Uint8Array((x.length / size) * bytes);
  for (let b = 0; b < x.length / size; b++) {
    const block = x.subarray(b * size, (b + 1) * size);
    out.set(encodeBlockRef(format, block, rowMax ?? absmaxRef(block)), b * bytes);
  }
  return out;
}

/** The values a buffer of whole blocks holds. */
export function decodeRef(format: QuantFormat, data: Uint8Array): Float64Array {
  const { size, bytes } = BLOCK[format];
  const blocks = data.length / bytes;
  const out = new Float64Array(blocks * size);
  const view = new DataView(data.buffer, data.byteOffset);
  for (let b = 0; b < blocks; b++) {
    const scale = view.getFloat32(b * bytes, true);
    for (let i = 0; i < 32; i++) {
      const byte = data[b * bytes + 4 + i];
      if (format === "int8") out[b * size + i] = f((byte >= 128 ? byte - 256 : byte) * scale);
      else {
        out[b * size + 2 * i] = f(NF4[byte >> 4] * scale);
        out[b * size + 2 * i + 1] = f(NF4[byte & 15] * scale);
      }
    }
  }
  return out;
}
