// `lntune analyze similarity` on a saved sandbox LLaVA: the CLI prints what the library computes (the measure
// itself is tested in layer_similarity.test.ts), and an adapter that moves the norms changes it; on an F16
// llava-hf checkpoint, whose image token is not LLaVA's −200.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { layerSimilarityOf } from "../../src/analysis/similarity_run.ts";
import { composeLlava } from "../../src/models/compose.ts";
import { loadLlavaConfig } from "../../src/models/families/llava/config.ts";
import { copyTokenizerFiles, saveLlava } from "../../src/models/save.ts";
import { Rng } from "../../src/tensor/rng.ts";
import { applyMethod } from "../../src/tuning/apply.ts";
import { METHODS } from "../../src/tuning/methods.ts";
import { saveAdapter } from "../../src/tuning/peft_adapter.ts";
import { modelDir } from "../eval/harness_setup.ts";
import { LLAMA2_TOKENIZER, TINY_PREPROCESSOR, tinyModels, tinyWorld } from "../sandbox/tiny_sandbox.ts";

const CLI = join(import.meta.dirname, "..", "..", "bin", "lntune.js");

test("analyze similarity: the CLI equals the library; an adapter changes the result", {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "lntune-sim-"));
  const data = await tinyWorld(join(dir, "data"), { train: 3, seed: 5 });
  const { llm, vision } = tinyModels(join(dir, "models"), 5);
  const base = join(dir, "base");
  const model = composeLlava(llm, vision, { seed: 5 });
  saveLlava(base, model, TINY_PREPROCESSOR);
  copyTokenizerFiles(LLAMA2_TOKENIZER, base);

  const opts = { model: base, data: data.finetune, images: data.images, limit: 3 };
  const lib = await layerSimilarityOf(opts);
  assert.equal(lib.samples, 3);
  assert.deepEqual(
    lib.matrix.map((r) => r.length),
    [2, 2],
  );
  assert.equal(lib.matrix[0][1], lib.matrix[1][0]);
  assert.equal(lib.matrix[0][0], 1);
  assert.ok(lib.pooled > -1 && lib.pooled < 1);

  const cli = spawnSync(
    process.execPath,
    [
      CLI,
      "analyze",
      "similarity",
      "--model",
      base,
      "--data",
      data.finetune,
      "--images",
      data.images,
      "--limit",
      "3",
      "--json",
    ],
    { encoding: "utf8" },
  );
  assert.equal(cli.status, 0, cli.stderr);
  assert.deepEqual(JSON.parse(cli.stdout), lib);

  // An ln-simp adapter with moved norms gives different layer outputs.
  applyMethod(model, METHODS["ln-simp"], {}, new Rng(1));
  for (const p of model.parameters())
    if (p.requiresGrad) p.writeF32(p.readF32().map((x, i) => x * (1 + 0.5 * Math.sin(i))));
  saveAdapter(join(dir, "adapter"), model, {
    method: "ln-simp",
    baseModelNameOrPath: base,
  });
  const tuned = await layerSimilarityOf({ ...opts, adapter: join(dir, "adapter") });
  assert.notEqual(tuned.pooled, lib.pooled);
});

test("analyze similarity on an F16 llava-hf checkpoint maps LLaVA's −200 to its image token 99", {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "lntune-sim-hf-"));
  const data = await tinyWorld(join(dir, "data"), { train: 3, seed: 6 });
  const model = modelDir(dir, "llava_hf_f16");
  // LLaVA's data pipeline marks images with −200; this checkpoint's splice looks for image_token_index 99.
  assert.equal(loadLlavaConfig(model).imageTokenIndex, 99);
  const r = await layerSimilarityOf({ model, data: data.finetune, images: data.images, limit: 3 });
  assert.equal(r.samples, 3);
  assert.equal(r.matrix[0][0], 1);
  assert.ok(r.pooled > -1 && r.pooled < 1);
});
