// A finetuning run whose trainable set --trainable and --freeze adjust writes an adapter holding exactly the
// parameters it trained (run.json's list), under PEFT's names.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openSafetensors } from "../../src/io/safetensors.ts";
import { runStage } from "../../src/train/run.ts";
import { tinyModels, tinyWorld } from "../sandbox/tiny_sandbox.ts";

test("finetune with --trainable and --freeze: adapter keys = trained parameters under PEFT's names", {
  timeout: 120_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "lntune-run-adapter-"));
  const data = await tinyWorld(join(dir, "data"), { train: 4, seed: 6 });
  const { llm, vision } = tinyModels(join(dir, "models"), 6);
  const output = join(dir, "run");
  await runStage({
    stage: "finetune",
    llm,
    vision,
    data: data.finetune,
    images: data.images,
    output,
    method: "ln",
    // Adds one MLP projection; removes a block norm and the output head.
    tuning: {
      trainable: /^model\.layers\.0\.mlp\.up_proj\.weight$/,
      freeze: /^model\.layers\.1\.post_attention_layernorm\.|^lm_head\./,
    },
    batchSize: 2,
    maxSteps: 1,
    progress: "quiet",
    log: () => {},
  });
  const trained: string[] = JSON.parse(readFileSync(join(output, "run.json"), "utf8")).trainable.names;
  assert.ok(trained.includes("model.layers.0.mlp.up_proj.weight"));
  assert.ok(!trained.some((n) => n.startsWith("lm_head.") || n.startsWith("model.layers.1.post_attention")));
  // A LLaVA joined from an LLM and a tower is written in the original layout: the LLM under its own names,
  // the linear connector as model.mm_projector (one module, so its copy holds "weight" and "bias" directly).
  // LN tuning copies each parameter's module: "<module>.ln_tuning_layers.<param>" (PEFT's
  // get_peft_model_state_dict, the adapter name removed as the second-to-last segment).
  const peftName = (canonical: string) => {
    const disk = canonical.replace(/^projector\.linear_1\./, "model.mm_projector.");
    const cut = disk.lastIndexOf(".");
    return `base_model.model.${disk.slice(0, cut)}.ln_tuning_layers.${disk.slice(cut + 1)}`;
  };
  const st = openSafetensors(join(output, "adapter", "adapter_model.safetensors"));
  assert.deepEqual(st.names().sort(), trained.map(peftName).sort());
  st.close();
});
