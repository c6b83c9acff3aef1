// PEFT adapter files: key names and configs as PEFT writes them, save → load round trips with identical
// logits, files in the newer transformers naming, and switching adapters over one base.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { f32ToHalf } from "../../src/backend/half.ts";
import { openSafetensors, writeSafetensors } from "../../src/io/safetensors.ts";
import { DECODER_LAYOUT } from "../../src/models/families/llama/layout.ts";
import { layoutOf } from "../../src/models/families/of_model.ts";
import { LlamaForCausalLM } from "../../src/models/llama/model.ts";
import type { LlavaForConditionalGeneration } from "../../src/models/llava/model.ts";
import { loadLlava } from "../../src/models/load.ts";
import type { Linear } from "../../src/nn/layers.ts";
import type { Module } from "../../src/nn/module.ts";
import { Rng } from "../../src/tensor/rng.ts";
import { activateAdapter, activeAdapter, deactivate } from "../../src/tuning/adapter_switch.ts";
import { applyMethod, type LoraOptions } from "../../src/tuning/apply.ts";
import { methodSpec } from "../../src/tuning/methods.ts";
import { loadAdapter, planAdapter, readAdapter, saveAdapter } from "../../src/tuning/peft_adapter.ts";
import { parseAdapterConfig, targetMatches } from "../../src/tuning/peft_config.ts";
import { fixture, fixtureBatch } from "../models/fixture.ts";
import { tinyLlamaConfig } from "../models/tiny_config.ts";

const LLAVA = fixture("llava_hf");
const tmp = () => mkdtempSync(join(tmpdir(), "lntune-adapter-"));

/** Logits of the fixture's batch (its labels too, so the splice matches training). */
const llavaLogits = (model: LlavaForConditionalGeneration): Float32Array =>
  model.forwardMultimodal({ ...fixtureBatch(LLAVA), logits: "all" }).logits!.readF32();

const tinyLlama = () => new LlamaForCausalLM(tinyLlamaConfig(), new Rng(7));
function llamaLogits(model: LlamaForCausalLM): Float32Array {
  const ids = [3, 9, 14, 2, 30, 7, 1, 25];
  return model.forward({ inputIds: ids, batch: 2, seqLen: 4, logits: "all" }).logits!.readF32();
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
    if (p.requiresGrad) p.writeF32(p.readF32().map((x) => x + ((rng.nextU32() % 2001) - 1000) * 1e-4));
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

// Expected names, derived by hand from PEFT 0.20.0's source:
// - prefix "base_model.model." = PeftModel.base_model (tuner) .model (the transformers model), state_dict
//   keys in utils/save_and_load.py::get_peft_model_state_dict;
// - ln_tuning/layer.py keeps ModuleDict ln_tuning_layers{"default": deepcopy(module)}, and
//   get_peft_model_state_dict's remove_adapter_name drops "default" only as the last or second-to-last
//   segment: a norm's copy is ".ln_tuning_layers.weight", the projector's (a module with sub-modules,
//   copied whole: constants.py llava mapping) ".ln_tuning_layers.default.linear_1.weight";
// - ".base_layer.weight" for embed_tokens / lm_head: get_peft_model_state_dict, save_embedding_layers="auto"
//   with EMBEDDING_LAYER_NAMES in target_modules and has_valid_embedding_base_layer → base layer saved;
// - LoRA ".lora_A.weight" / ".lora_B.weight": lora/layer.py ModuleDicts lora_A / lora_B, "default" second
//   to last, removed;
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
  "base_model.model.multi_modal_projector.ln_tuning_layers.default.linear_1.bias",
  "base_model.model.multi_modal_projector.ln_tuning_layers.default.linear_1.weight",
  "base_model.model.multi_modal_projector.ln_tuning_layers.default.linear_2.bias",
  "base_model.model.multi_modal_projector.ln_tuning_layers.default.linear_2.weight",
].sort();

/** The same adapter as PEFT writes it on transformers ≥ 4.52, whose LlavaForConditionalGeneration holds
 * model.language_model (no inner "model."), model.multi_modal_projector and lm_head: the module paths
 * change, the rules above do not. */
