import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { openCheckpoint } from "../../src/io/checkpoint.ts";
import type { CLIPVisionConfig } from "../../src/io/config/clip_vision_config.ts";
import { Fields } from "../../src/io/config/fields.ts";
import { parseLlamaConfig } from "../../src/io/config/llama_config.ts";
import { type LlavaConfig, loadLlavaConfig } from "../../src/io/config/llava_config.ts";
import { type Tensor, writeSafetensors } from "../../src/io/safetensors.ts";
import {
  clipVisionWeights,
  llamaWeights,
  llavaWeights,
  projectorWeights,
} from "../../src/io/weights/expected.ts";
import { detectLayout, toCanonical, toDiskName, type WeightLayout } from "../../src/io/weights/layouts.ts";
import { placeWeights, requireWeights, WeightMapError } from "../../src/io/weights/placement.ts";
import { scratchDir, writeJson } from "./helpers.ts";

const FIXTURES = join(import.meta.dirname, "../fixtures/configs");
const dir = scratchDir();

const text = parseLlamaConfig(
  new Fields("t.json", {
    model_type: "llama",
    vocab_size: 10,
    hidden_size: 8,
    intermediate_size: 12,
    num_hidden_layers: 2,
    num_attention_heads: 2,
    num_key_value_heads: 1,
  }),
);
const vision: CLIPVisionConfig = {
  hidden_size: 6,
  intermediate_size: 10,
  num_hidden_layers: 1,
  num_attention_heads: 2,
  image_size: 4,
  patch_size: 2,
  num_channels: 3,
  hidden_act: "quick_gelu",
  layer_norm_eps: 1e-5,
  projection_dim: 4,
};
const tiny: LlavaConfig = {
  layout: "llava-hf",
  text,
  vision,
  visionTower: null,
  projector: { type: "mlp", depth: 2, act: "gelu", bias: true, in_features: 6, out_features: 8 },
  visionFeatureLayer: -2,
  selectFeature: "patch",
  imageTokenIndex: 9,
  mmUseImStartEnd: false,
  mmUseImPatchToken: false,
  imageAspectRatio: "square",
  tokenizerModelMaxLength: null,
  tokenizerPaddingSide: null,
};

/** An in-memory checkpoint: disk name → shape. */
const shapes = (entries: Record<string, number[]>) => ({
  names: () => Object.keys(entries).sort(),
  info: (name: string) => ({ shape: entries[name] }),
});

test("disk names → canonical names for each layout", () => {
  const cases: Array<[WeightLayout, string, string | "skip" | "unknown"]> = [
    [
      "llava-hf",
      "language_model.model.layers.3.self_attn.q_proj.weight",
      "model.layers.3.self_attn.q_proj.weight",
    ],
    ["llava-hf", "language_model.lm_head.weight", "lm_head.weight"],
    ["llava-hf", "model.language_model.norm.weight", "model.norm.weight"],
    ["llava-hf", "model.language_model.embed_tokens.weight", "model.embed_tokens.weight"],
    ["llava-hf", "lm_head.weight", "lm_head.weight"],
    ["llava-hf", "vision_tower.vision_model.pre_layrnorm.bias", "vision_model.pre_layrnorm.bias"],
    [
      "llava-hf",
      "model.vision_tower.vision_model.post_layernorm.weight",
      "vision_model.post_layernorm.weight",
    ],
    ["llava-hf", "multi_modal_projector.linear_2.bias", "projector.linear_2.bias"],
    ["llava-hf", "model.multi_modal_projector.linear_1.weight", "projector.linear_1.weight"],
    ["llava-hf", "vision_tower.vision_model.embeddings.position_ids", "skip"],
    ["llava-hf", "language_model.model.layers.0.self_attn.rotary_emb.inv_freq", "skip"],
    ["llava-hf", "image_newline", "unknown"],
    ["llava", "model.layers.0.mlp.up_proj.weight", "model.layers.0.mlp.up_proj.weight"],
    ["llava", "lm_head.weight", "lm_head.weight"],
    ["llava", "model.mm_projector.weight", "projector.linear_1.weight"],
    ["llava", "model.mm_projector.bias", "projector.linear_1.bias"],
    ["llava", "model.mm_projector.0.weight", "projector.linear_1.weight"],
    ["llava", "model.mm_projector.2.bias", "projector.linear_2.bias"],
    ["llava", "model.mm_projector.4.weight", "projector.linear_3.weight"],
    ["llava", "model.mm_projector.1.weight", "unknown"],
    [
      "llava",
      "model.vision_tower.vision_tower.vision_model.encoder.layers.0.layer_norm1.weight",
      "vision_model.encoder.layers.0.layer_norm1.weight",
    ],
    ["llava", "model.vision_tower.weird.weight", "unknown"],
    ["llava", "model.layers.0.self_attn.rotary_emb.inv_freq", "skip"],
    ["llama", "model.norm.weight", "model.norm.weight"],
    ["llama", "transformer.h.0.attn.weight", "unknown"],
    ["clip", "vision_model.embeddings.class_embedding", "vision_model.embeddings.class_embedding"],
    ["clip", "text_model.encoder.layers.0.mlp.fc1.weight", "skip"],
    ["clip", "visual_projection.weight", "skip"],
    ["clip", "text_projection.weight", "skip"],
    ["clip", "logit_scale", "skip"],
    ["clip", "vision_model.embeddings.position_ids", "skip"],
  ];
  for (const [layout, disk, want] of cases) {
    const got = toCanonical(layout, disk);
    const flat = got.kind === "weight" ? got.name : got.kind;
    assert.equal(flat, want, `${layout}: ${disk}`);
  }
});

