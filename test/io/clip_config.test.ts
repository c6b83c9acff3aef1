import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import {
  loadClipImageProcessorConfig,
  OPENAI_CLIP_MEAN,
  OPENAI_CLIP_STD,
  parseClipImageProcessorConfig,
} from "../../src/io/config/clip_preprocessor_config.ts";
import {
  CLIP_VISION_DEFAULTS,
  loadClipVisionConfig,
  parseClipVisionConfig,
} from "../../src/io/config/clip_vision_config.ts";
import { Fields } from "../../src/io/config/fields.ts";
import { scratchDir, writeJson } from "./helpers.ts";

const FIXTURE = join(import.meta.dirname, "../fixtures/configs/clip-vit-large-patch14-336");
const dir = scratchDir();

const VIT_L_336 = {
  hidden_size: 1024,
  intermediate_size: 4096,
  num_hidden_layers: 24,
  num_attention_heads: 16,
  image_size: 336,
  patch_size: 14,
  num_channels: 3,
  hidden_act: "quick_gelu",
  layer_norm_eps: 1e-5,
  projection_dim: 768,
};

test("a full CLIPModel config yields its vision_config; the text_config is ignored", () => {
  assert.deepEqual(loadClipVisionConfig(FIXTURE), VIT_L_336);
});

test("a standalone clip_vision_model config, and CLIPVisionConfig defaults", () => {
  writeJson(dir, "config.json", { model_type: "clip_vision_model", image_size: 224, patch_size: 16 });
  assert.deepEqual(loadClipVisionConfig(dir), { ...CLIP_VISION_DEFAULTS, patch_size: 16 });
  assert.deepEqual(CLIP_VISION_DEFAULTS, {
    hidden_size: 768,
    intermediate_size: 3072,
    num_hidden_layers: 12,
    num_attention_heads: 12,
    image_size: 224,
    patch_size: 32,
    num_channels: 3,
    hidden_act: "quick_gelu",
    layer_norm_eps: 1e-5,
    projection_dim: 512,
  });
});

test("CLIP config errors name the file and the nested field", () => {
  const bad = (obj: Record<string, unknown>) => () =>
    parseClipVisionConfig(new Fields("c.json", obj, "vision_config."));
  assert.throws(bad({ image_size: 336, patch_size: 32 }), {
    message: 'c.json: field "vision_config.image_size": 336 is not a multiple of patch_size (32)',
  });
  assert.throws(
    bad({ hidden_size: 1000, num_attention_heads: 16 }),
    /"vision_config.hidden_size": 1000 is not divisible/,
  );
  assert.throws(bad({ model_type: "siglip_vision_model" }), /"vision_config.model_type": unsupported value/);
  assert.throws(bad({ hidden_act: "relu" }), /"vision_config.hidden_act": unsupported value "relu"/);
  writeJson(dir, "novision.json", { vision_config: {} });
  assert.throws(
    () => loadClipVisionConfig(join(dir, "novision.json")),
    /novision.json: field "model_type": missing/,
  );
});

test("preprocessor_config.json with int size and crop (older CLIP feature-extractor files)", () => {
  assert.deepEqual(loadClipImageProcessorConfig(FIXTURE), {
    do_convert_rgb: true,
    do_resize: true,
    size: { shortest_edge: 336 },
    resample: 3,
    do_center_crop: true,
    crop_size: { height: 336, width: 336 },
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    image_mean: OPENAI_CLIP_MEAN,
    image_std: OPENAI_CLIP_STD,
  });
});

test("preprocessor dict sizes, defaults without a file, and errors", () => {
  const p = parseClipImageProcessorConfig(
    new Fields("p.json", {
      size: { height: 300, width: 400 },
      crop_size: { height: 224, width: 224 },
      do_center_crop: false,
      image_mean: [0.5, 0.5, 0.5],
      image_std: [0.5, 0.5, 0.5],
      rescale_factor: 0.5,
    }),
  );
  assert.deepEqual(p.size, { height: 300, width: 400 });
  assert.deepEqual(p.crop_size, { height: 224, width: 224 });
  assert.equal(p.do_center_crop, false);
  assert.equal(p.rescale_factor, 0.5);
  assert.deepEqual(
    parseClipImageProcessorConfig(new Fields("p.json", { size: { shortest_edge: 224 } })).size,
    {
      shortest_edge: 224,
    },
  );
  const none = loadClipImageProcessorConfig(join(dir, "no-such-model"), 336);
  assert.deepEqual(none.size, { shortest_edge: 336 });
  assert.deepEqual(none.crop_size, { height: 336, width: 336 });
  assert.equal(loadClipImageProcessorConfig(join(dir, "no-such-model")).crop_size.width, 224);
  const bad = (obj: Record<string, unknown>) => () =>
    parseClipImageProcessorConfig(new Fields("p.json", obj));
  assert.throws(bad({ image_mean: [0.5, 0.5] }), /p.json: field "image_mean": expected 3 values/);
  assert.throws(bad({ image_std: [0.5, 0, 0.5] }), /"image_std": values must be positive/);
  assert.throws(bad({ size: { height: 10 } }), /"size.width": expected a positive integer/);
  assert.throws(bad({ crop_size: 0 }), /"crop_size": expected a positive integer, got 0/);
  assert.throws(bad({ resample: 9 }), /"resample": unknown PIL filter 9/);
  assert.throws(bad({ do_resize: 1 }), /"do_resize": expected true or false/);
});
