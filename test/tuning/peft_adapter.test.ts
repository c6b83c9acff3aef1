// PEFT adapter files: key names and configs as PEFT writes them, save → load round trips with identical
// logits, files in the newer transformers naming, and switching adapters over one base.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { f32ToHalf } from "../../src/backend/half.ts";
import { openSafetensors, writeSafetensors } from "../../src/io/safetensors.ts";
import { LlamaForCausalLM } from "../../src/models/llama/model.ts";
import type { LlavaForConditionalGeneration } from "../../src/models/llava/model.ts";
import { loadLlava } from "../../src/models/load.ts";
import type { Linear } from "../../src/nn/layers.ts";
import type { Module } from "../../src/nn/module.ts";
import { Rng } from "../../src/tensor/rng.ts";
import { activateAdapter, activeAdapter, deactivate } from "../../src/tuning/adapter_switch.ts";
import { applyMethod, type LoraOptions } from "../../src/tuning/apply.ts";
import { methodSpec } from "../../src/tuning/methods.ts";
import { loadAdapter, readAdapter, saveAdapter } from "../../src/tuning/peft_adapter.ts";
import { parseAdapterConfig, targetMatches } from "../../src/tuning/peft_config.ts";
import { fixture, fixtureBatch } from "../models/fixture.ts";
import { tinyLlamaConfig } from "../models/tiny_config.ts";

const LLAVA = fixture("llava_hf");
const tmp = () => mkdtempSync(join(tmpdir(), "lntune-adapter-"));

/** Logits of the fixture's batch (its labels too, so the splice matches training). */
const llavaLogits = (model: LlavaForConditionalGeneration): Float32Array =>
  model.forwardMultimodal({ ...fixtureBatch(LLAVA), logits: "all" }).logits!.values;

const tinyLlama = () => new LlamaForCausalLM(tinyLlamaConfig(), new Rng(7));
function llamaLogits(model: LlamaForCausalLM): Float32Array {
  const ids = [3, 9, 14, 2, 30, 7, 1, 25];
  return model.forward({ inputIds: ids, batch: 2, seqLen: 4, logits: "all" }).logits!.values;
}

/** Tunes the model with the method and moves every trainable value, as training would. */
function tune(
  model: Module,
  method: string,
  seed: number,
  opts: { includeFinalNorm?: boolean; lora?: LoraOptions } = {},
) {
  const rng = new Rng(seed);
  applyMethod(model, methodSpec(method), opts, rng);
  for (const [, p] of model.namedParameters())
    if (p.requiresGrad)
      for (let i = 0; i < p.size; i++) p.values[i] += ((rng.nextU32() % 2001) - 1000) * 1e-4;
  model.eval();
}

/** Exact equality, reporting the first difference (a full diff of large arrays takes minutes). */
function same(got: Float32Array, want: Float32Array, what = "logits") {
  const i = got.findIndex((v, k) => !Object.is(v, want[k]));
  assert.ok(got.length === want.length && i < 0, `${what} differ at ${i}: ${got[i]} vs ${want[i]}`);
}

const keysOf = (dir: string) => {
  const st = openSafetensors(join(dir, "adapter_model.safetensors"));
  const out = { names: st.names(), metadata: st.metadata, dtypes: new Set(st.tensors.map((t) => t.dtype)) };
  st.close();
  return out;
};
const configOf = (dir: string) => JSON.parse(readFileSync(join(dir, "adapter_config.json"), "utf8"));
const layers = (f: (i: number) => string[]) => [0, 1].flatMap(f);

