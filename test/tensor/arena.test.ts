// The trainable arena: tensors keep their values in it, backward forms a leaf's first gradient in the leaf's
// slot (no copy) and adds later ones, the passes over the whole buffer equal per-tensor computations, and a
// tensor without a gradient is left alone by the optimizer step.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TrainableArena } from "../../src/tensor/arena.ts";
import * as T from "../../src/tensor/index.ts";

function model() {
  const r = new T.Rng(3);
  const leaf = (shape: number[]) => {
    const t = new T.Tensor(r.fillNormal(new Float32Array(T.numel(shape)), 0, 1), shape);
    t.requiresGrad = true;
    return t;
  };
  return { table: leaf([5, 4]), norm: leaf([4]), w: leaf([3, 4]), b: leaf([3]), unused: leaf([2]) };
}

type Model = ReturnType<typeof model>;

function loss(m: Model, ids: number[]): T.Tensor {
  const h = T.rmsNorm(T.embedding(m.table, ids), m.norm, 1e-5);
  return T.sum(T.mul(T.linear(h, m.w, m.b), T.linear(h, m.w, m.b)));
}

test("gradients formed in the arena's slots equal those formed without it, over two backward passes", () => {
  const plain = model();
  const inArena = model();
  const arena = new TrainableArena(Object.entries(inArena));
  for (const ids of [
    [0, 2, 2],
    [4, 1, 0],
  ]) {
    T.backward(loss(plain, ids));
    T.backward(loss(inArena, ids));
  }
  for (const name of ["table", "norm", "w", "b"] as const) {
    const t = inArena[name];
    assert.equal(t.grad, t.gradSlot, `${name}'s gradient is its slot`);
    assert.deepEqual(t.grad, plain[name].grad, name);
  }
  assert.equal(inArena.unused.grad, null);
  arena.collectGrads(false);
  const perTensor = Object.values(plain).reduce(
    (s, t) => s + Array.from(t.grad ?? []).reduce((a, x) => a + x * x, 0),
    0,
  );
  assert.ok(Math.abs(arena.gradSumSquares() - perTensor) < 1e-9 * perTensor);
});

test("the optimizer step skips tensors without a gradient and scales only real gradients", () => {
  const m = model();
  const arena = new TrainableArena(Object.entries(m));
  const unusedBefore = m.unused.readF32();
  const wBefore = m.w.readF32();
  T.backward(loss(m, [1, 3]));
  // A stale gradient left in the unused tensor's slot must not reach the passes over the buffer.
  m.unused.gradSlot!.fill(7);
  arena.collectGrads(false);
  const ss = arena.gradSumSquares();
  arena.scaleGrads(0.5);
  assert.ok(Math.abs(arena.gradSumSquares() - ss / 4) < 1e-9 * ss);
  arena.adamw({ lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 1 }, () => 0.01);
  assert.deepEqual(m.unused.readF32(), unusedBefore);
  assert.equal(m.unused.grad, null);
  assert.ok(m.w.readF32().every((v, i) => v !== wBefore[i]));
});