test("canonical → disk names, and back, for every weight of every layout", () => {
  assert.equal(
    toDiskName("llava-hf", "model.layers.0.input_layernorm.weight"),
    "language_model.model.layers.0.input_layernorm.weight",
  );
  assert.equal(toDiskName("llava-hf", "lm_head.weight"), "language_model.lm_head.weight");
  assert.equal(
    toDiskName("llava-hf", "vision_model.post_layernorm.bias"),
    "vision_tower.vision_model.post_layernorm.bias",
  );
  assert.equal(toDiskName("llava-hf", "projector.linear_2.weight"), "multi_modal_projector.linear_2.weight");
  assert.equal(toDiskName("llava", "projector.linear_2.weight", "mlp"), "model.mm_projector.2.weight");
  assert.equal(toDiskName("llava", "projector.linear_1.bias", "linear"), "model.mm_projector.bias");
  assert.equal(
    toDiskName("llava", "vision_model.pre_layrnorm.weight"),
    "model.vision_tower.vision_tower.vision_model.pre_layrnorm.weight",
  );
  assert.throws(() => toDiskName("llama", "vision_model.pre_layrnorm.weight"), /no name in the llama layout/);
  assert.throws(() => toDiskName("clip", "model.norm.weight"), /no name in the clip layout/);
  assert.throws(
    () => toDiskName("llava", "projector.linear_2.weight", "linear"),
    /no name in the llava layout/,
  );

  const roundTrip = (layout: WeightLayout, names: string[], projector: "linear" | "mlp" = "mlp") => {
    for (const name of names) {
      const back = toCanonical(layout, toDiskName(layout, name, projector));
      assert.deepEqual(back, { kind: "weight", name }, `${layout}: ${name}`);
    }
  };
  const all = llavaWeights(tiny).map((w) => w.name);
  roundTrip("llava-hf", all);
  roundTrip("llava", all);
  roundTrip("llava", ["projector.linear_1.weight", "projector.linear_1.bias"], "linear");
  roundTrip(
    "llama",
    llamaWeights(text).map((w) => w.name),
  );
  roundTrip(
    "clip",
    clipVisionWeights(vision).map((w) => w.name),
  );
});

