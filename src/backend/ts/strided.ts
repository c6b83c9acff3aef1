// Row-major walks over a shape read through element strides (0 along broadcast axes), for the reference kernels.

/** Calls fn(k, a, b) for each flat index k of shape in row-major order, where a and b are the offsets of the
 * same multi-index under strides sa and sb. */
export function walk2(
  shape: Int32Array,
  sa: Int32Array,
  sb: Int32Array,
  fn: (k: number, a: number, b: number) => void,
): void {
  const rank = shape.length;
  let n = 1;
  for (const d of shape) n *= d;
  const at = new Array<number>(rank).fill(0);
  let a = 0;
  let b = 0;
  for (let k = 0; k < n; k++) {
    fn(k, a, b);
    for (let i = rank - 1; i >= 0; i--) {
      at[i]++;
      a += sa[i];
      b += sb[i];
      if (at[i] < shape[i]) break;
      a -= sa[i] * at[i];
      b -= sb[i] * at[i];
      at[i] = 0;
    }
  }
}
