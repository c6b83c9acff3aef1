// The family descriptors: each reads its config with transformers' field names and defaults (the config
// classes' __init__ defaults, written out here), builds the modules its config implies, writes a config.json
// that reads back to the same config, and declares PEFT's LN-tuning default for its model_type (PEFT 0.20.0,
// src/peft/utils/constants.py TRANSFORMERS_MODELS_TO_LNTUNING_TARGET_MODULES_MAPPING).
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, Fields } from "../../../src/io/config/fields.ts";
import { CLIP_VISION } from "../../../src/models/families/clip_vision/index.ts";
import { LLAMA } from "../../../src/models/families/llama/index.ts";
import { LLAVA } from "../../../src/models/families/llava/index.ts";
import { MISTRAL } from "../../../src/models/families/mistral/index.ts";
import { QWEN2 } from "../../../src/models/families/qwen2/index.ts";
import { LLM_FAMILIES, llmFamily, VISION_FAMILIES } from "../../../src/models/families/registry.ts";
import { SIGLIP_VISION } from "../../../src/models/families/siglip_vision/index.ts";
import { targetMatches } from "../../../src/tuning/peft_config.ts";
import { TINY_LLAVA } from "./tiny_llava.ts";

const fields = (obj: Record<string, unknown>) => new Fields("config.json", obj);
const attnBiases = (c: Record<string, unknown>, family = QWEN2) => {
  const attn = family.build(family.parseConfig(fields(c)), null).model.layers[0].self_attn;
  return [attn.q_proj, attn.k_proj, attn.v_proj, attn.o_proj].map((l) => l.bias !== null);
};

test("Mistral: MistralConfig's defaults, a sliding window on every layer (null: none), no biases", () => {
  const c = MISTRAL.parseConfig(
    fields({ model_type: "mistral", num_hidden_layers: 2, attention_bias: true }),
  );
  assert.deepEqual(
    [c.vocab_size, c.hidden_size, c.intermediate_size, c.num_attention_heads, c.num_key_value_heads],
    [32000, 4096, 14336, 32, 8],
  );
  assert.deepEqual([c.max_position_embeddings, c.rms_norm_eps, c.rope_theta], [131072, 1e-6, 10000]);
  assert.deepEqual([c.bos_token_id, c.eos_token_id, c.tie_word_embeddings], [1, [2], false]);
  assert.equal(c.sliding_window, 4096);
  assert.deepEqual(c.layer_types, ["sliding_attention", "sliding_attention"]);
  // MistralAttention has no biases whatever the config says.
  assert.deepEqual(
    attnBiases({ model_type: "mistral", num_hidden_layers: 1, attention_bias: true }, MISTRAL),
    [false, false, false, false],
  );
  const none = MISTRAL.parseConfig(
    fields({ model_type: "mistral", sliding_window: null, num_hidden_layers: 1 }),
  );
  assert.deepEqual([none.sliding_window, none.layer_types], [null, ["full_attention"]]);
  const built = MISTRAL.build(
    MISTRAL.parseConfig(fields({ model_type: "mistral", sliding_window: 3 })),
    null,
  );
  assert.equal(built.model.layers[5].self_attn.window, 3);
});

