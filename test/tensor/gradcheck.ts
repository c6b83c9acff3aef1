// Finite-difference gradient checking against float64 reference forwards.
// For an op f with f32 inputs xs, the test builds L = Σ w ⊙ f(xs) with random weights w, back-propagates
// through the engine (f32), and compares with central differences of the float64 reference of f.
import assert from "node:assert/strict";
import { backward } from "../../src/tensor/autograd.ts";
import { Rng } from "../../src/tensor/rng.ts";
import { Tensor } from "../../src/tensor/tensor.ts";

export type Ref = (xs: Float64Array[]) => Float64Array;

export function randTensor(rng: Rng, shape: number[], scale = 1, requiresGrad = true): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const t = new Tensor(rng.fillNormal(new Float32Array(n), 0, scale), shape);
  t.requiresGrad = requiresGrad;
  return t;
}

export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol: number,
  rtol: number,
  what: string,
) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(a) !== Number.isNaN(e)) assert.fail(`${what}[${i}]: ${a} vs ${e}`);
    if (Number.isNaN(e) || a === e) continue;
    const excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (excess > worst) {
      worst = excess;
      at = i;
    }
  }
  if (at >= 0)
    assert.fail(`${what}[${at}]: got ${actual[at]}, expected ${expected[at]} (atol ${atol}, rtol ${rtol})`);
}

export interface CheckOptions {
  atol?: number;
  rtol?: number;
  /** Check at most this many coordinates per input (spread over the tensor). */
  maxCoords?: number;
  seed?: number;
}

/** Checks forward against ref and every input's gradient against central differences of ref. */
export function gradcheck(f: (xs: Tensor[]) => Tensor, ref: Ref, inputs: Tensor[], opts: CheckOptions = {}) {
  const { atol = 2e-4, rtol = 2e-3, maxCoords = 60, seed = 7 } = opts;
  for (const x of inputs) x.grad = null;
  const out = f(inputs);
  const xs64 = inputs.map((x) => Float64Array.from(x.readF32()));
  const expected = ref(xs64);
  assertClose(out.readF32(), expected, 1e-5, 1e-4, "forward");
  const rng = new Rng(seed);
  const w = rng.fillNormal(new Float32Array(out.size));
  backward(out, w);
  const loss = (xs: Float64Array[]) => {
    const y = ref(xs);
    let s = 0;
    for (let i = 0; i < y.length; i++) s += w[i] * y[i];
    return s;
  };
  inputs.forEach((x, idx) => {
    if (!x.requiresGrad) return;
    assert.ok(x.grad, `input ${idx} got no gradient`);
    const stride = Math.max(1, Math.floor(x.size / maxCoords));
    const got: number[] = [];
    const num: number[] = [];
    for (let i = 0; i < x.size; i += stride) {
      const h = 1e-6 * Math.max(1, Math.abs(xs64[idx][i]));
      const orig = xs64[idx][i];
      xs64[idx][i] = orig + h;
      const up = loss(xs64);
      xs64[idx][i] = orig - h;
      const down = loss(xs64);
      xs64[idx][i] = orig;
      got.push(x.grad![i]);
      num.push((up - down) / (2 * h));
    }
    assertClose(got, num, atol, rtol, `gradient of input ${idx}`);
  });
}