const LLAVA_LN_KEYS_CURRENT_NAMING = [
  "base_model.model.lm_head.base_layer.weight",
  "base_model.model.lm_head.ln_tuning_layers.weight",
  "base_model.model.model.language_model.embed_tokens.base_layer.weight",
  "base_model.model.model.language_model.embed_tokens.ln_tuning_layers.weight",
  ...layers((i) => [
    `base_model.model.model.language_model.layers.${i}.input_layernorm.ln_tuning_layers.weight`,
    `base_model.model.model.language_model.layers.${i}.post_attention_layernorm.ln_tuning_layers.weight`,
  ]),
  "base_model.model.model.language_model.norm.ln_tuning_layers.weight",
  "base_model.model.model.multi_modal_projector.ln_tuning_layers.default.linear_1.bias",
  "base_model.model.model.multi_modal_projector.ln_tuning_layers.default.linear_1.weight",
  "base_model.model.model.multi_modal_projector.ln_tuning_layers.default.linear_2.bias",
  "base_model.model.model.multi_modal_projector.ln_tuning_layers.default.linear_2.weight",
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

test("LN tuning with PEFT's llava recipe (ln + final norm): keys, config and an identical reload", () => {
  const model = loadLlava(LLAVA.dir);
  const base = llavaLogits(model);
  tune(model, "ln", 1, { includeFinalNorm: true });
  const tuned = llavaLogits(model);
  assert.ok(tuned.some((v, i) => v !== base[i]));
  const dir = tmp();
  saveAdapter(dir, model, { method: "ln", baseModelNameOrPath: LLAVA.dir });

  const file = keysOf(dir);
  assert.deepEqual(file.names, LLAVA_LN_KEYS);
  assert.deepEqual(file.metadata, { format: "pt" });
  assert.deepEqual([...file.dtypes], ["F32"]);
  // Every field of LNTuningConfig as dataclasses.asdict gives it in PEFT 0.20.0 (config.py PeftConfigMixin,
  // PeftConfig; ln_tuning/config.py), json.dumps(indent=2, sort_keys=True) by PeftConfigMixin.save_pretrained,
  // inference_mode forced true by PeftModel.save_pretrained, peft_version auto-filled with __version__.
  // target_modules: PEFT's llava default (constants.py TRANSFORMERS_MODELS_TO_LNTUNING_TARGET_MODULES_MAPPING),
  // sorted (PEFT keeps it as a set, so its order is arbitrary).
  assert.deepEqual(configOf(dir), {
    auto_mapping: null,
    base_model_name_or_path: LLAVA.dir,
    exclude_modules: null,
    inference_mode: true,
    modules_to_save: null,
    peft_type: "LN_TUNING",
    peft_version: "0.20.0",
    revision: null,
    target_modules: [
      "embed_tokens",
      "input_layernorm",
      "lm_head",
      "multi_modal_projector",
      "norm",
      "post_attention_layernorm",
    ],
    task_type: "CAUSAL_LM",
  });
  const text = readFileSync(join(dir, "adapter_config.json"), "utf8");
  assert.equal(text, JSON.stringify(JSON.parse(text), Object.keys(JSON.parse(text)).sort(), 2));

  // The base_layer copies hold the untouched base weights.
  const st = openSafetensors(join(dir, "adapter_model.safetensors"));
  const fresh = loadLlava(LLAVA.dir);
  assert.deepEqual(
    st.read("base_model.model.language_model.lm_head.base_layer.weight").data,
    fresh.language_model.lm_head!.weight.readF32(),
  );
  st.close();

  loadAdapter(dir, fresh);
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
    saveAdapter(dir, model, { method: "ln-simp", baseModelNameOrPath: "tiny" });
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
    loadAdapter(dir, fresh);
    same(llamaLogits(fresh), tuned);
  }
});