test("expected weights: counts and shapes for LLaMA-2-7B and CLIP ViT-L/14-336", () => {
  const c = loadLlavaConfig(join(FIXTURES, "llava-v1.5-7b"), {
    visionTowerDir: join(FIXTURES, "clip-vit-large-patch14-336"),
  });
  const llm = llamaWeights(c.text);
  assert.equal(llm.length, 32 * 9 + 3);
  const find = (ws: typeof llm, name: string) => ws.find((w) => w.name === name);
  assert.deepEqual(find(llm, "model.layers.31.mlp.down_proj.weight")?.shape, [4096, 11008]);
  assert.deepEqual(find(llm, "lm_head.weight"), {
    name: "lm_head.weight",
    shape: [32000, 4096],
    optional: false,
  });
  const tower = clipVisionWeights(c.vision!);
  assert.equal(tower.length, 7 + 24 * 16);
  assert.deepEqual(find(tower, "vision_model.embeddings.position_embedding.weight")?.shape, [577, 1024]);
  assert.deepEqual(find(tower, "vision_model.embeddings.patch_embedding.weight")?.shape, [1024, 3, 14, 14]);
  assert.deepEqual(
    projectorWeights(c.projector).map((w) => [w.name, w.shape]),
    [
      ["projector.linear_1.weight", [4096, 1024]],
      ["projector.linear_1.bias", [4096]],
      ["projector.linear_2.weight", [4096, 4096]],
      ["projector.linear_2.bias", [4096]],
    ],
  );
  // Original layout: the tower is optional inside the LLaVA checkpoint itself.
  assert.ok(
    llavaWeights(c)
      .filter((w) => w.name.startsWith("vision_model."))
      .every((w) => w.optional),
  );
  const kv = find(llamaWeights(text), "model.layers.0.self_attn.k_proj.weight");
  assert.deepEqual(kv?.shape, [4, 8]); // one kv head of head_dim 4
  const tied = llamaWeights({ ...text, tie_word_embeddings: true, attention_bias: true });
  assert.equal(find(tied, "lm_head.weight")?.optional, true);
  assert.deepEqual(find(tied, "model.layers.1.self_attn.o_proj.bias")?.shape, [8]);
});

test("placement maps every weight, reports unplaced and skipped tensors", () => {
  const disk: Record<string, number[]> = {};
  for (const w of llavaWeights(tiny)) disk[toDiskName("llava-hf", w.name)] = w.shape;
  // The newer transformers naming for some tensors, mixed in.
  delete disk["language_model.model.norm.weight"];
  disk["model.language_model.norm.weight"] = [8];
  disk["language_model.model.layers.0.self_attn.rotary_emb.inv_freq"] = [2];
  disk["vision_tower.vision_model.embeddings.position_ids"] = [1, 5];
  disk.image_newline = [8];
  disk["language_model.model.layers.7.input_layernorm.weight"] = [8]; // beyond num_hidden_layers
  const p = requireWeights(shapes(disk), "llava-hf", llavaWeights(tiny), "tiny");
  assert.equal(p.map.size, llavaWeights(tiny).length);
  assert.equal(p.map.get("model.norm.weight"), "model.language_model.norm.weight");
  assert.equal(p.map.get("projector.linear_1.bias"), "multi_modal_projector.linear_1.bias");
  assert.deepEqual(p.unplaced, ["image_newline", "language_model.model.layers.7.input_layernorm.weight"]);
  assert.deepEqual(p.skipped, [
    "language_model.model.layers.0.self_attn.rotary_emb.inv_freq",
    "vision_tower.vision_model.embeddings.position_ids",
  ]);
  assert.deepEqual(p.missing, []);
});

test("missing and misshapen weights fail together in one error", () => {
  const disk: Record<string, number[]> = {};
  for (const w of llamaWeights(text)) disk[w.name] = w.shape;
  delete disk["lm_head.weight"];
  delete disk["model.layers.1.mlp.gate_proj.weight"];
  disk["model.norm.weight"] = [9];
  assert.throws(
    () => requireWeights(shapes(disk), "llama", llamaWeights(text), "/models/tiny"),
    (e: WeightMapError) => {
      assert.ok(e instanceof WeightMapError);
      assert.deepEqual(e.placement.missing, ["model.layers.1.mlp.gate_proj.weight", "lm_head.weight"]);
      assert.equal(
        e.message,
        "/models/tiny: 3 problem(s) with the llama weights:\n" +
          "  missing: model.layers.1.mlp.gate_proj.weight\n" +
          "  missing: lm_head.weight\n" +
          "  shape: model.norm.weight (model.norm.weight) is [9], expected [8]",
      );
      return true;
    },
  );
  // A tied model needs no lm_head.
  const tied = { ...text, tie_word_embeddings: true };
  delete disk["model.layers.1.mlp.gate_proj.weight"];
  disk["model.norm.weight"] = [8];
  disk["model.layers.1.mlp.gate_proj.weight"] = [12, 8];
  assert.deepEqual(placeWeights(shapes(disk), "llama", llamaWeights(tied), "x").missing, []);
});

