// The pretrained sandbox models shipped in assets/sandbox/: they load, have the promised proportions, and
// are better than their random initialisations at what they were pretrained for.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadClipImageProcessorConfig } from "../../../src/io/config/clip_preprocessor_config.ts";
import { loadTokenizer } from "../../../src/io/tokenizer.ts";
import { CLIPVisionModel } from "../../../src/models/clip/vision_model.ts";
import { LlamaForCausalLM } from "../../../src/models/llama/model.ts";
import { loadClipVision, loadLlama } from "../../../src/models/load.ts";
import { PRETRAINED_LLM, PRETRAINED_VISION } from "../../../src/sandbox/pretrained/configs.ts";
import { SCENE_SIZES } from "../../../src/sandbox/pretrained/evaluate_models.ts";
import { linearProbe, PROBED } from "../../../src/sandbox/pretrained/linear_probe.ts";
import { meanTextLoss } from "../../../src/sandbox/pretrained/llm_pretrain.ts";
import { sandboxModels } from "../../../src/sandbox/pretrained/shipped.ts";
import { normalizeAnswer, textAnswers } from "../../../src/sandbox/pretrained/text_answers.ts";
import { worldDocuments } from "../../../src/sandbox/pretrained/text_corpus.ts";
import { worldLanguage } from "../../../src/sandbox/world/language.ts";
import { BACKGROUNDS, COLORS, POSITIONS, SHAPES, SIZES } from "../../../src/sandbox/world/scene.ts";
import { Rng } from "../../../src/tensor/rng.ts";

const dirs = sandboxModels();
const llm = loadLlama(dirs.llm);
const tokenizer = loadTokenizer(dirs.llm);
const tower = loadClipVision(dirs.vision);
// Seeds the build's training and evaluation do not use.
const SEED = 1234;

const readJson = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), "utf8"));

test("sandboxModels(): the shipped LLM, tokenizer and tower load, with BF16 weights", () => {
  assert.deepEqual(llm.config, PRETRAINED_LLM);
  assert.deepEqual(tower.config, PRETRAINED_VISION);
  for (const m of [llm, tower]) assert.ok(m.parameters().every((p) => p.dtype === "bf16"));
  const processor = loadClipImageProcessorConfig(dirs.vision);
  assert.deepEqual(processor.crop_size, { height: 64, width: 64 });
  assert.deepEqual(processor.size, { shortest_edge: 64 });
  assert.throws(() => sandboxModels("/nonexistent"), /no model\.safetensors/);
});

test("config.json files list the fields transformers writes for LlamaConfig and CLIPVisionConfig, sorted", () => {
  // Key sets of configs saved by transformers (Llama-3.2-1B's config.json, a CLIPVisionModelWithProjection
  // image encoder's), less transformers_version.
  const llamaKeys = [
    "architectures",
    "attention_bias",
    "attention_dropout",
    "bos_token_id",
    "eos_token_id",
    "head_dim",
    "hidden_act",
    "hidden_size",
    "initializer_range",
    "intermediate_size",
    "max_position_embeddings",
    "mlp_bias",
    "model_type",
    "num_attention_heads",
    "num_hidden_layers",
    "num_key_value_heads",
    "pad_token_id",
    "pretraining_tp",
    "rms_norm_eps",
    "rope_scaling",
    "rope_theta",
    "tie_word_embeddings",
    "torch_dtype",
    "use_cache",
    "vocab_size",
  ];
  const clipKeys = [
    "architectures",
    "attention_dropout",
    "dropout",
    "hidden_act",
    "hidden_size",
    "image_size",
    "initializer_factor",
    "initializer_range",
    "intermediate_size",
    "layer_norm_eps",
    "model_type",
    "num_attention_heads",
    "num_channels",
    "num_hidden_layers",
    "patch_size",
    "projection_dim",
    "torch_dtype",
  ];
  assert.deepEqual(Object.keys(readJson(dirs.llm, "config.json")), llamaKeys);
  assert.deepEqual(Object.keys(readJson(dirs.vision, "config.json")), clipKeys);
  assert.equal(readJson(dirs.vision, "preprocessor_config.json").image_processor_type, "CLIPImageProcessor");
});