test("Qwen2: Qwen2Config's defaults, q/k/v biases without o_proj's, sliding layers from max_window_layers", () => {
  const c = QWEN2.parseConfig(fields({ model_type: "qwen2" }));
  assert.deepEqual(
    [c.vocab_size, c.hidden_size, c.intermediate_size, c.num_hidden_layers, c.num_key_value_heads],
    [151936, 4096, 22016, 32, 32],
  );
  assert.deepEqual([c.max_position_embeddings, c.rms_norm_eps, c.rope_theta], [32768, 1e-6, 10000]);
  assert.deepEqual([c.bos_token_id, c.eos_token_id, c.tie_word_embeddings], [null, [], false]);
  // use_sliding_window false (the default): sliding_window is None, every layer full.
  assert.equal(c.sliding_window, null);
  assert.ok(c.layer_types.every((k) => k === "full_attention"));
  assert.deepEqual(attnBiases({ model_type: "qwen2", num_hidden_layers: 1 }), [true, true, true, false]);
  const sliding = QWEN2.parseConfig(
    fields({
      model_type: "qwen2",
      use_sliding_window: true,
      sliding_window: 8,
      max_window_layers: 2,
      num_hidden_layers: 3,
    }),
  );
  assert.deepEqual(
    [sliding.sliding_window, sliding.layer_types],
    [8, ["full_attention", "full_attention", "sliding_attention"]],
  );
  const listed = QWEN2.parseConfig(
    fields({
      model_type: "qwen2",
      use_sliding_window: true,
      num_hidden_layers: 2,
      layer_types: ["sliding_attention", "full_attention"],
    }),
  );
  assert.deepEqual(
    [listed.sliding_window, listed.layer_types],
    [4096, ["sliding_attention", "full_attention"]],
  );
  const bad = (obj: Record<string, unknown>, field: string, detail: RegExp) =>
    assert.throws(
      () => QWEN2.parseConfig(fields({ model_type: "qwen2", num_hidden_layers: 2, ...obj })),
      (e: ConfigError) => e instanceof ConfigError && e.field === field && detail.test(e.message),
    );
  bad({ layer_types: ["full_attention"] }, "layer_types", /has 1 entries for 2 layers/);
  bad({ layer_types: ["full_attention", "chunked"] }, "layer_types[1]", /unsupported value "chunked"/);
  bad({ layer_types: ["sliding_attention", "full_attention"] }, "layer_types", /no sliding window is in use/);
});

test("SigLIP: SiglipVisionConfig's defaults, from its own config or a two-tower siglip config", () => {
  const own = SIGLIP_VISION.parseConfig(fields({ model_type: "siglip_vision_model" }));
  assert.deepEqual(own, {
    model_type: "siglip_vision_model",
    hidden_size: 768,
    intermediate_size: 3072,
    num_hidden_layers: 12,
    num_attention_heads: 12,
    image_size: 224,
    patch_size: 16,
    num_channels: 3,
    hidden_act: "gelu_pytorch_tanh",
    layer_norm_eps: 1e-6,
    vision_use_head: true,
  });
  const full = SIGLIP_VISION.parseConfig(
    fields({
      model_type: "siglip",
      text_config: { hidden_size: 1152, model_type: "siglip_text_model" },
      vision_config: { hidden_size: 1152, image_size: 384, intermediate_size: 4304, patch_size: 14 },
    }),
  );
  assert.deepEqual([full.hidden_size, full.image_size, full.patch_size], [1152, 384, 14]);
  // No class token: one token per patch, 27 × 27 of them (the convolution leaves the last 6 pixels unread).
  assert.equal(SIGLIP_VISION.build(full, null).sequenceLength, 27 * 27);
  assert.throws(
    () =>
      SIGLIP_VISION.parseConfig(fields({ model_type: "siglip_vision_model", image_size: 6, patch_size: 7 })),
    /config.json: field "patch_size": 7 exceeds image_size \(6\)/,
  );
});

