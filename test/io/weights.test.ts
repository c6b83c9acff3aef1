// Placing a checkpoint's tensors against the weights a model must hold: every weight mapped, unplaced and
// skipped tensors reported, missing and misshapen weights listed in one error. The weights are those of
// placeholder builds (families/), named in the families' layouts.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { openCheckpoint } from "../../src/io/checkpoint.ts";
import { type Tensor, writeSafetensors } from "../../src/io/safetensors.ts";
import { placeWeights, requireWeights, WeightMapError } from "../../src/io/weights/placement.ts";
import { CLIP_LAYOUT, CLIP_VISION } from "../../src/models/families/clip_vision/index.ts";
import { LLAMA } from "../../src/models/families/llama/index.ts";
import { DECODER_LAYOUT } from "../../src/models/families/llama/layout.ts";
import { loadLlavaConfig } from "../../src/models/families/llava/config.ts";
import { buildLlava, LLAVA } from "../../src/models/families/llava/index.ts";
import { llavaHfLayout, llavaOriginalLayout } from "../../src/models/families/llava/layouts.ts";
import { checkpointLayout } from "../../src/models/load.ts";
import { TINY_LLAVA, TINY_TEXT, TINY_VISION } from "../models/families/tiny_llava.ts";
import { FIXTURES as MODELS } from "../models/fixture.ts";
import { scratchDir, writeJson } from "./helpers.ts";

const FIXTURES = join(import.meta.dirname, "../fixtures/configs");
const dir = scratchDir();
const HF = llavaHfLayout(CLIP_LAYOUT);

/** An in-memory checkpoint: disk name → shape. */
const shapes = (entries: Record<string, number[]>) => ({
  names: () => Object.keys(entries).sort(),
  info: (name: string) => ({ shape: entries[name] }),
});

const llavaWeights = (c = TINY_LLAVA) => LLAVA.storedWeights(buildLlava(c, null));
const llamaWeights = (c = TINY_TEXT) => LLAMA.storedWeights(LLAMA.build(c, null));
const clipWeights = () => CLIP_VISION.storedWeights(CLIP_VISION.build(TINY_VISION, null));

test("expected weights of placeholder builds: counts and shapes for LLaMA-2-7B and CLIP ViT-L/14-336", () => {
  const c = loadLlavaConfig(join(FIXTURES, "llava-v1.5-7b"), {
    visionTowerDir: join(FIXTURES, "clip-vit-large-patch14-336"),
  });
  const model = buildLlava(c, null);
  // Placeholders hold no storage.
  assert.ok(model.namedParameters().every(([, p]) => !p.loaded));
  const llm = LLAMA.storedWeights(model.language_model);
  assert.equal(llm.length, 32 * 9 + 3);
  const find = (ws: typeof llm, name: string) => ws.find((w) => w.name === name);
  assert.deepEqual(find(llm, "model.layers.31.mlp.down_proj.weight")?.shape, [4096, 11008]);
  assert.deepEqual(find(llm, "lm_head.weight"), { name: "lm_head.weight", shape: [32000, 4096] });
  const tower = CLIP_VISION.storedWeights(model.vision_tower);
  assert.equal(tower.length, 7 + 24 * 16);
  assert.deepEqual(find(tower, "vision_model.embeddings.position_embedding.weight")?.shape, [577, 1024]);
  assert.deepEqual(find(tower, "vision_model.embeddings.patch_embedding.weight")?.shape, [1024, 3, 14, 14]);
  assert.deepEqual(
    LLAVA.storedWeights(model)
      .filter((w) => w.name.startsWith("projector."))
      .map((w) => [w.name, w.shape]),
    [
      ["projector.linear_1.weight", [4096, 1024]],
      ["projector.linear_1.bias", [4096]],
      ["projector.linear_2.weight", [4096, 4096]],
      ["projector.linear_2.bias", [4096]],
    ],
  );
  // Original layout: the tower is optional inside the LLaVA checkpoint itself.
  assert.ok(
    LLAVA.storedWeights(model)
      .filter((w) => w.name.startsWith("vision_model."))
      .every((w) => w.optional),
  );
  const kv = find(llamaWeights(), "model.layers.0.self_attn.k_proj.weight");
  assert.deepEqual(kv?.shape, [4, 8]); // one kv head of head_dim 4
  const tied = llamaWeights({ ...TINY_TEXT, tie_word_embeddings: true, attention_bias: true });
  assert.equal(find(tied, "lm_head.weight")?.optional, true);
  assert.deepEqual(find(tied, "model.layers.1.self_attn.o_proj.bias")?.shape, [8]);
});

