// --quantize (tuning/quantize.ts) on a random LLaMA whose rows fit the blocks (hidden 256, MLP 512): the frozen
// projection weights hold exactly what the formats' independent model (test/backend/suite/quant_reference.ts)
// makes of their values, int8 one absmax per output channel and nf4 one per block of 64; the storage shrinks by
// the formats' ratios; the logits stay within a stated distance of the bf16 model's (measured: relative RMS
// 1.6e-2 for int8, 0.21 for nf4, whose 4-bit levels err by 9% RMS on normal weights); trainable weights, LoRA
// factors and everything outside the projections are untouched, and gradients flow through the quantised ones.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LlamaForCausalLM } from "../../src/models/llama/model.ts";
import { backward, noGrad } from "../../src/tensor/autograd.ts";
import { Rng } from "../../src/tensor/rng.ts";
import { applyMethod } from "../../src/tuning/apply.ts";
import { METHODS } from "../../src/tuning/methods.ts";
import { type QuantFormat, quantizeFrozen } from "../../src/tuning/quantize.ts";
import { encodeRef } from "../backend/suite/quant_reference.ts";
import { tinyLlamaConfig } from "../models/tiny_config.ts";

const cfg = tinyLlamaConfig({
  hidden_size: 256,
  intermediate_size: 512,
  vocab_size: 96,
  num_attention_heads: 4,
});
const PROJECTIONS = /_proj\.weight$/;
/** Relative RMS distance of the logits to the bf16 model's that each format stays within. */
const LOGIT_TOL: Record<QuantFormat, number> = { int8: 3e-2, nf4: 0.35 };

/** The random model with every matrix stored bf16, frozen. */
function bf16Model(): LlamaForCausalLM {
  const m = new LlamaForCausalLM(cfg, new Rng(7));
  m.requiresGrad(false);
  for (const [, p] of m.namedParameters())
    if (p.ndim === 2) {
      p.storage = p.storedAs("bf16");
      p.checkpointDtype = "bf16";
    }
  return m;
}

const ids = Int32Array.from({ length: 2 * 24 }, (_, i) => (i * 31 + 7) % 96);
const logits = (m: LlamaForCausalLM) =>
  noGrad(() => m.forward({ inputIds: ids, batch: 2, seqLen: 24, logits: "all" }).logits!.readF32());

function relativeRms(got: Float32Array, want: Float32Array): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < want.length; i++) {
    d += (got[i] - want[i]) ** 2;
    s += want[i] ** 2;
  }
  return Math.sqrt(d / s);
}

for (const format of ["int8", "nf4"] as const)
  test(`${format}: the projections hold the format's model of their values, storage shrinks, logits stay close to bf16`, () => {
    const reference = logits(bf16Model());
    const m = bf16Model();
    const before = new Map(m.namedParameters().map(([n, p]) => [n, { dtype: p.dtype, values: p.readF32() }]));
    const report = quantizeFrozen(m, format);
    assert.equal(report.weights, 2 * 7);
    // bf16 holds 32 values in 64 bytes: int8 stores them in 36, nf4 64 values in 36.
    assert.equal(report.bytesAfter / report.bytesBefore, format === "int8" ? 36 / 64 : 36 / 128);
    for (const [name, p] of m.namedParameters()) {
      const was = before.get(name)!;
      if (!PROJECTIONS.test(name)) {
        assert.equal(p.dtype, was.dtype, name);
        continue;
      }
      assert.equal(p.dtype, format, name);
      const [rows, cols] = p.shape;
      const expected =
        format === "nf4"
          ? encodeRef(format, was.values)
          : Uint8Array.from(
              Array.from({ length: rows }, (_, r) => {
                const row = was.values.subarray(r * cols, (r + 1) * cols);
                return [...encodeRef(format, row, Math.fround(Math.max(...row.map(Math.abs))))];
              }).flat(),
            );
      assert.deepEqual(p.readStored(), expected, name);
    }
    const error = relativeRms(logits(m), reference);
    assert.ok(error < LOGIT_TOL[format], `logits' relative RMS distance to bf16: ${error}`);
  });

test("trainable weights and LoRA factors stay f32; gradients flow through the quantised projections", () => {
  const m = bf16Model();
  applyMethod(m, METHODS.lora, { lora: { r: 4, alpha: 8, dropout: 0 } }, new Rng(1));
  const q = m.model.layers[0].self_attn.q_proj;
  q.weight.requiresGrad = true;
  q.weight.storage = q.weight.storedAs("f32");
  // The first block's norm trains too: its gradient comes back through every quantised projection above it.
  const norm = m.model.layers[0].input_layernorm.weight;
  norm.requiresGrad = true;
  quantizeFrozen(m, "nf4");
  assert.equal(q.weight.dtype, "f32");
  assert.equal(q.lora_A!.weight.dtype, "f32");
  assert.equal(m.model.layers[0].self_attn.k_proj.weight.dtype, "nf4");
  assert.equal(m.lm_head!.weight.dtype, "f32", "the head trains in LoRA's set");
  const out = m.forward({ inputIds: ids, batch: 2, seqLen: 24, labels: Int32Array.from(ids) });
  backward(out.loss!);
  const g = norm.grad;
  assert.ok(g?.every(Number.isFinite) && g.some((v) => v !== 0), "the first norm's gradient");
  // B starts at 0, so A's gradient is 0 at the first step; B's is not.
  assert.ok(
    q.lora_B!.weight.grad?.some((v) => v !== 0),
    "LoRA B's gradient",
  );
});

test("a projection whose rows are no multiple of the block is refused, naming it, and nothing is changed", () => {
  const m = new LlamaForCausalLM(tinyLlamaConfig({ hidden_size: 64, intermediate_size: 96 }), new Rng(1));
  m.requiresGrad(false);
  assert.throws(
    () => quantizeFrozen(m, "nf4"),
    /cannot quantise model\.layers\.0\.mlp\.down_proj\.weight \[64,96\] to nf4: its rows \(96 values\) are no multiple of the format's block of 64/,
  );
  assert.ok(m.parameters().every((p) => p.dtype === "f32"));
});

test("the weights an adapter supplied (named in keep) are left exact", () => {
  const m = bf16Model();
  const kept = "model.layers.1.mlp.up_proj.weight";
  const report = quantizeFrozen(m, "int8", new Set([kept]));
  assert.equal(report.weights, 2 * 7 - 1);
  assert.equal(m.model.layers[1].mlp.up_proj.weight.dtype, "bf16");
  assert.equal(m.model.layers[1].mlp.gate_proj.weight.dtype, "int8");
});