test("every family's config.json reads back to the same config", () => {
  const cases: Array<
    [
      { parseConfig(f: Fields): unknown; configJson(c: never): Record<string, unknown> },
      Record<string, unknown>,
    ]
  > = [
    [
      LLAMA,
      {
        model_type: "llama",
        num_hidden_layers: 2,
        attention_bias: true,
        rope_scaling: { rope_type: "linear", factor: 2 },
      },
    ],
    [MISTRAL, { model_type: "mistral", num_hidden_layers: 2, sliding_window: 16 }],
    [MISTRAL, { model_type: "mistral", num_hidden_layers: 2, sliding_window: null }],
    [
      QWEN2,
      {
        model_type: "qwen2",
        num_hidden_layers: 3,
        tie_word_embeddings: true,
        rope_theta: 1e6,
        eos_token_id: [5, 6],
      },
    ],
    [QWEN2, { model_type: "qwen2", num_hidden_layers: 3, use_sliding_window: true, max_window_layers: 1 }],
    [QWEN2, { model_type: "qwen2", hidden_size: 64, num_attention_heads: 4, head_dim: 32 }],
    [CLIP_VISION, { model_type: "clip_vision_model", image_size: 336, patch_size: 14 }],
    [
      SIGLIP_VISION,
      { model_type: "siglip_vision_model", image_size: 384, patch_size: 14, vision_use_head: false },
    ],
  ];
  for (const [family, obj] of cases) {
    // An unset torch_dtype is written as float32.
    const c = family.parseConfig(fields({ torch_dtype: "bfloat16", ...obj }));
    const json = JSON.parse(JSON.stringify(family.configJson(c as never)));
    assert.deepEqual(family.parseConfig(fields(json)), c, JSON.stringify(obj));
  }
  // What lntune writes of a SigLIP tower has no pooling head, and says so.
  assert.equal(
    SIGLIP_VISION.configJson(SIGLIP_VISION.parseConfig(fields({ model_type: "siglip" }))).vision_use_head,
    false,
  );
});

test("a LLaVA on each LLM family writes the original code bases' config, read back to the same LLaVA", () => {
  for (const family of LLM_FAMILIES) {
    const text = family.parseConfig(
      fields({
        model_type: family.modelTypes[0],
        hidden_size: 8,
        num_attention_heads: 2,
        num_key_value_heads: 2,
        num_hidden_layers: 2,
        torch_dtype: "float16",
      }),
    );
    const c = {
      ...TINY_LLAVA,
      layout: "llava" as const,
      text,
      projector: { ...TINY_LLAVA.projector, out_features: 8 },
    };
    const json = LLAVA.configJson(c);
    assert.equal(json.model_type, family.llava!.modelType);
    assert.deepEqual(json.architectures, [family.llava!.architecture]);
    const back = LLAVA.parseConfig(fields(JSON.parse(JSON.stringify(json))));
    assert.deepEqual(back.text, text, family.name);
    assert.deepEqual(
      [back.projector, back.visionFeatureLayer, back.selectFeature, back.imageTokenIndex],
      [c.projector, c.visionFeatureLayer, c.selectFeature, -200],
    );
  }
});

test("PEFT's LN-tuning defaults per model_type name norm modules of the family's own models", () => {
  // TRANSFORMERS_MODELS_TO_LNTUNING_TARGET_MODULES_MAPPING (PEFT 0.20.0).
  assert.deepEqual(LLAMA.lnTuningTargets, ["input_layernorm", "post_attention_layernorm", "norm"]);
  assert.deepEqual(MISTRAL.lnTuningTargets, ["input_layernorm", "post_attention_layernorm", "norm"]);
  assert.deepEqual(QWEN2.lnTuningTargets, ["post_attention_layernorm"]);
  assert.deepEqual(LLAVA.lnTuningTargets, [
    "multi_modal_projector",
    "input_layernorm",
    "post_attention_layernorm",
    "norm",
    "embed_tokens",
    "lm_head",
  ]);
  for (const family of VISION_FAMILIES) assert.equal(family.lnTuningTargets, null, family.name);
  for (const family of LLM_FAMILIES) {
    const model = family.build(
      family.parseConfig(fields({ model_type: family.modelTypes[0], num_hidden_layers: 2 })),
      null,
    );
    const modules = model.namedModules().map(([n]) => n);
    for (const target of family.lnTuningTargets!)
      assert.ok(
        modules.some((m) => targetMatches([target], m)),
        `${family.name}: ${target}`,
      );
  }
});

test("the registry names the file and field of a model_type no family reads", () => {
  assert.throws(
    () => llmFamily(fields({ model_type: "gpt2" })),
    /config.json: field "model_type": unsupported value "gpt2" \(expected one of llama, mistral, qwen2\)/,
  );
  assert.throws(() => llmFamily(fields({})), /config.json: field "model_type": missing/);
});
