// Every family × every method: a LLaVA on each LLM family (LLaMA, Mistral with a window shorter than the
// sequence, Qwen2 with a tied head) and each tower family (CLIP, SigLIP), joined and saved as lntune does,
// then for each of the paper's six methods: train two steps, save the adapter, reload it onto a fresh base,
// switch to another adapter and back, and merge it. The trained set, the saved set and the set the README's
// method table documents (written out below by name, independently of the families' parts) are one set.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Fields } from "../../src/io/config/fields.ts";
import { composeLlava } from "../../src/models/compose.ts";
import { CLIP_VISION } from "../../src/models/families/clip_vision/index.ts";
import { llmFamily } from "../../src/models/families/registry.ts";
import { SIGLIP_VISION } from "../../src/models/families/siglip_vision/index.ts";
import type { LlavaForConditionalGeneration } from "../../src/models/llava/model.ts";
import { loadLlava } from "../../src/models/load.ts";
import { saveLlama, saveLlava, saveVisionTower } from "../../src/models/save.ts";
import { backward, noGrad } from "../../src/tensor/autograd.ts";
import { Rng } from "../../src/tensor/rng.ts";
import { AdamW } from "../../src/train/adamw.ts";
import { activateAdapter, deactivate } from "../../src/tuning/adapter_switch.ts";
import { applyMethod, type LoraOptions } from "../../src/tuning/apply.ts";
import { mergeAdapter } from "../../src/tuning/merge.ts";
import { type MethodName, methodSpec } from "../../src/tuning/methods.ts";
import { loadAdapter, saveAdapter } from "../../src/tuning/peft_adapter.ts";
import { assertClose } from "../tensor/gradcheck.ts";

const LLMS: Record<string, Record<string, unknown>> = {
  llama: { model_type: "llama" },
  mistral: { model_type: "mistral", sliding_window: 4 },
  qwen2: { model_type: "qwen2", tie_word_embeddings: true },
};
const TOWERS: Record<string, Record<string, unknown>> = {
  clip_vision_model: { model_type: "clip_vision_model", hidden_act: "quick_gelu" },
  siglip_vision_model: { model_type: "siglip_vision_model", vision_use_head: false },
};
const COMBOS: Array<[string, string]> = [
  ["llama", "clip_vision_model"],
  ["mistral", "siglip_vision_model"],
  ["qwen2", "siglip_vision_model"],
  ["qwen2", "clip_vision_model"],
];
const METHODS: MethodName[] = ["full", "lora", "attn-qv", "attn-mlp", "ln", "ln-simp"];
const LORA: LoraOptions = { r: 4, alpha: 8, dropout: 0.05 };

/** The README's method table, by parameter name. */
const norms = (n: string) =>
  /^model\.layers\.\d+\.(input_layernorm|post_attention_layernorm)\.weight$/.test(n);
const defaults = (n: string) =>
  n.startsWith("projector.") || n === "model.embed_tokens.weight" || n === "lm_head.weight";
const DOCUMENTED: Record<MethodName, (n: string) => boolean> = {
  full: (n) => !n.startsWith("vision_model.") && !n.includes(".lora_"),
  lora: (n) => /\.lora_[AB]\.weight$/.test(n) || defaults(n),
  "attn-qv": (n) => /^model\.layers\.\d+\.self_attn\.(q|v)_proj\.(weight|bias)$/.test(n) || defaults(n),
  "attn-mlp": (n) => /^model\.layers\.\d+\.mlp\.(gate|up|down)_proj\.weight$/.test(n) || defaults(n),
  ln: (n) => norms(n) || defaults(n),
  "ln-simp": norms,
  connector: (n) => n.startsWith("projector."),
  "ln-connector": (n) => norms(n) || n.startsWith("projector."),
};