test("the LLM's parameters divide like LLaMA-7B's: embeddings + head ≤ 5%, block norms < 0.1%, untied head", () => {
  // Counted from the loaded model's modules.
  const total = llm.parameters().reduce((n, p) => n + p.size, 0);
  assert.ok(llm.lm_head !== null, "LLaMA's head is not tied to the embeddings");
  const embeddingsAndHead = llm.model.embed_tokens.weight.size + llm.lm_head.weight.size;
  const blockNorms = llm.model.layers.reduce(
    (n, l) => n + l.input_layernorm.weight.size + l.post_attention_layernorm.weight.size,
    0,
  );
  assert.ok(embeddingsAndHead / total <= 0.05, `embeddings + head: ${embeddingsAndHead / total}`);
  assert.ok(blockNorms / total < 0.001, `block norms: ${blockNorms / total}`);
  assert.ok(total > 5e6, `${total} parameters`);
});

test("the tokenizer round-trips every sentence of the world's language without <unk>", () => {
  for (const text of worldLanguage()) {
    const ids = tokenizer.encode(text);
    assert.ok(!ids.includes(tokenizer.unkTokenId!), text);
    assert.equal(tokenizer.decode(ids, { skipSpecialTokens: true }), text);
  }
  assert.equal(tokenizer.vocabSize, PRETRAINED_LLM.vocab_size);
});

test("the LLM's loss on held-out world text is far below its random initialisation's", () => {
  const heldOut = worldDocuments(5, 64, SEED);
  const shipped = meanTextLoss(llm, tokenizer, heldOut, 512);
  const initial = meanTextLoss(
    new LlamaForCausalLM(PRETRAINED_LLM, new Rng(SEED)).eval(),
    tokenizer,
    heldOut,
    512,
  );
  assert.ok(initial > 5.5, `random init: ${initial}`);
  assert.ok(shipped < initial / 3, `shipped ${shipped} vs random init ${initial}`);
});

test("the LLM answers short questions about scenes given in words in the world's one-word format", () => {
  const vocabulary = new Set<string>([
    "yes",
    "no",
    "0",
    "1",
    "2",
    "3",
    "4",
    ...COLORS,
    ...SHAPES,
    ...SIZES,
    ...POSITIONS,
    ...BACKGROUNDS,
  ]);
  const answers = textAnswers(llm, tokenizer, 20, SEED);
  for (const a of answers) assert.ok(vocabulary.has(normalizeAnswer(a.answer)), JSON.stringify(a));
  // A random initialisation answers none; the shipped model 20% of these (30% on the build's 60 questions).
  const correct = answers.filter((a) => normalizeAnswer(a.answer) === a.expected).length;
  assert.ok(correct >= 3, `${correct} of 20 right`);
});

test('the LLM follows MME\'s request: yes/no questions ending "Please answer yes or no." get a yes or a no', () => {
  const answers = textAnswers(llm, tokenizer, 20, SEED, true);
  for (const a of answers) assert.ok(["yes", "no"].includes(normalizeAnswer(a.answer)), JSON.stringify(a));
});

test("a linear probe recovers scene attributes better from the shipped tower than from a random one", () => {
  const options = {
    processor: loadClipImageProcessorConfig(dirs.vision),
    sceneSizes: SCENE_SIZES,
    trainScenes: 200,
    testScenes: 100,
    seed: SEED,
  };
  const shipped = linearProbe(tower, options);
  const random = linearProbe(new CLIPVisionModel(PRETRAINED_VISION, new Rng(SEED)), options);
  const mean = (a: typeof shipped) => PROBED.reduce((s, k) => s + a[k], 0) / PROBED.length;
  assert.ok(mean(shipped) > mean(random) + 0.05, `${JSON.stringify(shipped)} vs ${JSON.stringify(random)}`);
  for (const k of ["shape", "count"] as const)
    assert.ok(shipped[k] > random[k], `${k}: ${shipped[k]} vs ${random[k]}`);
});