test("LoRA on LLaVA: LLM-only regex targets, modules_to_save for connector, embeddings and head", () => {
  const lora = { r: 4, alpha: 8, dropout: 0.05 };
  const model = loadLlava(LLAVA.dir);
  tune(model, "lora", 3, { lora });
  const tuned = llavaLogits(model);
  const dir = tmp();
  saveAdapter(dir, model, { method: "lora", lora, baseModelNameOrPath: LLAVA.dir });
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
  // Every field of LoraConfig in PEFT 0.20.0 (tuners/lora/config.py, defaults except r / lora_alpha /
  // lora_dropout / target_modules / modules_to_save) plus PeftConfigMixin / PeftConfig's (config.py);
  // LoraConfig.to_dict drops runtime_config.
  assert.deepEqual(cfg, {
    alora_invocation_tokens: null,
    alpha_pattern: {},
    arrow_config: null,
    auto_mapping: null,
    base_model_name_or_path: LLAVA.dir,
    bias: "none",
    corda_config: null,
    ensure_weight_tying: false,
    eva_config: null,
    exclude_modules: null,
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    layer_replication: null,
    layers_pattern: null,
    layers_to_transform: null,
    loftq_config: {},
    lora_alpha: 8,
    lora_bias: false,
    lora_dropout: 0.05,
    lora_ga_config: null,
    megatron_config: null,
    megatron_core: "megatron.core",
    modules_to_save: ["embed_tokens", "lm_head", "multi_modal_projector"],
    monteclora_config: null,
    peft_type: "LORA",
    peft_version: "0.20.0",
    qalora_group_size: 16,
    r: 4,
    rank_pattern: {},
    revision: null,
    target_modules: cfg.target_modules,
    target_parameters: null,
    task_type: "CAUSAL_LM",
    trainable_token_indices: null,
    use_bdlora: null,
    use_dora: false,
    use_qalora: false,
    use_rslora: false,
    velora_config: null,
  });
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
  const adapter = loadAdapter(dir, fresh);
  assert.equal(adapter.lora.size, 14);
  assert.equal((fresh.language_model.model.layers[0].self_attn.q_proj as Linear).loraScaling, 2);
  same(llavaLogits(fresh), tuned);
});

test("LoRA on LLaMA with rsLoRA: short-name targets and alpha/sqrt(r) scaling", () => {
  const lora = { r: 4, alpha: 6, dropout: 0, useRslora: true };
  const model = tinyLlama();
  tune(model, "lora", 4, { lora });
  const tuned = llamaLogits(model);
  const dir = tmp();
  saveAdapter(dir, model, { method: "lora", lora });
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
  loadAdapter(dir, fresh);
  assert.equal((fresh.model.layers[1].mlp.up_proj as Linear).loraScaling, 3);
  same(llamaLogits(fresh), tuned);
});

/** Keys as transformers ≥ 4.52 module paths give them. */
const toCurrentNaming = (k: string) =>
  k
    .replace("base_model.model.language_model.model.", "base_model.model.model.language_model.")
    .replace("base_model.model.language_model.lm_head.", "base_model.model.lm_head.")
    .replace("base_model.model.multi_modal_projector.", "base_model.model.model.multi_modal_projector.");

/** A copy of an adapter directory with renamed keys, optionally half-precision tensors and config changes. */
function rewritten(
  dir: string,
  rename: (key: string) => string,
  opts: { f16?: boolean; config?: Record<string, unknown> } = {},
): string {
  const st = openSafetensors(join(dir, "adapter_model.safetensors"));
  const tensors = Object.fromEntries(
    st.names().map((k) => {
      const t = st.read(k);
      const data = t.data as Float32Array;
      return [
        rename(k),
        opts.f16
          ? { dtype: "F16" as const, shape: t.shape, data: f32ToHalf(data, "f16") }
          : { dtype: "F32" as const, shape: t.shape, data },
      ];
    }),
  );
  st.close();
  const out = tmp();
  writeSafetensors(join(out, "adapter_model.safetensors"), tensors, { format: "pt" });
  writeFileSync(join(out, "adapter_config.json"), JSON.stringify({ ...configOf(dir), ...opts.config }));
  return out;
}

