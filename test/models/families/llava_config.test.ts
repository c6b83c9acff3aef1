import assert from "node:assert/strict";
import { cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Fields } from "../../../src/io/config/fields.ts";
import {
  LLAVA_IMAGE_TOKEN_INDEX,
  loadLlavaConfig,
  parseLlavaConfig,
} from "../../../src/models/families/llava/config.ts";
import { scratchDir } from "../../io/helpers.ts";

const FIXTURES = join(import.meta.dirname, "../../fixtures/configs");
const TOWER = join(FIXTURES, "clip-vit-large-patch14-336");
const dir = scratchDir();
const parse = (obj: Record<string, unknown>, towerDir?: string) =>
  parseLlavaConfig(new Fields("config.json", obj), towerDir ? { visionTowerDir: towerDir } : {});

const original = {
  model_type: "llava_llama",
  hidden_size: 64,
  intermediate_size: 128,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  vocab_size: 100,
  mm_vision_tower: "openai/clip-vit-large-patch14-336",
  mm_hidden_size: 1024,
};

test("llava-hf config: nested text and vision configs with their defaults", () => {
  const c = loadLlavaConfig(join(FIXTURES, "llava-1.5-7b-hf"));
  assert.equal(c.layout, "llava-hf");
  assert.equal(c.text.model_type, "llama");
  assert.equal(c.text.hidden_size, 4096); // LlamaConfig default
  assert.equal(c.text.vocab_size, 32064);
  assert.equal(c.text.rms_norm_eps, 1e-5);
  assert.equal(c.text.max_position_embeddings, 4096);
  assert.equal(c.vision?.image_size, 336);
  assert.equal(c.vision?.hidden_act, "quick_gelu");
  assert.deepEqual(c.projector, {
    type: "mlp",
    depth: 2,
    act: "gelu",
    bias: true,
    in_features: 1024,
    out_features: 4096,
  });
  assert.equal(c.visionFeatureLayer, -2);
  assert.equal(c.selectFeature, "patch");
  assert.equal(c.imageTokenIndex, 32000);
  assert.equal(c.visionTower, null);
  assert.equal(c.tokenizerPaddingSide, null);
});

test("llava-hf defaults: no text/vision config → LlamaConfig() and CLIP ViT-L/14-336", () => {
  const c = parse({
    model_type: "llava",
    text_config: { vocab_size: 32064 },
    vision_feature_select_strategy: "full",
  });
  assert.equal(c.text.model_type, "llama");
  assert.equal(c.vision?.hidden_size, 1024);
  assert.equal(c.vision?.num_hidden_layers, 24);
  assert.equal(c.vision?.patch_size, 14);
  assert.equal(c.selectFeature, "cls_patch");
  const noBias = parse({
    model_type: "llava",
    text_config: { vocab_size: 32064 },
    multimodal_projector_bias: false,
    image_token_id: 32010,
  });
  assert.equal(noBias.projector.bias, false);
  assert.equal(noBias.imageTokenIndex, 32010);
});

test("original LLaVA v1.5 (model_type 'llava' with flat mm_* fields), tower resolved when given", () => {
  const path = join(FIXTURES, "llava-v1.5-7b");
  const bare = loadLlavaConfig(path);
  assert.equal(bare.layout, "llava");
  assert.equal(bare.vision, null);
  assert.equal(bare.visionTower, "openai/clip-vit-large-patch14-336");
  assert.equal(bare.text.model_type, "llama");
  assert.equal(bare.text.pad_token_id, 0);
  assert.deepEqual(bare.projector, {
    type: "mlp",
    depth: 2,
    act: "gelu",
    bias: true,
    in_features: 1024,
    out_features: 4096,
  });
  assert.equal(bare.visionFeatureLayer, -2);
  assert.equal(bare.selectFeature, "patch");
  assert.equal(bare.imageTokenIndex, LLAVA_IMAGE_TOKEN_INDEX);
  assert.equal(bare.imageAspectRatio, "pad");
  assert.equal(bare.mmUseImStartEnd, false);
  assert.equal(bare.mmUseImPatchToken, false);
  assert.equal(bare.tokenizerModelMaxLength, 2048);
  assert.equal(bare.tokenizerPaddingSide, "right");
  const withTower = loadLlavaConfig(path, { visionTowerDir: TOWER });
  assert.equal(withTower.vision?.image_size, 336);
  assert.deepEqual({ ...withTower, vision: null }, bare);
});

