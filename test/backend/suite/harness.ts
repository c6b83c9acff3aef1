// What the op suite's cases share: seeded inputs, comparisons with float64 references (exact where a kernel
// promises exactness), and finite differences of those references for the backward kernels.
import assert from "node:assert/strict";
import type { KernelName, Kernels } from "../../../src/backend/kernels.ts";
import { assertClose } from "../../tensor/gradcheck.ts";

export { assertClose };

/** One check of some kernels, run on every backend and thread count. */
export interface OpCase {
  readonly kernels: readonly KernelName[];
  readonly name: string;
  run(k: Kernels): void;
}

/** Seeded uniform floats in [lo, hi) (mulberry32), as f32. */
export function rand(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * next());
}

export const f64 = (x: ArrayLike<number>): Float64Array => Float64Array.from(x);

/** Bit-for-bit equality (NaNs equal to NaNs). */
export function assertExact(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++)
    if (!Object.is(actual[i], expected[i]) && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i])))
      assert.fail(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`);
}

/** Checks an analytic gradient of a scalar function of x (computed by a kernel in f32) against central
 * differences of its float64 reference `loss`, at up to `coords` coordinates spread over x. */
export function assertGradient(
  grad: ArrayLike<number>,
  loss: (x: Float64Array) => number,
  x: ArrayLike<number>,
  what: string,
  atol = 2e-4,
  rtol = 2e-3,
  coords = 24,
): void {
  const xs = f64(x);
  const stride = Math.max(1, Math.floor(xs.length / coords));
  const got: number[] = [];
  const num: number[] = [];
  for (let i = 0; i < xs.length; i += stride) {
    const orig = xs[i];
    const h = 1e-6 * Math.max(1, Math.abs(orig));
    xs[i] = orig + h;
    const up = loss(xs);
    xs[i] = orig - h;
    const down = loss(xs);
    xs[i] = orig;
    got.push(grad[i]);
    num.push((up - down) / (2 * h));
  }
  assertClose(got, num, atol, rtol, `${what} (finite differences)`);
}

/** assertGradient for an element-wise map y[i] = f(x[i], i) under Σ w ⊙ y: the differences of each sampled
 * element's own term (the others do not move), so long inputs stay cheap. */
export function assertElementwiseGradient(
  grad: ArrayLike<number>,
  f: (v: number, i: number) => number,
  w: ArrayLike<number>,
  x: ArrayLike<number>,
  what: string,
  atol = 2e-4,
  rtol = 2e-3,
  coords = 200,
): void {
  const stride = Math.max(1, Math.floor(x.length / coords));
  const got: number[] = [];
  const num: number[] = [];
  for (let i = 0; i < x.length; i += stride) {
    const h = 1e-6 * Math.max(1, Math.abs(x[i]));
    got.push(grad[i]);
    num.push((w[i] * (f(x[i] + h, i) - f(x[i] - h, i))) / (2 * h));
  }
  assertClose(got, num, atol, rtol, `${what} (finite differences)`);
}

/** Σ w ⊙ y in float64: the scalar whose gradient a backward kernel gives for the output gradient w. */
export function weighted(w: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += w[i] * y[i];
  return s;
}