test("reads LN_TUNING in the newer transformers naming, PEFT's keys, half precision, extra config fields", () => {
  const model = loadLlava(LLAVA.dir);
  tune(model, "ln", 5, { includeFinalNorm: true });
  const ours = tmp();
  saveAdapter(ours, model, { method: "ln", baseModelNameOrPath: LLAVA.dir });
  // Stored F16, as a PEFT save of an f16 model would be.
  const theirs = rewritten(ours, toCurrentNaming, {
    f16: true,
    config: { peft_version: "0.17.1", layer_replication: null, new_field: 1 },
  });
  assert.deepEqual(keysOf(theirs).names, LLAVA_LN_KEYS_CURRENT_NAMING);
  const a = readAdapter(theirs, layoutOf(model));
  assert.deepEqual(
    [...a.tensors.keys()].sort(),
    [...readAdapter(ours, layoutOf(model)).tensors.keys()].sort(),
  );
  assert.equal(a.tensors.get("projector.linear_2.weight")!.dtype, "f16");
  const fresh = loadLlava(LLAVA.dir);
  activateAdapter(fresh, a);
  // Loaded into the parameters' own dtype, as torch's load_state_dict does.
  const norm = fresh.language_model.model.layers[1].input_layernorm.weight;
  assert.equal(norm.dtype, "f32");
  same(norm.readF32(), a.tensors.get("model.layers.1.input_layernorm.weight")!.readF32(), "norm");
  assert.ok(llavaLogits(fresh).every(Number.isFinite));
});

test("reads PEFT ≤ 0.17's LN_TUNING keys (every '.default' removed), in both transformers namings", () => {
  const model = loadLlava(LLAVA.dir);
  tune(model, "ln", 6, { includeFinalNorm: true });
  const tuned = llavaLogits(model);
  const ours = tmp();
  saveAdapter(ours, model, { method: "ln", baseModelNameOrPath: LLAVA.dir });
  // save_and_load.py in PEFT 0.17.1: to_return = {k.replace(f".{adapter_name}", ""): v ...}
  const older = (k: string) => k.replace(".ln_tuning_layers.default.", ".ln_tuning_layers.");
  for (const rename of [older, (k: string) => older(toCurrentNaming(k))]) {
    const dir = rewritten(ours, rename);
    const names = keysOf(dir).names;
    assert.ok(names.every((k) => !k.includes(".default.")));
    assert.ok(names.some((k) => k.endsWith("multi_modal_projector.ln_tuning_layers.linear_1.weight")));
    const fresh = loadLlava(LLAVA.dir);
    loadAdapter(dir, fresh);
    same(llavaLogits(fresh), tuned);
  }
});

test("reads LORA in the newer transformers naming: same factors and modules_to_save, same logits", () => {
  const lora = { r: 4, alpha: 8, dropout: 0 };
  const model = loadLlava(LLAVA.dir);
  tune(model, "lora", 7, { lora });
  const tuned = llavaLogits(model);
  const ours = tmp();
  saveAdapter(ours, model, { method: "lora", lora, baseModelNameOrPath: LLAVA.dir });
  const theirs = rewritten(ours, toCurrentNaming);
  assert.deepEqual(
    keysOf(theirs).names,
    [
      ...loraKeys("model.language_model."),
      "base_model.model.lm_head.weight",
      "base_model.model.model.language_model.embed_tokens.weight",
      "base_model.model.model.multi_modal_projector.linear_1.bias",
      "base_model.model.model.multi_modal_projector.linear_1.weight",
      "base_model.model.model.multi_modal_projector.linear_2.bias",
      "base_model.model.model.multi_modal_projector.linear_2.weight",
    ].sort(),
  );
  const fresh = loadLlava(LLAVA.dir);
  loadAdapter(theirs, fresh);
  same(llavaLogits(fresh), tuned);
});

