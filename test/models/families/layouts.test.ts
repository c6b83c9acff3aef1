// Checkpoint namings of every family: disk names read as canonical names (or skipped, or unknown), canonical
// names written back, and the round trip over every weight a placeholder build of each model holds.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Fields } from "../../../src/io/config/fields.ts";
import type { WeightLayout } from "../../../src/io/weights/layout.ts";
import { CLIP_LAYOUT } from "../../../src/models/families/clip_vision/index.ts";
import { DECODER_LAYOUT } from "../../../src/models/families/llama/layout.ts";
import { buildLlava, LLAVA } from "../../../src/models/families/llava/index.ts";
import { llavaHfLayout, llavaOriginalLayout } from "../../../src/models/families/llava/layouts.ts";
import { SIGLIP_VISION } from "../../../src/models/families/siglip_vision/index.ts";
import { TINY_LLAVA } from "./tiny_llava.ts";

const HF = llavaHfLayout(CLIP_LAYOUT);
const ORIGINAL = llavaOriginalLayout("mlp", CLIP_LAYOUT);
const SIGLIP = SIGLIP_VISION.layout(
  SIGLIP_VISION.parseConfig(new Fields("s.json", { model_type: "siglip" })),
);

test("disk names → canonical names for each layout", () => {
  const cases: Array<[WeightLayout, string, string]> = [
    [HF, "language_model.model.layers.3.self_attn.q_proj.weight", "model.layers.3.self_attn.q_proj.weight"],
    [HF, "language_model.lm_head.weight", "lm_head.weight"],
    [HF, "model.language_model.norm.weight", "model.norm.weight"],
    [HF, "model.language_model.embed_tokens.weight", "model.embed_tokens.weight"],
    [HF, "lm_head.weight", "lm_head.weight"],
    [HF, "vision_tower.vision_model.pre_layrnorm.bias", "vision_model.pre_layrnorm.bias"],
    [HF, "model.vision_tower.vision_model.post_layernorm.weight", "vision_model.post_layernorm.weight"],
    [HF, "multi_modal_projector.linear_2.bias", "projector.linear_2.bias"],
    [HF, "model.multi_modal_projector.linear_1.weight", "projector.linear_1.weight"],
    [HF, "vision_tower.vision_model.embeddings.position_ids", "skip"],
    [HF, "language_model.model.layers.0.self_attn.rotary_emb.inv_freq", "skip"],
    [HF, "image_newline", "unknown"],
    [ORIGINAL, "model.layers.0.mlp.up_proj.weight", "model.layers.0.mlp.up_proj.weight"],
    [ORIGINAL, "lm_head.weight", "lm_head.weight"],
    [ORIGINAL, "model.mm_projector.weight", "projector.linear_1.weight"],
    [ORIGINAL, "model.mm_projector.bias", "projector.linear_1.bias"],
    [ORIGINAL, "model.mm_projector.0.weight", "projector.linear_1.weight"],
    [ORIGINAL, "model.mm_projector.2.bias", "projector.linear_2.bias"],
    [ORIGINAL, "model.mm_projector.4.weight", "projector.linear_3.weight"],
    [ORIGINAL, "model.mm_projector.1.weight", "unknown"],
    [
      ORIGINAL,
      "model.vision_tower.vision_tower.vision_model.encoder.layers.0.layer_norm1.weight",
      "vision_model.encoder.layers.0.layer_norm1.weight",
    ],
    [ORIGINAL, "model.vision_tower.weird.weight", "unknown"],
    [ORIGINAL, "model.layers.0.self_attn.rotary_emb.inv_freq", "skip"],
    [DECODER_LAYOUT, "model.norm.weight", "model.norm.weight"],
    [DECODER_LAYOUT, "transformer.h.0.attn.weight", "unknown"],
    [CLIP_LAYOUT, "vision_model.embeddings.class_embedding", "vision_model.embeddings.class_embedding"],
    [CLIP_LAYOUT, "text_model.encoder.layers.0.mlp.fc1.weight", "skip"],
    [CLIP_LAYOUT, "visual_projection.weight", "skip"],
    [CLIP_LAYOUT, "text_projection.weight", "skip"],
    [CLIP_LAYOUT, "logit_scale", "skip"],
    [CLIP_LAYOUT, "vision_model.embeddings.position_ids", "skip"],
    // SigLIP: the unused pooling head and the text tower are skipped.
    [SIGLIP, "vision_model.embeddings.patch_embedding.bias", "vision_model.embeddings.patch_embedding.bias"],
    [SIGLIP, "vision_model.head.attention.in_proj_weight", "skip"],
    [SIGLIP, "vision_model.head.probe", "skip"],
    [SIGLIP, "text_model.head.weight", "skip"],
    [SIGLIP, "logit_bias", "skip"],
    [llavaHfLayout(SIGLIP), "vision_tower.vision_model.head.mlp.fc1.weight", "skip"],
  ];
  for (const [layout, disk, want] of cases) {
    const got = layout.toCanonical(disk);
    const flat = got.kind === "weight" ? got.name : got.kind;
    assert.equal(flat, want, `${layout.name}: ${disk}`);
  }
});

test("canonical → disk names, and back, for every weight of every layout", () => {
  assert.equal(
    HF.toDiskName("model.layers.0.input_layernorm.weight"),
    "language_model.model.layers.0.input_layernorm.weight",
  );
  assert.equal(HF.toDiskName("lm_head.weight"), "language_model.lm_head.weight");
  assert.equal(
    HF.toDiskName("vision_model.post_layernorm.bias"),
    "vision_tower.vision_model.post_layernorm.bias",
  );
  assert.equal(HF.toDiskName("projector.linear_2.weight"), "multi_modal_projector.linear_2.weight");
  assert.equal(ORIGINAL.toDiskName("projector.linear_2.weight"), "model.mm_projector.2.weight");
  const linear = llavaOriginalLayout("linear", CLIP_LAYOUT);
  assert.equal(linear.toDiskName("projector.linear_1.bias"), "model.mm_projector.bias");
  assert.equal(
    ORIGINAL.toDiskName("vision_model.pre_layrnorm.weight"),
    "model.vision_tower.vision_tower.vision_model.pre_layrnorm.weight",
  );
  assert.throws(
    () => DECODER_LAYOUT.toDiskName("vision_model.pre_layrnorm.weight"),
    /no name in the llama layout/,
  );
  assert.throws(() => CLIP_LAYOUT.toDiskName("model.norm.weight"), /no name in the clip layout/);
  assert.throws(() => linear.toDiskName("projector.linear_2.weight"), /no name in the llava layout/);

  const roundTrip = (layout: WeightLayout, names: string[]) => {
    for (const name of names)
      assert.deepEqual(
        layout.toCanonical(layout.toDiskName(name)),
        { kind: "weight", name },
        `${layout.name}: ${name}`,
      );
  };
  const model = buildLlava(TINY_LLAVA, null);
  const all = LLAVA.storedWeights(model).map((w) => w.name);
  roundTrip(HF, all);
  roundTrip(ORIGINAL, all);
  roundTrip(linear, ["projector.linear_1.weight", "projector.linear_1.bias"]);
  roundTrip(
    DECODER_LAYOUT,
    model.language_model.namedParameters().map(([n]) => n),
  );
  roundTrip(
    CLIP_LAYOUT,
    model.vision_tower.namedParameters().map(([n]) => n),
  );
});