// Expected names, derived by hand from PEFT's source:
// - prefix "base_model.model." = PeftModel.base_model (tuner) .model (the transformers model), state_dict
//   keys in save_and_load.py::get_peft_model_state_dict;
// - ".ln_tuning_layers.<param>": ln_tuning/layer.py keeps ModuleDict ln_tuning_layers{adapter: deepcopy},
//   tuners_utils._remove_adapter_name_from_state_dict_key drops ".default";
// - multi_modal_projector is copied whole (constants.py llava mapping), so its Linears sit inside the copy;
// - ".base_layer.weight" for embed_tokens / lm_head: get_peft_model_state_dict, save_embedding_layers="auto"
//   with EMBEDDING_LAYER_NAMES in target_modules and has_valid_embedding_base_layer → base layer saved;
// - LoRA ".lora_A.weight" / ".lora_B.weight": lora/layer.py ModuleDicts lora_A / lora_B, same removal;
// - modules_to_save: other.py ModulesToSaveWrapper.adapter_state_dict returns the copy's own state dict,
//   saved under the wrapper's name, i.e. the base model key.
const LLAVA_LN_KEYS = [
  "base_model.model.language_model.lm_head.base_layer.weight",
  "base_model.model.language_model.lm_head.ln_tuning_layers.weight",
  "base_model.model.language_model.model.embed_tokens.base_layer.weight",
  "base_model.model.language_model.model.embed_tokens.ln_tuning_layers.weight",
  ...layers((i) => [
    `base_model.model.language_model.model.layers.${i}.input_layernorm.ln_tuning_layers.weight`,
    `base_model.model.language_model.model.layers.${i}.post_attention_layernorm.ln_tuning_layers.weight`,
  ]),
  "base_model.model.language_model.model.norm.ln_tuning_layers.weight",
  "base_model.model.multi_modal_projector.ln_tuning_layers.linear_1.bias",
  "base_model.model.multi_modal_projector.ln_tuning_layers.linear_1.weight",
  "base_model.model.multi_modal_projector.ln_tuning_layers.linear_2.bias",
  "base_model.model.multi_modal_projector.ln_tuning_layers.linear_2.weight",
].sort();

const PROJ = [
  "self_attn.q_proj",
  "self_attn.k_proj",
  "self_attn.v_proj",
  "self_attn.o_proj",
  "mlp.gate_proj",
  "mlp.up_proj",
  "mlp.down_proj",
];
const loraKeys = (prefix: string) =>
  layers((i) =>
    PROJ.flatMap((p) => ["A", "B"].map((h) => `base_model.model.${prefix}layers.${i}.${p}.lora_${h}.weight`)),
  );

test("LN tuning with PEFT's llava recipe: keys, config and an identical reload", () => {
  const model = loadLlava(LLAVA.dir);
  const base = llavaLogits(model);
  tune(model, "ln", 1, { includeFinalNorm: true });
  const tuned = llavaLogits(model);
  assert.ok(tuned.some((v, i) => v !== base[i]));
  const dir = tmp();
  saveAdapter(dir, model, {
    method: "ln",
    includeFinalNorm: true,
    layout: "llava-hf",
    baseModelNameOrPath: LLAVA.dir,
  });

  const file = keysOf(dir);
  assert.deepEqual(file.names, LLAVA_LN_KEYS);
  assert.deepEqual(file.metadata, { format: "pt" });
  assert.deepEqual([...file.dtypes], ["F32"]);
  const cfg = configOf(dir);
  // PEFT's llava default (constants.py TRANSFORMERS_MODELS_TO_LNTUNING_TARGET_MODULES_MAPPING), as a sorted list.
  assert.deepEqual(cfg.target_modules, [
    "embed_tokens",
    "input_layernorm",
    "lm_head",
    "multi_modal_projector",
    "norm",
    "post_attention_layernorm",
  ]);
  assert.equal(cfg.peft_type, "LN_TUNING");
  assert.equal(cfg.task_type, "CAUSAL_LM");
  assert.equal(cfg.inference_mode, true);
  assert.equal(cfg.base_model_name_or_path, LLAVA.dir);
  assert.equal(cfg.modules_to_save, null);
  assert.deepEqual(Object.keys(cfg), Object.keys(cfg).sort());

  // The base_layer copies hold the untouched base weights.
  const st = openSafetensors(join(dir, "adapter_model.safetensors"));
  const fresh = loadLlava(LLAVA.dir);
  assert.deepEqual(
    st.read("base_model.model.language_model.lm_head.base_layer.weight").data,
    fresh.lm_head!.weight.values,
  );
  st.close();

  loadAdapter(dir, fresh, "llava-hf");
  same(llavaLogits(fresh), tuned);
  deactivate(fresh);
  same(llavaLogits(fresh), base);
});