test("plain ln (no final norm) does not claim norm: PEFT's llava default less the one module it did not train", () => {
  const model = loadLlava(LLAVA.dir);
  tune(model, "ln", 8);
  const dir = tmp();
  saveAdapter(dir, model, { method: "ln", baseModelNameOrPath: LLAVA.dir });
  assert.deepEqual(
    keysOf(dir).names,
    LLAVA_LN_KEYS.filter((k) => k !== "base_model.model.language_model.model.norm.ln_tuning_layers.weight"),
  );
  assert.deepEqual(configOf(dir).target_modules, [
    "embed_tokens",
    "input_layernorm",
    "lm_head",
    "multi_modal_projector",
    "post_attention_layernorm",
  ]);
});

/** The PEFT module path of a canonical llava-hf name in the older transformers naming, by hand. */
const hfPath = (c: string) =>
  c.startsWith("projector.")
    ? `multi_modal_projector.${c.slice(10)}`
    : c.startsWith("vision_model.")
      ? `vision_tower.${c}`
      : `language_model.${c}`;
const splitLast = (path: string) => [
  path.slice(0, path.lastIndexOf(".")),
  path.slice(path.lastIndexOf(".") + 1),
];

test("--trainable / --freeze: an LN_TUNING adapter holds exactly the trained parameters", () => {
  const model = loadLlava(LLAVA.dir);
  const rng = new Rng(9);
  const trainable = applyMethod(
    model,
    methodSpec("ln"),
    // Adds one attention projection; removes a block norm and the projector's second Linear.
    {
      trainable: /^model\.layers\.1\.self_attn\.q_proj\.weight$/,
      freeze: /layers\.0\.input_layernorm|^projector\.linear_2\./,
    },
    rng,
  );
  const dir = tmp();
  saveAdapter(dir, model, {
    method: "ln",
    trainable: trainable.names,
    baseModelNameOrPath: LLAVA.dir,
  });
  // Each trained parameter is its module's own ("<module>.ln_tuning_layers.<param>"): with linear_2 frozen,
  // the connector is no longer one unit and linear_1 is copied alone.
  const expected = trainable.names.map((n) => {
    const [module, param] = splitLast(hfPath(n));
    return `base_model.model.${module}.ln_tuning_layers.${param}`;
  });
  const names = keysOf(dir).names;
  assert.deepEqual(names.filter((k) => !k.includes(".base_layer.")).sort(), expected.sort());
  assert.deepEqual(expected.sort(), [
    "base_model.model.language_model.lm_head.ln_tuning_layers.weight",
    "base_model.model.language_model.model.embed_tokens.ln_tuning_layers.weight",
    "base_model.model.language_model.model.layers.0.post_attention_layernorm.ln_tuning_layers.weight",
    "base_model.model.language_model.model.layers.1.input_layernorm.ln_tuning_layers.weight",
    "base_model.model.language_model.model.layers.1.post_attention_layernorm.ln_tuning_layers.weight",
    "base_model.model.language_model.model.layers.1.self_attn.q_proj.ln_tuning_layers.weight",
    "base_model.model.multi_modal_projector.linear_1.ln_tuning_layers.bias",
    "base_model.model.multi_modal_projector.linear_1.ln_tuning_layers.weight",
  ]);
  // The targets select exactly those modules (a short name would also hit layer 0's input_layernorm).
  const targets = configOf(dir).target_modules;
  const modules = new Set(expected.map((k) => k.slice(17, k.indexOf(".ln_tuning_layers."))));
  for (const [path] of loadLlava(LLAVA.dir).namedModules()) {
    if (!path) continue;
    const m = hfPath(path);
    assert.equal(targetMatches(targets, m), modules.has(m), m);
  }
});

