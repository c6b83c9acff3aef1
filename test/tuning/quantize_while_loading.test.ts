// --quantize applied while a checkpoint is read (quantizeWhileLoading as loadLlama's onWeight): the projections
// end bit for bit as quantising the loaded model does, their checkpoint dtype stays bf16, and each is quantised
// as soon as it is read, so at no point are two projections held at their stored width.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { LlamaForCausalLM } from "../../src/models/llama/model.ts";
import { loadLlama } from "../../src/models/load.ts";
import { loraTargets } from "../../src/models/param_groups.ts";
import { saveLlama } from "../../src/models/save.ts";
import { Rng } from "../../src/tensor/rng.ts";
import {
  QUANT_FORMATS,
  type QuantizeReport,
  quantizeFrozen,
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
