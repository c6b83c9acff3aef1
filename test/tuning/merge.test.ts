// Merging adapters into full checkpoints: the merged model reloads with loadModel and gives the logits of
// base + active adapter (LN exactly, LoRA to f32 rounding), in the input's layout and dtype.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Command } from "commander";
import { registerMerge } from "../../src/cli/commands/merge.ts";
import { openCheckpoint } from "../../src/io/checkpoint.ts";
import type { LlamaForCausalLM } from "../../src/models/llama/model.ts";
import type { LlavaForConditionalGeneration } from "../../src/models/llava/model.ts";
import { loadLlama, loadLlava, loadModel } from "../../src/models/load.ts";
import type { Module } from "../../src/nn/module.ts";
import { Rng } from "../../src/tensor/rng.ts";
import { applyMethod, type LoraOptions } from "../../src/tuning/apply.ts";
import { mergeAdapter } from "../../src/tuning/merge.ts";
import { type MethodName, methodSpec } from "../../src/tuning/methods.ts";
import { loadAdapter, saveAdapter } from "../../src/tuning/peft_adapter.ts";
import { FIXTURES, fixture, fixtureBatch } from "../models/fixture.ts";

const LLAVA = fixture("llava_hf");
const tmp = () => mkdtempSync(join(tmpdir(), "lntune-merge-"));
const LORA: LoraOptions = { r: 4, alpha: 8, dropout: 0.05 };

/** Logits of the fixture's batch (its labels too, so the splice matches training). */
const llavaLogits = (model: LlavaForConditionalGeneration): Float32Array =>
  model.forwardMultimodal({ ...fixtureBatch(LLAVA), logits: "all" }).logits!.readF32();

function llamaLogits(model: LlamaForCausalLM): Float32Array {
  const ids = [1, 18, 46, 9, 34, 44, 42, 43];
  return model.forward({ inputIds: ids, batch: 2, seqLen: 4, logits: "all" }).logits!.readF32();
}

/** Tunes with the method, moves every trainable value and saves the adapter; returns its directory. */
function adapterFor(model: Module, method: MethodName, baseDir: string): string {
  const rng = new Rng(21);
  applyMethod(model, methodSpec(method), { lora: LORA }, rng);
  for (const [, p] of model.namedParameters())
    if (p.requiresGrad) p.writeF32(p.readF32().map((x) => x + ((rng.nextU32() % 2001) - 1000) * 1e-4));
  const dir = tmp();
  saveAdapter(dir, model, { method, lora: LORA, baseModelNameOrPath: baseDir });
  return dir;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

test("LN adapter merged into a llava-hf checkpoint gives exactly the adapter's logits", () => {
  const adapter = adapterFor(loadLlava(LLAVA.dir), "ln", LLAVA.dir);
  const withAdapter = loadLlava(LLAVA.dir);
  loadAdapter(adapter, withAdapter);
  const out = tmp();
  const r = mergeAdapter(LLAVA.dir, adapter, out);
  assert.equal(r.layout, "llava-hf");
  assert.ok(r.merged.includes("projector.linear_2.bias") && r.merged.includes("lm_head.weight"));
  assert.equal(
    readFileSync(join(out, "config.json"), "utf8"),
    readFileSync(join(LLAVA.dir, "config.json"), "utf8"),
  );
  const { kind, model } = loadModel(out);
  assert.equal(kind, "llava");
  assert.equal(maxDiff(llavaLogits(model as LlavaForConditionalGeneration), llavaLogits(withAdapter)), 0);
});

test("LoRA adapter merged into a llava-hf checkpoint matches base + adapter within f32 rounding", () => {
  const adapter = adapterFor(loadLlava(LLAVA.dir), "lora", LLAVA.dir);
  const withAdapter = loadLlava(LLAVA.dir);
  loadAdapter(adapter, withAdapter);
  const out = tmp();
  mergeAdapter(LLAVA.dir, adapter, out);
  const merged = loadLlava(out);
  assert.ok(merged.namedParameters().every(([n]) => !n.includes("lora_")));
  assert.ok(maxDiff(llavaLogits(merged), llavaLogits(withAdapter)) < 1e-4);
});

test("merging into a sharded bf16 LLaMA writes one bf16 file; the CLI runs the same merge", async () => {
  const base = join(FIXTURES, "llama_bf16_sharded");
  const adapter = adapterFor(loadLlama(base), "lora", base);
  const withAdapter = loadLlama(base);
  loadAdapter(adapter, withAdapter);
  const out = tmp();
  const program = new Command("lntune").exitOverride();
  registerMerge(program);
  await program.parseAsync([
    "node",
    "lntune",
    "merge",
    "--model",
    base,
    "--adapter",
    adapter,
    "--output",
    out,
  ]);
  assert.ok(!existsSync(join(out, "model.safetensors.index.json")));
  const ckpt = openCheckpoint(out);
  assert.deepEqual(ckpt.files, [join(out, "model.safetensors")]);
  assert.equal(ckpt.info("model.layers.0.self_attn.q_proj.weight").dtype, "BF16");
  assert.equal(ckpt.info("lm_head.weight").dtype, "BF16");
  ckpt.close();
  // The merged weights are rounded to bf16, so only closeness is expected.
  assert.ok(maxDiff(llamaLogits(loadLlama(out)), llamaLogits(withAdapter)) < 0.05);
});

test("merge refuses an adapter whose weights the checkpoint lacks", () => {
  const adapter = adapterFor(loadLlava(LLAVA.dir), "ln-simp", LLAVA.dir);
  assert.throws(
    () => mergeAdapter(join(FIXTURES, "llama_base"), adapter, tmp()),
    /not a tensor of a LN_TUNING adapter for the llama layout/,
  );
});
