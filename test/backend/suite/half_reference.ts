// Independent float64 models of the 16-bit storage formats (IEEE 754 binary16; bfloat16 = the top half of a
// binary32), for the cases that read or write them: decoding by the formats' definitions, encoding as the
// representable value nearest to x with ties to the even code.

const view = new DataView(new ArrayBuffer(4));

export function bf16Value(bits: number): number {
  view.setUint32(0, bits << 16);
  return view.getFloat32(0);
}

export function f16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  if (e === 31) return m ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return e === 0 ? sign * m * 2 ** -24 : sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** The code of a format (by its decoder and finite positive codes) nearest to x, ties to the even code. */
function nearest(x: number, value: (bits: number) => number, maxFinite: number, inf: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Number.POSITIVE_INFINITY) return sign | inf;
  // Binary search for the largest code with value <= a among 0..maxFinite (values increase with the code).
  let lo = 0;
  let hi = maxFinite;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (value(mid) <= a) lo = mid;
    else hi = mid - 1;
  }
  if (value(lo) === a) return sign | lo;
  // Above the largest finite value: rounds to infinity beyond the halfway point to the next power.
  const up = lo === maxFinite ? 2 * value(maxFinite) - value(maxFinite - 1) : value(lo + 1);
  const dLo = a - value(lo);
  const dUp = up - a;
  const code = dLo < dUp || (dLo === dUp && (lo & 1) === 0) ? lo : lo + 1;
  return sign | code;
}

export const f16Nearest = (x: number): number => nearest(x, f16Value, 0x7bff, 0x7c00);
export const bf16Nearest = (x: number): number => nearest(x, bf16Value, 0x7f7f, 0x7f80);