test("LN-simp on LLaMA: per-block norms only, optionally the final norm", () => {
  for (const includeFinalNorm of [false, true]) {
    const model = tinyLlama();
    tune(model, "ln-simp", 2, { includeFinalNorm });
    const tuned = llamaLogits(model);
    const dir = tmp();
    saveAdapter(dir, model, {
      method: "ln-simp",
      includeFinalNorm,
      layout: "llama",
      baseModelNameOrPath: "tiny",
    });
    const expected = layers((i) => [
      `base_model.model.model.layers.${i}.input_layernorm.ln_tuning_layers.weight`,
      `base_model.model.model.layers.${i}.post_attention_layernorm.ln_tuning_layers.weight`,
    ]);
    if (includeFinalNorm) expected.push("base_model.model.model.norm.ln_tuning_layers.weight");
    assert.deepEqual(keysOf(dir).names, expected.sort());
    // "norm" matches only model.norm: a list entry must equal the name or follow its last "."
    const targets = ["input_layernorm", ...(includeFinalNorm ? ["norm"] : []), "post_attention_layernorm"];
    assert.deepEqual(configOf(dir).target_modules, targets);
    const fresh = tinyLlama();
    loadAdapter(dir, fresh, "llama");
    same(llamaLogits(fresh), tuned);
  }
});

test("LoRA on LLaVA: LLM-only regex targets, modules_to_save for connector, embeddings and head", () => {
  const lora = { r: 4, alpha: 8, dropout: 0.05 };
  const model = loadLlava(LLAVA.dir);
  tune(model, "lora", 3, { lora });
  const tuned = llavaLogits(model);
  const dir = tmp();
  saveAdapter(dir, model, { method: "lora", layout: "llava-hf", lora, baseModelNameOrPath: LLAVA.dir });
  const expected = [
    ...loraKeys("language_model.model."),
    "base_model.model.language_model.lm_head.weight",
    "base_model.model.language_model.model.embed_tokens.weight",
    "base_model.model.multi_modal_projector.linear_1.bias",
    "base_model.model.multi_modal_projector.linear_1.weight",
    "base_model.model.multi_modal_projector.linear_2.bias",
    "base_model.model.multi_modal_projector.linear_2.weight",
  ].sort();
  assert.deepEqual(keysOf(dir).names, expected);
  const cfg = configOf(dir);
  assert.equal(cfg.peft_type, "LORA");
  assert.equal(cfg.r, 4);
  assert.equal(cfg.lora_alpha, 8);
  assert.equal(cfg.lora_dropout, 0.05);
  assert.equal(cfg.use_rslora, false);
  assert.equal(cfg.fan_in_fan_out, false);
  assert.equal(cfg.bias, "none");
  assert.equal(cfg.init_lora_weights, true);
  assert.deepEqual(cfg.modules_to_save, ["embed_tokens", "lm_head", "multi_modal_projector"]);
  // Short names would also wrap the CLIP tower's q/k/v_proj, so the targets are a regex over the LLM,
  // valid for both transformers namings and never for the tower.
  assert.equal(typeof cfg.target_modules, "string");
  for (const name of [
    "language_model.model.layers.1.self_attn.q_proj",
    "model.language_model.layers.0.mlp.down_proj",
  ])
    assert.ok(targetMatches(cfg.target_modules, name), name);
  for (const name of [
    "vision_tower.vision_model.encoder.layers.0.self_attn.q_proj",
    "language_model.lm_head",
  ])
    assert.ok(!targetMatches(cfg.target_modules, name), name);

  const fresh = loadLlava(LLAVA.dir);
  const adapter = loadAdapter(dir, fresh, "llava-hf");
  assert.equal(adapter.lora.size, 14);
  assert.equal((fresh.model.layers[0].self_attn.q_proj as Linear).loraScaling, 2);
  same(llavaLogits(fresh), tuned);
});

