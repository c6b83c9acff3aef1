// Activation accounting (autograd.ts): the bytes a recorded graph holds, counted from each node's recording to
// its backward, against totals worked out by hand for small graphs; and the trainer's peakActivationBytes.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Module, Parameter } from "../../src/nn/module.ts";
import { activationBytes, resetActivationPeak } from "../../src/tensor/autograd.ts";
import * as T from "../../src/tensor/index.ts";
import { train } from "../../src/train/trainer.ts";

const leaf = (shape: number[]) => {
  const t = T.tensor(
    Array.from({ length: T.numel(shape) }, (_, i) => 0.5 + i),
    shape,
  );
  t.requiresGrad = true;
  return t;
};

test("a graph's activations: outputs and saved statistics, shared storage once, all freed by backward", () => {
  const before = activationBytes().live;
  resetActivationPeak();
  const x = leaf([2, 3]);
  const w = leaf([3]);
  const held = () => activationBytes().live - before;
  // rmsNorm's output [2, 3] (24 bytes) and the rstd of its 2 rows (8); the leaves x and w are not activations.
  const y = T.rmsNorm(x, w, 1e-5);
  assert.equal(held(), 24 + 8);
  // mul's output (24); y, its input, is held already.
  const z = T.mul(y, y);
  assert.equal(held(), 56);
  // reshape views z's storage: nothing new; nor does a view of the leaf w.
  const r = T.reshape(z, [6]);
  T.reshape(w, [1, 3]);
  assert.equal(held(), 56);
  // sum's scalar output (4).
  const s = T.sum(r);
  assert.equal(held(), 60);
  T.backward(s);
  assert.equal(held(), 0);
  assert.equal(activationBytes().peak - before, 60);
});

test("an input computed without a graph counts while a recorded op holds it; dropout's mask counts", () => {
  const before = activationBytes().live;
  resetActivationPeak();
  const a = T.tensor([1, 2, 3, 4]);
  const features = T.noGrad(() => T.mul(a, a)); // 16 bytes, recorded nowhere yet
  assert.equal(activationBytes().live, before);
  const w = leaf([4]);
  // mul's output (16) and the features it holds (16).
  const u = T.mul(features, w);
  assert.equal(activationBytes().live - before, 32);
  // dropout's output (16) and its mask of one byte per element (4).
  const d = T.dropout(u, 0.5, new T.Rng(1));
  assert.equal(activationBytes().live - before, 52);
  T.backward(T.sum(d)); // the sum's scalar (4) makes the peak
  assert.equal(activationBytes().live, before);
  assert.equal(activationBytes().peak - before, 56);
});

test("run summary: peakActivationBytes is one micro-batch's peak, counted by hand", async () => {
  class Toy extends Module {
    w = new Parameter(Float32Array.of(1, 2, 3), [3]);
  }
  const model = new Toy();
  model.w.requiresGrad = true;
  const x = T.tensor([0.5, -1, 2]);
  const summary = await train(
    model,
    { batchesPerEpoch: 4, batch: () => x },
    // mul's output [3] (12 bytes) and the sum's scalar (4).
    (b) => ({ loss: T.sum(T.mul(model.w, b)), tokens: 3 }),
    {
      outputDir: mkdtempSync(join(tmpdir(), "lntune-activations-")),
      lr: 1e-3,
      gradAccum: 2,
      progress: "quiet",
    },
  );
  assert.equal(summary.peakActivationBytes, 16);
});
