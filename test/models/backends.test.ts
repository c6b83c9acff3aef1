// A two-layer pre-norm transformer (LLaMA blocks) gives the same loss and gradients on both backends.
import assert from "node:assert/strict";
import { test } from "node:test";
import { nativeKernels, tsKernels, useBackend } from "../../src/backend/index.ts";
import type { Kernels } from "../../src/backend/kernels.ts";
import { LlamaForCausalLM } from "../../src/models/llama/model.ts";
import { backward } from "../../src/tensor/autograd.ts";
import { Rng } from "../../src/tensor/rng.ts";
import { assertClose } from "../tensor/gradcheck.ts";
import { tinyLlamaConfig } from "./tiny_config.ts";

function run(k: Kernels, threads: number) {
  const previous = useBackend(k);
  const before = k.threads();
  k.setThreads(threads);
  try {
    const model = new LlamaForCausalLM(tinyLlamaConfig({ attention_bias: true }), new Rng(3));
    const rng = new Rng(9);
    const B = 3;
    const T = 11;
    const ids = Int32Array.from({ length: B * T }, () => rng.int(40));
    const labels = ids.map((id, i) => (i % 5 === 0 ? -100 : id));
    const mask = Uint8Array.from({ length: B * T }, (_, i) => (i >= 2 * T + 8 ? 0 : 1));
    const out = model.forward({
      inputIds: ids,
      batch: B,
      seqLen: T,
      attentionMask: mask,
      labels,
      logits: "all",
    });
    backward(out.loss!);
    return {
      loss: out.loss!.item(),
      logits: out.logits!.readF32(),
      grads: model.namedParameters().map(([n, p]) => [n, p.grad!] as const),
    };
  } finally {
    k.setThreads(before);
    useBackend(previous);
  }
}

test("the two backends agree on a 2-layer transformer's loss, logits and every gradient", (t) => {
  const native = nativeKernels();
  if (native instanceof Error) {
    t.skip(`native addon unavailable: ${native.message}`);
    return;
  }
  const ref = run(tsKernels, 1);
  assert.ok(Number.isFinite(ref.loss) && ref.loss > 0);
  for (const threads of [1, 2]) {
    const got = run(native, threads);
    assert.ok(Math.abs(got.loss - ref.loss) < 1e-5, `loss ${got.loss} vs ${ref.loss}`);
    assertClose(got.logits, ref.logits, 1e-5, 1e-4, "logits");
    for (const [i, [name, g]] of got.grads.entries())
      assertClose(g, ref.grads[i][1], 1e-6, 2e-3, `grad ${name}`);
  }
});