test("placement maps every weight, reports unplaced and skipped tensors", () => {
  const disk: Record<string, number[]> = {};
  for (const w of llavaWeights()) disk[HF.toDiskName(w.name)] = w.shape;
  // The newer transformers naming for some tensors, mixed in.
  delete disk["language_model.model.norm.weight"];
  disk["model.language_model.norm.weight"] = [8];
  disk["language_model.model.layers.0.self_attn.rotary_emb.inv_freq"] = [2];
  disk["vision_tower.vision_model.embeddings.position_ids"] = [1, 5];
  disk.image_newline = [8];
  disk["language_model.model.layers.7.input_layernorm.weight"] = [8]; // beyond num_hidden_layers
  const p = requireWeights(shapes(disk), HF, llavaWeights(), "tiny");
  assert.equal(p.map.size, llavaWeights().length);
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
  for (const w of llamaWeights()) disk[w.name] = w.shape;
  delete disk["lm_head.weight"];
  delete disk["model.layers.1.mlp.gate_proj.weight"];
  disk["model.norm.weight"] = [9];
  assert.throws(
    () => requireWeights(shapes(disk), DECODER_LAYOUT, llamaWeights(), "/models/tiny"),
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
  const tied = { ...TINY_TEXT, tie_word_embeddings: true };
  delete disk["model.layers.1.mlp.gate_proj.weight"];
  disk["model.norm.weight"] = [8];
  disk["model.layers.1.mlp.gate_proj.weight"] = [12, 8];
  assert.deepEqual(placeWeights(shapes(disk), DECODER_LAYOUT, llamaWeights(tied), "x").missing, []);
});

test("two tensors claiming one weight is an error", () => {
  const disk = { "language_model.model.norm.weight": [8], "model.language_model.norm.weight": [8] };
  assert.throws(
    () => placeWeights(shapes(disk), HF, llamaWeights(), "ckpt"),
    /ckpt: tensors "language_model.model.norm.weight" and "model.language_model.norm.weight" both hold weight "model.norm.weight"/,
  );
});

test("full CLIPModel checkpoints skip the text tower; original LLaVA places mm_projector.{0,2}", () => {
  const clipDisk: Record<string, number[]> = {
    "text_model.embeddings.token_embedding.weight": [5, 4],
    logit_scale: [],
  };
  for (const w of clipWeights()) clipDisk[w.name] = w.shape;
  const p = requireWeights(shapes(clipDisk), CLIP_LAYOUT, clipWeights(), "clip");
  assert.deepEqual(p.skipped, ["logit_scale", "text_model.embeddings.token_embedding.weight"]);
  assert.deepEqual(p.unplaced, []);

  const orig = { ...TINY_LLAVA, layout: "llava" as const };
  const ORIGINAL = llavaOriginalLayout("mlp", CLIP_LAYOUT);
  const llavaDisk: Record<string, number[]> = {};
  for (const w of llavaWeights(orig).filter((x) => !x.name.startsWith("vision_model.")))
    llavaDisk[ORIGINAL.toDiskName(w.name)] = w.shape;
  assert.ok("model.mm_projector.2.weight" in llavaDisk);
  const q = requireWeights(shapes(llavaDisk), ORIGINAL, llavaWeights(orig), "orig");
  assert.equal(q.map.get("projector.linear_2.weight"), "model.mm_projector.2.weight");
  assert.equal(q.map.has("vision_model.post_layernorm.weight"), false);
});

test("a checkpoint's layout comes from its config's family", () => {
  const cases: Array<[string, string]> = [
    ["llava_hf", "llava-hf"],
    ["llava_original", "llava"],
    ["llama_base", "llama"],
    ["clip_full", "clip"],
    ["clip_vision", "clip"],
  ];
  for (const [name, layout] of cases) assert.equal(checkpointLayout(join(MODELS, name)).name, layout, name);
});

test("end to end: a sharded llava-hf checkpoint on disk", () => {
  const tensors: Record<string, Tensor> = {};
  for (const w of llavaWeights()) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    tensors[HF.toDiskName(w.name)] = {
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
  const p = requireWeights(ck, HF, llavaWeights(), dir);
  const t = ck.read(p.map.get("projector.linear_2.weight")!);
  assert.deepEqual(t.shape, [8, 8]);
  assert.equal((t.data as Uint16Array)[63], 0x3f80);
  ck.close();
});
