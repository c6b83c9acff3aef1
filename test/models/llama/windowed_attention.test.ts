// Sliding-window attention from ops: with a window as wide as the sequence it is the fused causal kernel
// (outputs and gradients), and with a narrow one each query reads exactly the keys a float64 reference
// written from HF's mask (kv_idx > q_idx − window, padding excluded) reads. The PyTorch parity of a whole
// Mistral model is in parity.test.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { windowedAttention } from "../../../src/models/llama/windowed_attention.ts";
import { backward } from "../../../src/tensor/autograd.ts";
import { mul } from "../../../src/tensor/ops/arithmetic.ts";
import { attention } from "../../../src/tensor/ops/attention.ts";
import { sum } from "../../../src/tensor/ops/reduce.ts";
import { Rng } from "../../../src/tensor/rng.ts";
import type { Tensor } from "../../../src/tensor/tensor.ts";
import { assertClose, randTensor } from "../../tensor/gradcheck.ts";

const [B, T, Hq, Hkv, D] = [2, 7, 4, 2, 8];
// Row 1 pads its first two keys (a left-padded prompt), so its first two queries see nothing.
const keyMask = Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1]);

function inputs(seed: number) {
  const rng = new Rng(seed);
  return {
    q: randTensor(rng, [B, T, Hq, D]),
    k: randTensor(rng, [B, T, Hkv, D]),
    v: randTensor(rng, [B, T, Hkv, D]),
    w: randTensor(rng, [B, T, Hq, D], 1, false),
  };
}

function gradsOf(f: (q: Tensor, k: Tensor, v: Tensor) => Tensor, seed: number) {
  const { q, k, v, w } = inputs(seed);
  const o = f(q, k, v);
  backward(sum(mul(o, w)));
  return { o: o.readF32(), dq: q.grad!, dk: k.grad!, dv: v.grad! };
}

test("a window as wide as the sequence equals the fused causal kernel, outputs and gradients", () => {
  const fused = gradsOf((q, k, v) => attention(q, k, v, { causal: true, keyMask }), 3);
  for (const block of [1, 3, 64]) {
    const windowed = gradsOf((q, k, v) => windowedAttention(q, k, v, { window: T, keyMask, block }), 3);
    for (const key of ["o", "dq", "dk", "dv"] as const)
      assertClose(windowed[key], fused[key], 1e-5, 1e-4, `${key} (block ${block})`);
  }
});

test("a narrow window: each query attends to the last `window` keys only (float64 reference)", () => {
  const W = 3;
  const { q, k, v } = inputs(4);
  const got = windowedAttention(q, k, v, { window: W, keyMask, block: 2 }).readF32();
  const [qv, kv, vv] = [q.readF32(), k.readF32(), v.readF32()];
  const want = new Float64Array(got.length);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < Hq; h++) {
      const kh = Math.floor(h / (Hq / Hkv));
      for (let i = 0; i < T; i++) {
        const keys: number[] = [];
        for (let j = 0; j <= i; j++) if (j > i - W && keyMask[b * T + j]) keys.push(j);
        const at = ((b * T + i) * Hq + h) * D;
        if (keys.length === 0) continue; // nothing visible: zeros, as the fused kernel gives
        const scores = keys.map((j) => {
          let s = 0;
          for (let c = 0; c < D; c++) s += qv[at + c] * kv[((b * T + j) * Hkv + kh) * D + c];
          return s / Math.sqrt(D);
        });
        const max = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - max));
        const z = e.reduce((a, x) => a + x, 0);
        keys.forEach((j, n) => {
          for (let c = 0; c < D; c++) want[at + c] += (e[n] / z) * vv[((b * T + j) * Hkv + kh) * D + c];
        });
      }
    }
  assertClose(got, want, 1e-5, 1e-4, "output");
  // Row 1's first two queries see only padding.
  assert.ok(got.subarray(T * Hq * D, (T + 2) * Hq * D).every((x) => x === 0));
});