test("LoRA on LLaMA with rsLoRA: short-name targets and alpha/sqrt(r) scaling", () => {
  const lora = { r: 4, alpha: 6, dropout: 0, useRslora: true };
  const model = tinyLlama();
  tune(model, "lora", 4, { lora });
  const tuned = llamaLogits(model);
  const dir = tmp();
  saveAdapter(dir, model, { method: "lora", layout: "llama", lora });
  assert.deepEqual(
    keysOf(dir).names,
    [
      ...loraKeys("model."),
      "base_model.model.lm_head.weight",
      "base_model.model.model.embed_tokens.weight",
    ].sort(),
  );
  const cfg = configOf(dir);
  assert.deepEqual(cfg.target_modules, [
    "down_proj",
    "gate_proj",
    "k_proj",
    "o_proj",
    "q_proj",
    "up_proj",
    "v_proj",
  ]);
  assert.equal(cfg.use_rslora, true);
  assert.equal(cfg.base_model_name_or_path, null);
  const fresh = tinyLlama();
  loadAdapter(dir, fresh, "llama");
  assert.equal((fresh.model.layers[1].mlp.up_proj as Linear).loraScaling, 3);
  same(llamaLogits(fresh), tuned);
});

test("reads a file in the newer transformers naming with half-precision tensors and extra config fields", () => {
  const model = loadLlava(LLAVA.dir);
  tune(model, "ln", 5);
  const ours = tmp();
  saveAdapter(ours, model, { method: "ln", layout: "llava-hf", baseModelNameOrPath: LLAVA.dir });
  // Rename as transformers ≥ 4.52 module paths give them and store F16, as a PEFT save of an f16 model would.
  const renamed = (k: string) =>
    k
      .replace("base_model.model.language_model.model.", "base_model.model.model.language_model.")
      .replace("base_model.model.language_model.lm_head.", "base_model.model.lm_head.")
      .replace("base_model.model.multi_modal_projector.", "base_model.model.model.multi_modal_projector.");
  const st = openSafetensors(join(ours, "adapter_model.safetensors"));
  const tensors = Object.fromEntries(
    st.names().map((k) => {
      const t = st.read(k);
      return [
        renamed(k),
        { dtype: "F16" as const, shape: t.shape, data: f32ToHalf(t.data as Float32Array, "f16") },
      ];
    }),
  );
  st.close();
  const theirs = tmp();
  writeSafetensors(join(theirs, "adapter_model.safetensors"), tensors, { format: "pt" });
  writeFileSync(
    join(theirs, "adapter_config.json"),
    JSON.stringify({ ...configOf(ours), peft_version: "0.17.1", layer_replication: null, new_field: 1 }),
  );
  const a = readAdapter(theirs, "llava-hf");
  assert.deepEqual([...a.tensors.keys()].sort(), [...readAdapter(ours, "llava-hf").tensors.keys()].sort());
  assert.equal(a.tensors.get("projector.linear_2.weight")!.dtype, "f16");
  const fresh = loadLlava(LLAVA.dir);
  activateAdapter(fresh, a);
  // Loaded into the parameters' own dtype, as torch's load_state_dict does.
  const norm = fresh.model.layers[1].input_layernorm.weight;
  assert.equal(norm.dtype, "f32");
  same(norm.values, a.tensors.get("model.layers.1.input_layernorm.weight")!.toFloat32(), "norm");
  assert.ok(llavaLogits(fresh).every(Number.isFinite));
});

