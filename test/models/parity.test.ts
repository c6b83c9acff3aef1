// Parity with PyTorch references of HF LLaMA / Mistral / Qwen2 / CLIP / SigLIP / LLaVA (fixtures made by
// tools/make_model_fixtures.py): logits, loss, gradients of the norms, embeddings, head and projector, and
// greedy tokens (KV-cache decoding, left-padded batches).
import assert from "node:assert/strict";
import { test } from "node:test";
import { SiglipVisionModel } from "../../src/models/families/siglip_vision/model.ts";
import { generate, leftPad } from "../../src/models/generation.ts";
import type { LlamaForCausalLM } from "../../src/models/llama/model.ts";
import type { LlavaForConditionalGeneration } from "../../src/models/llava/model.ts";
import {
  type LoadReport,
  loadClipVision,
  loadLlama,
  loadLlava,
  loadVisionTower,
} from "../../src/models/load.ts";
import { type Module, setTrainable } from "../../src/nn/module.ts";
import { backward } from "../../src/tensor/autograd.ts";
import { assertClose } from "../tensor/gradcheck.ts";
import { type Fixture, fixture, fixtureBatch } from "./fixture.ts";

const LOGIT_ATOL = 1e-4;

/** Compares logits at real (unmasked) positions only; padded positions are garbage in both systems. */
function compareLogits(got: Float32Array, f: Fixture, mask: Uint8Array) {
  const want = f.tensor("logits");
  const V = want.shape[2];
  assert.equal(got.length, want.data.length, "logits size");
  for (let r = 0; r < mask.length; r++) {
    if (!mask[r]) continue;
    assertClose(
      got.subarray(r * V, (r + 1) * V),
      want.data.subarray(r * V, (r + 1) * V),
      LOGIT_ATOL,
      0,
      `logits row ${r}`,
    );
  }
}

function trainableForGrads(model: Module) {
  for (const [name, p] of model.namedParameters())
    setTrainable(p, /norm\.weight$|^model\.embed_tokens\.weight$|^lm_head\.weight$|^projector\./.test(name));
}

function compareGrads(model: Module, f: Fixture) {
  let compared = 0;
  for (const [name, p] of model.namedParameters()) {
    if (!p.requiresGrad || !f.has(`grad.${name}`)) continue;
    const want = f.tensor(`grad.${name}`).data;
    const scale = Math.max(...want.map(Math.abs));
    assertClose(p.grad!, want, 1e-5 + 1e-4 * scale, 1e-3, `grad ${name}`);
    compared++;
  }
  assert.ok(compared >= 3, `only ${compared} gradients compared`);
}

/** The parameters matching `re` (`count` of them) are frozen and still stored in `dtype`. */
function assertFrozenHalf(model: Module, re: RegExp, dtype: "bf16" | "f16", count: number) {
  const params = model.namedParameters().filter(([n]) => re.test(n));
  assert.equal(params.length, count, `parameters matching ${re}`);
  for (const [n, p] of params) {
    assert.equal(p.dtype, dtype, n);
    assert.equal(p.requiresGrad, false, n);
  }
}

function checkGreedy(model: LlamaForCausalLM, f: Fixture) {
  const g = f.inputs.generate;
  const out = generate(model, leftPad(g.prompts, f.inputs.pad_token_id), {
    maxNewTokens: g.max_new_tokens,
    eosTokenIds: [],
  });
  assert.deepEqual(out, f.expected.greedy);
}

for (const name of [
  "llama_base",
  "llama_gqa_tied",
  "llama_rope_dynamic",
  "llama_rope_llama3",
  "llama_bf16_sharded",
  "llama_bf16_bias",
  // Mistral's sliding window (4) is shorter than every sequence, in the loss batch and in generation.
  "mistral_sliding",
  // Qwen2: q/k/v biases without an o_proj bias, tied embeddings.
  "qwen2",
])
  test(`LLaMA-architecture parity: ${name}`, () => {
    const f = fixture(name);
    const model = loadLlama(f.dir);
    if (name.startsWith("llama_bf16"))
      assert.equal(model.model.layers[0].self_attn.q_proj.weight.dtype, "bf16");
    trainableForGrads(model);
    if (name === "llama_bf16_bias") assertFrozenHalf(model, /_proj\.bias$/, "bf16", 14);
    const batch = fixtureBatch(f);
    const out = model.forward({ ...batch, logits: "all" });
    compareLogits(out.logits!.readF32(), f, batch.attentionMask);
    assert.ok(Math.abs(out.loss!.item() - f.tensor("loss").data[0]) < 1e-5, `loss ${out.loss!.item()}`);
    backward(out.loss!);
    compareGrads(model, f);
    // Training's path: no logits returned, the head fused with the loss.
    for (const p of model.parameters()) p.grad = null;
    const fused = model.forward(batch);
    assert.equal(fused.logits, null);
    assert.ok(Math.abs(fused.loss!.item() - f.tensor("loss").data[0]) < 1e-5);
    backward(fused.loss!);
    compareGrads(model, f);
    if (f.inputs.generate) checkGreedy(model, f);
  });

