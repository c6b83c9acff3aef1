// --quantize applied while a checkpoint is read (quantizeWhileLoading as loadLlama's onWeight): the projections
// end bit for bit as quantising the loaded model does, their checkpoint dtype stays bf16, and each is quantised
// as soon as it is read, so at no point are two projections held at their stored width. The weights an adapter
// supplies replace quantised ones exactly (at the checkpoint's dtype), as they stay when quantising after.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { LlamaForCausalLM } from "../../src/models/llama/model.ts";
import { loadLlama, loadModel } from "../../src/models/load.ts";
import { loraTargets } from "../../src/models/param_groups.ts";
import { saveLlama } from "../../src/models/save.ts";
import { Rng } from "../../src/tensor/rng.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import { applyMethod } from "../../src/tuning/apply.ts";
import { methodSpec } from "../../src/tuning/methods.ts";
import { loadAdapter, saveAdapter } from "../../src/tuning/peft_adapter.ts";
import {
  QUANT_FORMATS,
  type QuantizeReport,
  quantizeFrozen,
  quantizeOnLoad,
  quantizeWhileLoading,
} from "../../src/tuning/quantize.ts";
import { tinyLlamaConfig } from "../models/tiny_config.ts";

const cfg = tinyLlamaConfig({
  hidden_size: 128,
  intermediate_size: 256,
  vocab_size: 96,
  num_attention_heads: 4,
});

/** A bf16 checkpoint of a random LLaMA whose rows fit both formats' blocks. */
function bf16Checkpoint(): string {
  const m = new LlamaForCausalLM(cfg, new Rng(3));
  for (const [, p] of m.namedParameters())
    if (p.ndim === 2) {
      p.storage = p.storedAs("bf16");
      p.checkpointDtype = "bf16";
    }
  const dir = join(mkdtempSync(join(tmpdir(), "lntune-qload-")), "llm");
  saveLlama(dir, m);
  return dir;
}

const dir = bf16Checkpoint();

for (const format of QUANT_FORMATS)
  test(`${format}: quantising while loading equals quantising the loaded model; one projection wide at a time`, () => {
    const after = loadLlama(dir);
    const expected = quantizeFrozen(after, format);
    const report: QuantizeReport = { format, weights: 0, bytesBefore: 0, bytesAfter: 0 };
    const quantize = quantizeWhileLoading(format, report);
    let widest = 0;
    const loading = loadLlama(dir, undefined, (p, model) => {
      quantize(p, model);
      const wide = loraTargets(model).filter((l) => l.weight.loaded && l.weight.dtype === "bf16");
      widest = Math.max(widest, wide.length);
    });
    assert.equal(widest, 0, "a projection still bf16 after its own onWeight");
    assert.deepEqual(report, expected);
    assert.equal(report.weights, 7 * cfg.num_hidden_layers);
    const want = new Map(after.namedParameters());
    for (const [name, p] of loading.namedParameters()) {
      const q = want.get(name)!;
      assert.equal(p.dtype, q.dtype, name);
      if (name.endsWith("_proj.weight")) assert.equal(p.checkpointDtype, "bf16", name);
      const [a, b] = [p.readStored(), q.readStored()];
      assert.deepEqual(
        new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
        new Uint8Array(b.buffer, b.byteOffset, b.byteLength),
        name,
      );
    }
  });

test("an adapter's projection weights stay exact on a base quantised while loading, as on one quantised after", () => {
  // attn-qv's adapter holds whole q_proj and v_proj weights, which replace quantised ones on this base.
  const tuned = loadLlama(dir);
  const rng = new Rng(9);
  applyMethod(tuned, methodSpec("attn-qv"), {}, rng);
  for (const [, p] of tuned.namedParameters())
    if (p.requiresGrad) p.writeF32(p.readF32().map((x) => x + ((rng.nextU32() % 2001) - 1000) * 1e-3));
  const adapterDir = join(mkdtempSync(join(tmpdir(), "lntune-qload-adapter-")), "adapter");
  saveAdapter(adapterDir, tuned, { method: "attn-qv", baseModelNameOrPath: dir });

  const after = loadLlama(dir);
  const keep = new Set(loadAdapter(adapterDir, after).tensors.keys());
  quantizeFrozen(after, "int8", keep);
  const q = quantizeOnLoad("int8");
  const loading = loadModel(dir, {}, q.onWeight).model;
  const adapter = loadAdapter(adapterDir, loading);
  quantizeFrozen(loading, "int8", new Set(adapter.tensors.keys()), q.report);

  assert.equal([...keep].filter((n) => n.endsWith("_proj.weight")).length, 2 * cfg.num_hidden_layers);
  assert.equal(q.report.weights, 7 * cfg.num_hidden_layers);
  const want = new Map(after.namedParameters());
  for (const [name, p] of loading.namedParameters()) {
    const r = want.get(name)!;
    assert.equal(p.dtype, keep.has(name) ? "bf16" : r.dtype, name);
    assert.equal(p.dtype, r.dtype, name);
    const [a, b] = [p.readStored(), r.readStored()];
    assert.deepEqual(
      new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
      new Uint8Array(b.buffer, b.byteOffset, b.byteLength),
      name,
    );
  }
  const trained = new Map(tuned.namedParameters());
  for (const name of keep) {
    const t = trained.get(name)!;
    assert.deepEqual(
      want.get(name)!.readF32(),
      new Tensor(t.storedAs("bf16"), t.shape, "bf16").readF32(),
      `${name}: the adapter's values at the checkpoint's bf16`,
    );
  }
});
