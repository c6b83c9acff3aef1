// Activation recomputation gives the same loss and gradients as keeping activations, including LoRA
// dropout (whose generator state is replayed for the rerun).

import assert from "node:assert/strict";
import { test } from "node:test";
import { LlamaForCausalLM } from "../../src/models/llama/model.ts";
import { backward } from "../../src/tensor/autograd.ts";
import { Rng } from "../../src/tensor/rng.ts";
import { applyMethod } from "../../src/tuning/apply.ts";
import { METHODS } from "../../src/tuning/methods.ts";
import { tinyLlamaConfig } from "../models/tiny_config.ts";

function lossAndGrads(recompute: boolean, method: "ln-simp" | "lora") {
  const model = new LlamaForCausalLM(tinyLlamaConfig(), new Rng(5));
  applyMethod(model, METHODS[method], { lora: { r: 2, alpha: 4, dropout: 0.3 } }, new Rng(6));
  model.train();
  model.model.recompute = recompute;
  const rng = new Rng(2);
  const ids = Int32Array.from({ length: 2 * 7 }, () => rng.int(40));
  const out = model.forward({ inputIds: ids, batch: 2, seqLen: 7, labels: ids });
  backward(out.loss!);
  return {
    loss: out.loss!.item(),
    grads: model
      .namedParameters()
      .filter(([, p]) => p.requiresGrad)
      .map(([n, p]) => [n, Array.from(p.grad ?? [])]),
  };
}

for (const method of ["ln-simp", "lora"] as const)
  test(`recompute = keep activations, bit for bit (${method})`, () => {
    const a = lossAndGrads(false, method);
    const b = lossAndGrads(true, method);
    assert.equal(b.loss, a.loss);
    assert.deepEqual(b.grads, a.grads);
    assert.ok(a.grads.length > 0 && a.grads.every(([, g]) => (g as number[]).length > 0));
  });