for (const name of ["clip_vision", "clip_full"])
  test(`CLIP vision parity: ${name} (hidden states by layer, pooled output)`, () => {
    const f = fixture(name);
    const clip = loadClipVision(f.dir).vision_model;
    const pixels = f.tensor("inputs.pixel_values");
    const states = clip.hiddenStates(pixels.data, pixels.shape[0]);
    for (const [i, s] of states.entries())
      assertClose(s.readF32(), f.tensor(`hidden_states.${i}`).data, LOGIT_ATOL, 0, `hidden_states.${i}`);
    if (f.has("pooler_output"))
      assertClose(
        clip.pooled(pixels.data, pixels.shape[0]).readF32(),
        f.tensor("pooler_output").data,
        LOGIT_ATOL,
        0,
        "pooler",
      );
  });

test("SigLIP vision parity: hidden states by layer, last_hidden_state; the pooling head is skipped", () => {
  const f = fixture("siglip_vision");
  const report: LoadReport = { placements: [] };
  const tower = loadVisionTower(f.dir, report);
  assert.ok(tower instanceof SiglipVisionModel);
  assert.equal(
    report.placements[0].placement.skipped.filter((n) => n.startsWith("vision_model.head.")).length,
    11,
  );
  const pixels = f.tensor("inputs.pixel_values");
  const states = tower.hiddenStates(pixels.data, pixels.shape[0]);
  assert.equal(states.length, 4);
  for (const [i, s] of states.entries())
    assertClose(s.readF32(), f.tensor(`hidden_states.${i}`).data, LOGIT_ATOL, 0, `hidden_states.${i}`);
  assertClose(
    tower.vision_model.lastHiddenState(pixels.data, pixels.shape[0]).readF32(),
    f.tensor("last_hidden_state").data,
    LOGIT_ATOL,
    0,
    "last_hidden_state",
  );
});

for (const name of ["llava_hf", "llava_original", "llava_hf_f16", "llava_qwen2_siglip"])
  test(`LLaVA parity: ${name} (splice, logits, loss, gradients, greedy)`, () => {
    const f = fixture(name);
    const model: LlavaForConditionalGeneration = loadLlava(f.dir);
    trainableForGrads(model);
    if (name === "llava_hf_f16") {
      // CLIP's linear and LayerNorm biases, patch and position embeddings, the LLM's projections: frozen F16.
      assertFrozenHalf(model, /^vision_model\..*\.bias$/, "f16", 3 * 8 + 2);
      assertFrozenHalf(model, /^vision_model\.embeddings\./, "f16", 3);
      assertFrozenHalf(model, /^model\.layers\..*_proj\.weight$/, "f16", 2 * 7);
      // The projector trains: widened to f32 from the F16 values the reference used.
      assert.equal(model.projector.linear_1.bias!.dtype, "f32");
      assert.equal(model.projector.linear_1.bias!.checkpointDtype, "f16");
    }
    const pixels = f.tensor("inputs.pixel_values");
    const out = model.forwardMultimodal({ ...fixtureBatch(f), logits: "all" });
    assert.deepEqual(Array.from(out.plan.attentionMask), f.inputs.spliced_attention_mask.flat());
    assert.deepEqual(Array.from(out.plan.labels!), f.inputs.spliced_labels.flat());
    compareLogits(out.logits!.readF32(), f, out.plan.attentionMask);
    assert.ok(Math.abs(out.loss!.item() - f.tensor("loss").data[0]) < 1e-5, `loss ${out.loss!.item()}`);
    backward(out.loss!);
    compareGrads(model, f);
    // Greedy decoding from a prompt with one image.
    const g = f.inputs.generate;
    const S = pixels.shape[2];
    const per = 3 * S * S;
    const imgs = new Float32Array(g.image_index.length * per);
    for (const [i, k] of (g.image_index as number[]).entries())
      imgs.set(pixels.data.subarray(k * per, (k + 1) * per), i * per);
    model.eval();
    const { embeds, plan } = model.embedMultimodal({
      inputIds: Int32Array.from(g.prompt),
      batch: 1,
      seqLen: g.prompt.length,
      pixelValues: imgs,
    });
    const tokens = generate(
      model.language_model,
      { batch: 1, seqLen: plan.seqLen, inputsEmbeds: embeds, attentionMask: plan.attentionMask },
      { maxNewTokens: g.max_new_tokens, eosTokenIds: [] },
    );
    assert.deepEqual(tokens, f.expected.greedy);
  });