const tmp = mkdtempSync(join(tmpdir(), "lntune-families-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A base LLaVA on disk, made as `lntune finetune --llm --vision` makes it. */
function makeBase(llm: string, tower: string): string {
  const dir = join(tmp, `${llm}-${tower}`);
  const f = new Fields("(test)", {
    vocab_size: 64,
    hidden_size: 16,
    intermediate_size: 24,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    max_position_embeddings: 64,
    ...LLMS[llm],
  });
  const family = llmFamily(f);
  saveLlama(join(dir, "llm"), family.build(family.parseConfig(f), new Rng(1)));
  const towerFamily = tower === "clip_vision_model" ? CLIP_VISION : SIGLIP_VISION;
  const t = new Fields("(test)", {
    hidden_size: 8,
    intermediate_size: 16,
    num_hidden_layers: 2,
    num_attention_heads: 2,
    image_size: 14,
    patch_size: 7,
    ...TOWERS[tower],
  });
  saveVisionTower(join(dir, "tower"), towerFamily.build(towerFamily.parseConfig(t), new Rng(2)));
  const base = join(dir, "base");
  saveLlava(base, composeLlava(join(dir, "llm"), join(dir, "tower"), { projector: "mlp2x_gelu", seed: 3 }));
  return base;
}

/** One row with an image (LLaVA's −200 placeholder) longer than Mistral's window, one text-only row. */
function batch(model: LlavaForConditionalGeneration) {
  const ids = Int32Array.from([1, 5, -200, 7, 9, 11, 13, 2, 1, 8, 6, 10, 12, 14, 16, 2]);
  const labels = Int32Array.from([-100, -100, -100, 7, 9, 11, 13, 2, -100, -100, 6, 10, 12, 14, 16, 2]);
  const { image_size: S, num_channels: C } = model.vision_tower.config;
  const pixels = new Rng(4).fillNormal(new Float32Array(C * S * S), 0, 1);
  return { inputIds: ids, batch: 2, seqLen: 8, labels, pixelValues: pixels };
}

const logits = (model: LlavaForConditionalGeneration) =>
  noGrad(() => model.forwardMultimodal({ ...batch(model), logits: "all" })).logits!.readF32();

const bases = new Map<string, string>();
before(() => {
  for (const [llm, tower] of COMBOS) bases.set(`${llm}-${tower}`, makeBase(llm, tower));
});

for (const [llm, tower] of COMBOS)
  test(`${llm} × ${tower}: each method trains, saves, reloads, switches and merges exactly its documented set`, () => {
    const base = bases.get(`${llm}-${tower}`)!;
    const baseLogits = logits(loadLlava(base).eval());
    const adapters = new Map<MethodName, { dir: string; logits: Float32Array }>();
    for (const method of METHODS) {
      const model = loadLlava(base);
      const spec = methodSpec(method);
      const set = applyMethod(model, spec, { lora: LORA }, new Rng(5));
      const names = model.namedParameters().map(([n]) => n);
      assert.deepEqual(set.names, names.filter(DOCUMENTED[method]), `${method}: trained set`);
      const before = new Map(model.namedParameters().map(([n, p]) => [n, p.readF32().slice()]));
      const opt = new AdamW(
        model.namedParameters().filter(([, p]) => p.requiresGrad),
        { lr: 1e-2 },
      );
      model.train();
      // LoRA's B starts at zero, so A moves only from the second step.
      for (let step = 0; step < 2; step++) {
        backward(model.forwardMultimodal(batch(model)).loss!);
        opt.update(1e-2);
        opt.zeroGrad();
      }
      for (const [name, p] of model.namedParameters()) {
        const moved = p.readF32().some((v, i) => !Object.is(v, before.get(name)![i]));
        assert.equal(
          moved,
          set.names.includes(name),
          `${method}: ${name} ${moved ? "moved" : "did not move"}`,
        );
      }
      model.eval();
      const dir = join(tmp, `${llm}-${tower}-${method}`);
      saveAdapter(dir, model, { method: spec, trainable: set.names, lora: LORA, baseModelNameOrPath: base });
      const trained = logits(model);
      adapters.set(method, { dir, logits: trained });

      // Reloaded onto a fresh base: the saved set is the trained set, and the logits are the trained model's.
      const fresh = loadLlava(base);
      const adapter = loadAdapter(dir, fresh);
      const saved = [
        ...adapter.tensors.keys(),
        ...[...adapter.lora.keys()].flatMap((l) => [`${l}.lora_A.weight`, `${l}.lora_B.weight`]),
      ].sort();
      assert.deepEqual(saved, [...set.names].sort(), `${method}: saved set`);
      assertClose(logits(fresh), trained, 1e-6, 1e-6, `${method}: reloaded logits`);

      // Merged into the checkpoint: the same logits from plain weights.
      const merged = join(tmp, `${llm}-${tower}-${method}-merged`);
      mergeAdapter(base, dir, merged);
      assertClose(logits(loadLlava(merged).eval()), trained, 1e-4, 1e-4, `${method}: merged logits`);
    }

    // Switching adapters on one base, then back to the base itself, bit for bit.
    const model = loadLlava(base).eval();
    for (const method of ["ln", "lora", "full", "ln"] as const) {
      const { dir, logits: want } = adapters.get(method)!;
      activateAdapter(model, loadAdapter(dir, loadLlava(base)));
      assertClose(logits(model), want, 1e-6, 1e-6, `switched to ${method}`);
    }
    deactivate(model);
    assert.deepEqual(logits(model), baseLogits);
  });