test("--trainable / --freeze: a LORA adapter holds exactly the trained branches and modules", () => {
  const lora = { r: 2, alpha: 4, dropout: 0 };
  const model = tinyLlama();
  const trainable = applyMethod(
    model,
    methodSpec("lora"),
    {
      lora,
      trainable: /^model\.layers\.1\.input_layernorm\./,
      freeze: /^model\.layers\.0\.self_attn\.|^lm_head\./,
    },
    new Rng(10),
  );
  const tuned = llamaLogits(model);
  const dir = tmp();
  saveAdapter(dir, model, { method: "lora", lora, trainable: trainable.names });
  // LoRA factors keep their canonical name; modules_to_save copies are saved under the base key.
  assert.deepEqual(keysOf(dir).names, trainable.names.map((n) => `base_model.model.${n}`).sort());
  assert.ok(
    !trainable.names.some((n) => n.startsWith("model.layers.0.self_attn.") || n.startsWith("lm_head.")),
  );
  const cfg = configOf(dir);
  assert.deepEqual(cfg.modules_to_save, ["embed_tokens", "model.layers.1.input_layernorm"]);
  assert.ok(!targetMatches(cfg.target_modules, "model.layers.0.self_attn.q_proj"));
  assert.ok(targetMatches(cfg.target_modules, "model.layers.0.mlp.up_proj"));
  assert.ok(targetMatches(cfg.target_modules, "model.layers.1.self_attn.q_proj"));
  const fresh = tinyLlama();
  loadAdapter(dir, fresh);
  same(llamaLogits(fresh), tuned);
});

test("a partly trained module or LoRA branch has no PEFT adapter: refused, naming the parameter", () => {
  const model = loadLlava(LLAVA.dir);
  const t = applyMethod(model, methodSpec("ln"), { freeze: /^projector\.linear_1\.bias$/ }, new Rng(11));
  assert.throws(
    () => planAdapter(model, { method: "ln", trainable: t.names }),
    /projector\.linear_1\.bias: frozen, but the rest of multi_modal_projector\.linear_1 was trained/,
  );
  const llama = tinyLlama();
  const lora = { r: 2, alpha: 4, dropout: 0 };
  const l = applyMethod(
    llama,
    methodSpec("lora"),
    { lora, freeze: /layers\.1\.mlp\.up_proj\.lora_A/ },
    new Rng(12),
  );
  assert.throws(
    () => saveAdapter(tmp(), llama, { method: "lora", lora, trainable: l.names }),
    /model\.layers\.1\.mlp\.up_proj\.lora_B\.weight: trained without the other LoRA factor/,
  );
  assert.throws(
    () => planAdapter(llama, { method: "lora", lora, trainable: ["model.nope.weight"] }),
    /model\.nope\.weight: the model has no such parameter/,
  );
});

test("switching adapters over one base restores the base bit for bit", () => {
  const base = tinyLlama();
  const snapshot = base.namedParameters().map(([n, p]) => [n, p.storage, p.readF32()] as const);
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
    saveAdapter(dirs.at(-1)!, m, { method, lora, embeddingBaseLayers: false });
  }
  const [a, b] = dirs.map((d) => readAdapter(d, DECODER_LAYOUT));
  activateAdapter(base, a);
  same(llamaLogits(base), expected[0]);
  activateAdapter(base, b);
  assert.equal(activeAdapter(base), b);
  same(llamaLogits(base), expected[1]);
  activateAdapter(base, a);
  same(llamaLogits(base), expected[0]);
  deactivate(base);
  assert.equal(activeAdapter(base), null);
  for (const [n, storage, copy] of snapshot) {
    const p = base.stateDict().get(n)!;
    assert.equal(p.storage, storage, `${n}: storage restored`);
    same(p.readF32(), copy as Float32Array, n);
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
    [{ peft_type: "LORA", use_qalora: true }, /f: "use_qalora" must be its default/],
    [{ peft_type: "LORA", alora_invocation_tokens: [5] }, /f: "alora_invocation_tokens" must be its default/],
    [{ peft_type: "LORA", target_parameters: ["w"] }, /f: "target_parameters" must be its default/],
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
  assert.throws(() => readAdapter(dir, DECODER_LAYOUT), /adapter_config.json: cannot read/);
  writeFileSync(
    join(dir, "adapter_config.json"),
    JSON.stringify({ peft_type: "LN_TUNING", target_modules: ["norm"] }),
  );
  assert.throws(
    () => readAdapter(dir, DECODER_LAYOUT),
    /q_proj\.weight: not a tensor of a LN_TUNING adapter/,
  );
});