test("original LLaVA defaults, linear and deeper MLP projectors, tower found by path", () => {
  const c = parse(original);
  assert.deepEqual(c.projector, {
    type: "linear",
    depth: 1,
    act: null,
    bias: true,
    in_features: 1024,
    out_features: 64,
  });
  assert.equal(c.visionFeatureLayer, -1);
  assert.equal(c.mmUseImPatchToken, true);
  assert.equal(c.imageAspectRatio, "square");
  assert.equal(c.tokenizerModelMaxLength, null);
  assert.equal(parse({ ...original, mm_projector_type: "mlp3x_gelu" }).projector.depth, 3);
  const towerCopy = join(dir, "tower");
  mkdirSync(towerCopy);
  cpSync(TOWER, towerCopy, { recursive: true });
  assert.equal(parse({ ...original, mm_vision_tower: towerCopy }).vision?.hidden_size, 1024);
  const noHidden = parse({ ...original, mm_hidden_size: undefined }, TOWER);
  assert.equal(noHidden.projector.in_features, 1024);
});

test("LLaVA config errors name the file and field", () => {
  const bad = (obj: Record<string, unknown>, towerDir?: string) => () => parse(obj, towerDir);
  assert.throws(bad({ ...original, mm_projector_type: "identity" }), {
    message:
      'config.json: field "mm_projector_type": unsupported projector "identity" (expected linear or mlpNx_gelu)',
  });
  assert.throws(bad({ ...original, mm_projector_type: "mlp0x_gelu" }), /"mm_projector_type": unsupported/);
  assert.throws(
    bad({ ...original, mm_hidden_size: 768 }, TOWER),
    /"mm_hidden_size": 768 differs from the tower's hidden_size \(1024\)/,
  );
  assert.throws(bad({ ...original, mm_hidden_size: undefined }), /"mm_hidden_size": missing/);
  assert.throws(bad({ ...original, mm_vision_tower: undefined }), /"mm_vision_tower": missing/);
  assert.throws(
    bad({ ...original, mm_vision_select_layer: -26 }, TOWER),
    /"mm_vision_select_layer": -26 is outside the tower's 25 hidden states/,
  );
  assert.throws(
    bad({ ...original, image_aspect_ratio: "anyres" }),
    /"image_aspect_ratio": unsupported value "anyres"/,
  );
  assert.throws(bad({ ...original, hidden_size: 65 }), /"hidden_size": 65 is not divisible/);
  assert.throws(
    bad({ model_type: "llava", vision_feature_layer: [-2, -5] }),
    /"vision_feature_layer": a list of layers is not supported/,
  );
  assert.throws(
    bad({ model_type: "llava" }),
    /"image_token_index": 32000 is outside the vocabulary \(32000 tokens\)/,
  );
  assert.throws(
    bad({ model_type: "llava", text_config: { model_type: "gpt2" } }),
    /"text_config.model_type": unsupported value "gpt2" \(expected one of llama, mistral, qwen2\)/,
  );
  assert.throws(
    bad({
      model_type: "llava",
      text_config: { vocab_size: 32064 },
      vision_config: { model_type: "dinov2" },
    }),
    /"vision_config.model_type": unsupported value "dinov2"/,
  );
  assert.throws(
    bad({ model_type: "llava", text_config: { vocab_size: 32064 }, vision_feature_select_strategy: "cls" }),
    /"vision_feature_select_strategy": unsupported value "cls"/,
  );
  assert.throws(bad({ model_type: "llama" }), /"model_type": unsupported value "llama"/);
  assert.throws(bad({}), /"model_type": missing/);
});