test("two tensors claiming one weight is an error", () => {
  const disk = { "language_model.model.norm.weight": [8], "model.language_model.norm.weight": [8] };
  assert.throws(
    () => placeWeights(shapes(disk), "llava-hf", llamaWeights(text), "ckpt"),
    /ckpt: tensors "language_model.model.norm.weight" and "model.language_model.norm.weight" both hold weight "model.norm.weight"/,
  );
});

test("full CLIPModel checkpoints skip the text tower; original LLaVA places mm_projector.{0,2}", () => {
  const clipDisk: Record<string, number[]> = {
    "text_model.embeddings.token_embedding.weight": [5, 4],
    logit_scale: [],
  };
  for (const w of clipVisionWeights(vision)) clipDisk[w.name] = w.shape;
  const p = requireWeights(shapes(clipDisk), "clip", clipVisionWeights(vision), "clip");
  assert.deepEqual(p.skipped, ["logit_scale", "text_model.embeddings.token_embedding.weight"]);
  assert.deepEqual(p.unplaced, []);

  const orig = { ...tiny, layout: "llava" as const };
  const llavaDisk: Record<string, number[]> = {};
  for (const w of [...llamaWeights(text), ...projectorWeights(orig.projector)])
    llavaDisk[toDiskName("llava", w.name)] = w.shape;
  assert.ok("model.mm_projector.2.weight" in llavaDisk);
  const q = requireWeights(shapes(llavaDisk), "llava", llavaWeights(orig), "orig");
  assert.equal(q.map.get("projector.linear_2.weight"), "model.mm_projector.2.weight");
  assert.equal(q.map.has("vision_model.post_layernorm.weight"), false);
});

test("layout detection from tensor names", () => {
  assert.equal(detectLayout(["language_model.model.norm.weight"]), "llava-hf");
  assert.equal(detectLayout(["model.language_model.norm.weight"]), "llava-hf");
  assert.equal(detectLayout(["model.multi_modal_projector.linear_1.weight"]), "llava-hf");
  assert.equal(detectLayout(["model.layers.0.mlp.up_proj.weight", "model.mm_projector.0.weight"]), "llava");
  assert.equal(detectLayout(["model.embed_tokens.weight", "lm_head.weight"]), "llama");
  assert.equal(detectLayout(["vision_model.pre_layrnorm.weight"]), "clip");
  assert.equal(detectLayout(["text_model.final_layer_norm.weight"]), "clip");
  assert.equal(detectLayout(["foo"]), null);
});

test("end to end: a sharded llava-hf checkpoint on disk", () => {
  const tensors: Record<string, Tensor> = {};
  for (const w of llavaWeights(tiny)) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    tensors[toDiskName("llava-hf", w.name)] = {
      dtype: "BF16",
      shape: w.shape,
      data: new Uint16Array(n).fill(0x3f80),
    };
  }
  const names = Object.keys(tensors).sort();
  const half = Math.floor(names.length / 2);
  const part = (ns: string[]) => Object.fromEntries(ns.map((n) => [n, tensors[n]]));
  writeSafetensors(join(dir, "model-00001-of-00002.safetensors"), part(names.slice(0, half)));
  writeSafetensors(join(dir, "model-00002-of-00002.safetensors"), part(names.slice(half)));
  const weightMap = Object.fromEntries(
    names.map((n, i) => [n, `model-0000${i < half ? 1 : 2}-of-00002.safetensors`]),
  );
  writeJson(dir, "model.safetensors.index.json", { metadata: {}, weight_map: weightMap });
  const ck = openCheckpoint(dir);
  assert.equal(detectLayout(ck.names()), "llava-hf");
  const p = requireWeights(ck, "llava-hf", llavaWeights(tiny), dir);
  const t = ck.read(p.map.get("projector.linear_2.weight")!);
  assert.deepEqual(t.shape, [8, 8]);
  assert.equal((t.data as Uint16Array)[63], 0x3f80);
  ck.close();
});
