// The compute dtype (autocast's analogue): under bf16 a frozen weight's products (linear's forward and input
// gradient, the fused head + loss) multiply bf16-rounded operands, checked against float64 products of the
// operands rounded by the bf16 format's model; products with a trainable weight stay bit-identical to f32.
import assert from "node:assert/strict";
import { test } from "node:test";
import { backward } from "../../src/tensor/autograd.ts";
import { computeDtype, setComputeDtype, withComputeDtype } from "../../src/tensor/compute_dtype.ts";
import * as T from "../../src/tensor/index.ts";
import { Rng } from "../../src/tensor/rng.ts";
import { bf16Nearest, bf16Value } from "../backend/suite/half_reference.ts";
import { assertExact } from "../backend/suite/harness.ts";
import { assertClose, randTensor } from "./gradcheck.ts";

const bf16 = (x: number) => bf16Value(bf16Nearest(x));

/** Σ_p a[i, p]·b[j, p] in float64 (a [m, k], b [n, k]) after mapping every operand value through q. */
function productT(a: ArrayLike<number>, b: ArrayLike<number>, m: number, n: number, k: number, q = bf16) {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += q(a[i * k + p]) * q(b[j * k + p]);
      out[i * n + j] = s;
    }
  return out;
}

/** [rows, cols] → [cols, rows]. */
function transposed(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c];
  return out;
}

test("linear under bf16: a frozen weight's forward and input gradient multiply bf16-rounded operands", () => {
  const rng = new Rng(3);
  const [rows, inF, outF] = [5, 37, 11];
  const x = randTensor(rng, [rows, inF]);
  const w = randTensor(rng, [outF, inF], 1, false);
  const g = rng.fillNormal(new Float32Array(rows * outF));
  const y = withComputeDtype("bf16", () => T.linear(x, w));
  assertClose(y.readF32(), productT(x.readF32(), w.readF32(), rows, outF, inF), 1e-5, 1e-5, "forward");
  backward(y, g);
  // dx = g·W: the products of bf16(g) and bf16(W).
  const wT = transposed(w.readF32(), outF, inF);
  assertClose(x.grad!, productT(g, wT, rows, inF, outF), 1e-5, 1e-5, "input gradient");
  // The same products in f32 differ: the bf16 path really ran.
  const plain = T.linear(x, w).readF32();
  assert.ok(
    plain.some((v, i) => Math.abs(v - y.readF32()[i]) > 1e-4),
    "bf16 and f32 results coincide",
  );
});

test("linear under bf16: a trainable weight's products are bit-identical to f32, gradients included", () => {
  const run = () => {
    const r = new Rng(5);
    const x = randTensor(r, [4, 9]);
    const w = randTensor(r, [6, 9]);
    const b = randTensor(r, [6]);
    backward(T.sum(T.linear(x, w, b)));
    return [T.linear(x, w, b).readF32(), x.grad!, w.grad!, b.grad!];
  };
  const f32 = run();
  const bf = withComputeDtype("bf16", run);
  for (const [i, v] of f32.entries()) assertExact(bf[i], v, `output ${i}`);
});

// The fused op rounds the unscaled logits gradient to bf16 (it scales by 1/count after the product), the
// plain one the scaled gradient: the input gradients agree to bf16's precision, not bit for bit.
test("linearCrossEntropy under bf16 with a frozen head: the loss of the bf16 linear, its gradient to bf16 precision", () => {
  const rng = new Rng(6);
  const [N, H, V] = [300, 16, 40];
  const x = randTensor(rng, [N, H]);
  const w = randTensor(rng, [V, H], 1, false);
  const labels = Int32Array.from({ length: N }, (_, i) => (i % 7 === 0 ? -100 : (i * 13) % V));
  withComputeDtype("bf16", () => {
    const fused = T.linearCrossEntropy(x, w, labels);
    backward(fused);
    const dxFused = x.grad!;
    x.grad = null;
    const plain = T.crossEntropy(T.linear(x, w), labels);
    backward(plain);
    assert.ok(Math.abs(fused.item() - plain.item()) < 1e-6, `${fused.item()} vs ${plain.item()}`);
    const scale = Math.max(...x.grad!.map(Math.abs));
    assertClose(dxFused, x.grad!, 1e-2 * scale, 0, "input gradient");
  });
});

test("the compute dtype is f32 unless set; an unknown one is refused and leaves it unchanged", () => {
  assert.equal(computeDtype(), "f32");
  assert.equal(
    withComputeDtype("bf16", () => computeDtype()),
    "bf16",
  );
  assert.equal(computeDtype(), "f32");
  assert.throws(() => setComputeDtype("f16" as never), /compute dtype must be one of f32, bf16, got f16/);
  assert.equal(computeDtype(), "f32");
});
