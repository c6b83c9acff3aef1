// Gradient variance: the formula by hand, the probe against gradients computed one batch at a time, and a
// probed training run equal bit for bit to an unprobed one.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { gradientVariance, probeGradVariance } from "../../src/analysis/grad_variance.ts";
import { LlamaForCausalLM } from "../../src/models/llama/model.ts";
import { setTrainable } from "../../src/nn/module.ts";
import { backward } from "../../src/tensor/autograd.ts";
import { Rng } from "../../src/tensor/rng.ts";
import { train } from "../../src/train/trainer.ts";
import { applyMethod } from "../../src/tuning/apply.ts";
import { METHODS } from "../../src/tuning/methods.ts";
import { tinyLlamaConfig } from "../models/tiny_config.ts";

test("variance = mean squared distance to the mean gradient", () => {
  const r = gradientVariance([Float32Array.of(1, 0), Float32Array.of(3, 2)]);
  assert.equal(r.variance, 2); // mean (2,1): distances² 2 and 2
  assert.equal(r.meanSquaredNorm, 5);
  assert.throws(() => gradientVariance([Float32Array.of(1)]), /at least two/);
});

function setup() {
  const model = new LlamaForCausalLM(tinyLlamaConfig(), new Rng(5));
  const rng = new Rng(8);
  const rows = Array.from({ length: 6 }, () => Int32Array.from({ length: 6 }, () => rng.int(40)));
  const loss = (r: Int32Array) => () => model.forward({ inputIds: r, batch: 1, seqLen: 6, labels: r }).loss!;
  return { model, rows, loss };
}

test("the probe measures the block norms' gradients, batch by batch, and restores the model", () => {
  const { model, rows, loss } = setup();
  applyMethod(model, METHODS.lora, { lora: { r: 2, alpha: 4, dropout: 0.5 } }, new Rng(1));
  model.train();
  const flags = model.parameters().map((p) => p.requiresGrad);
  const r = probeGradVariance(model, rows.slice(0, 3).map(loss));
  assert.deepEqual(
    model.parameters().map((p) => p.requiresGrad),
    flags,
  );
  assert.ok(model.training && model.parameters().every((p) => p.grad === null));
  // The same quantity by hand: each batch's norm gradients (no dropout), then the formula.
  const ref = new LlamaForCausalLM(tinyLlamaConfig(), new Rng(5));
  ref.eval();
  // The block norms by their LLaMA names, written out independently of the model's family declaration.
  const norms = /^model\.layers\.\d+\.(input_layernorm|post_attention_layernorm)\.weight$/;
  for (const [n, p] of ref.namedParameters()) setTrainable(p, norms.test(n));
  const grads = rows.slice(0, 3).map((row) => {
    backward(ref.forward({ inputIds: row, batch: 1, seqLen: 6, labels: row }).loss!);
    const g = Float32Array.from(
      ref
        .parameters()
        .filter((p) => p.requiresGrad)
        .flatMap((p) => [...p.grad!]),
    );
    for (const p of ref.parameters()) p.grad = null;
    return g;
  });
  const want = gradientVariance(grads);
  assert.equal(r.parameters, 2 * 2 * 16);
  assert.ok(Math.abs(r.variance - want.variance) <= 1e-6 * want.variance && r.variance > 0);
});

test("a probed run ends with the same weights and metrics as an unprobed one", async () => {
  const runOnce = async (probe: boolean) => {
    const { model, rows, loss } = setup();
    applyMethod(model, METHODS.ln, {}, new Rng(6));
    const dir = mkdtempSync(join(tmpdir(), "lntune-gv-"));
    await train(
      model,
      { batchesPerEpoch: rows.length, batch: (_e, i) => rows[i] },
      (r) => ({ loss: loss(r)(), tokens: 6 }),
      {
        outputDir: dir,
        lr: 1e-2,
        maxSteps: 4,
        progress: "quiet",
        probe: probe
          ? {
              every: 2,
              file: "grad_variance.jsonl",
              run: () => ({ ...probeGradVariance(model, rows.slice(0, 3).map(loss)) }),
            }
          : undefined,
      },
    );
    const strip = (s: string) => s.replace(/"tokensPerSecond":[\d.e+-]+,/g, "");
    return {
      weights: model.parameters().map((p) => Array.from(p.readF32())),
      metrics: strip(readFileSync(join(dir, "metrics.jsonl"), "utf8")),
      dir,
    };
  };
  const plain = await runOnce(false);
  const probed = await runOnce(true);
  assert.deepEqual(probed.weights, plain.weights);
  assert.equal(probed.metrics, plain.metrics);
  const log = readFileSync(join(probed.dir, "grad_variance.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    log.map((e) => e.step),
    [0, 2, 4],
  );
  assert.ok(log.every((e) => e.variance > 0 && e.batches === 3));
});