test("switching adapters over one base restores the base bit for bit", () => {
  const base = tinyLlama();
  const snapshot = base.namedParameters().map(([n, p]) => [n, p.data, p.data.slice()] as const);
  const baseLogits = llamaLogits(base);
  const dirs: string[] = [];
  const expected: Float32Array[] = [];
  for (const [method, seed] of [
    ["ln", 11],
    ["lora", 12],
  ] as const) {
    const m = tinyLlama();
    const lora = { r: 2, alpha: 4, dropout: 0 };
    tune(m, method, seed, { lora });
    expected.push(llamaLogits(m));
    dirs.push(tmp());
    saveAdapter(dirs.at(-1)!, m, { method, layout: "llama", lora, embeddingBaseLayers: false });
  }
  const [a, b] = dirs.map((d) => readAdapter(d, "llama"));
  activateAdapter(base, a);
  same(llamaLogits(base), expected[0]);
  activateAdapter(base, b);
  assert.equal(activeAdapter(base), b);
  same(llamaLogits(base), expected[1]);
  activateAdapter(base, a);
  same(llamaLogits(base), expected[0]);
  deactivate(base);
  assert.equal(activeAdapter(base), null);
  for (const [n, data, copy] of snapshot) {
    const p = base.stateDict().get(n)!;
    assert.equal(p.data, data, `${n}: storage restored`);
    same(p.values, copy as Float32Array, n);
  }
  assert.ok(base.namedParameters().every(([n]) => !n.includes("lora_")));
  same(llamaLogits(base), baseLogits);
});

test("adapter_config.json: PEFT's matching rule, defaults and clear errors", () => {
  assert.ok(targetMatches(["norm"], "model.norm"));
  assert.ok(!targetMatches(["norm"], "model.layers.0.input_layernorm"));
  assert.ok(targetMatches(["model.norm"], "model.norm"));
  assert.ok(targetMatches(".*layers\\.\\d+\\.input_layernorm", "model.layers.3.input_layernorm"));
  assert.ok(!targetMatches("layers\\.\\d+", "model.layers.3"), "a regex must match the whole name");
  const cfg = parseAdapterConfig(
    { peft_type: "LORA", target_modules: ["q_proj"], some_future_field: true },
    "f",
  );
  assert.deepEqual(cfg.lora, { r: 8, alpha: 8, dropout: 0, useRslora: false });
  const bad: Array<[unknown, RegExp]> = [
    [{ target_modules: ["x"] }, /f: "peft_type" is missing/],
    [{ peft_type: "IA3" }, /f: peft_type "IA3" is not supported/],
    [{ peft_type: "LORA", r: 0 }, /f: "r" must be a positive integer/],
    [{ peft_type: "LORA", use_dora: true }, /f: "use_dora" must be its default/],
    [{ peft_type: "LN_TUNING", target_modules: 3 }, /f: "target_modules" must be a list of strings/],
    [[], /f: not a JSON object/],
  ];
  for (const [json, err] of bad) assert.throws(() => parseAdapterConfig(json, "f"), err);
});

test("loading refuses tensors that do not belong to the adapter, and a missing config", () => {
  const dir = tmp();
  writeSafetensors(
    join(dir, "adapter_model.safetensors"),
    {
      "base_model.model.model.layers.0.self_attn.q_proj.weight": {
        dtype: "F32",
        shape: [1],
        data: new Float32Array(1),
      },
    },
    { format: "pt" },
  );
  assert.throws(() => readAdapter(dir, "llama"), /adapter_config.json: cannot read/);
  writeFileSync(
    join(dir, "adapter_config.json"),
    JSON.stringify({ peft_type: "LN_TUNING", target_modules: ["norm"] }),
  );
  assert.throws(() => readAdapter(dir, "llama"), /q_proj\.weight: not a tensor of a LN_TUNING adapter/);
});
