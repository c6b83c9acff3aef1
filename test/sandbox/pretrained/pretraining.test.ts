import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Fields } from "../../../src/io/config/fields.ts";
import { parseLlamaConfig } from "../../../src/io/config/llama_config.ts";
import { createTokenizer } from "../../../src/io/tokenizer.ts";
import { CLIPVisionModel } from "../../../src/models/clip/vision_model.ts";
import { LlamaForCausalLM } from "../../../src/models/llama/model.ts";
import type { Module } from "../../../src/nn/module.ts";
import { countWords, trainBpe } from "../../../src/sandbox/pretrained/bpe_trainer.ts";
import { preprocessorConfig } from "../../../src/sandbox/pretrained/configs.ts";
import { ALPHABET } from "../../../src/sandbox/pretrained/english_text.ts";
import { meanTextLoss, pretrainLlm } from "../../../src/sandbox/pretrained/llm_pretrain.ts";
import { docText, worldDocuments } from "../../../src/sandbox/pretrained/text_corpus.ts";
import {
  SPECIALS_IN_ID_ORDER,
  tokenizerConfigJson,
  tokenizerJson,
} from "../../../src/sandbox/pretrained/tokenizer_files.ts";
import { pretrainVision } from "../../../src/sandbox/pretrained/vision_pretrain.ts";
import { Rng } from "../../../src/tensor/rng.ts";

const weights = (m: Module) => m.namedParameters().map(([n, p]) => [n, [...p.readF32()]] as const);

function withTmp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "lntune-pretrain-"));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test("pretrainLlm: the same seed gives the same weights, and held-out loss ends below the initial model's", async () => {
  const docs = worldDocuments(8, 64, 0);
  const heldOut = worldDocuments(2, 64, 1);
  const bpe = trainBpe(countWords(docs.map((d) => [docText(d), 1] as const)), {
    vocabSize: 160,
    specials: SPECIALS_IN_ID_ORDER,
    alphabet: ALPHABET,
  });
  const tokenizer = createTokenizer(tokenizerJson(bpe), tokenizerConfigJson(256));
  const config = parseLlamaConfig(
    new Fields("(test)", {
      model_type: "llama",
      vocab_size: bpe.vocab.length,
      hidden_size: 32,
      intermediate_size: 64,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      max_position_embeddings: 256,
    }),
  );
  const run = () =>
    withTmp((runDir) =>
      pretrainLlm({
        config,
        tokenizer,
        docs,
        seed: 5,
        epochs: 3,
        batchSize: 8,
        maxLength: 256,
        lr: 1e-2,
        runDir,
        progress: "quiet",
      }),
    );
  const a = await run();
  const b = await run();
  assert.deepEqual(weights(a.model), weights(b.model));
  assert.equal(a.steps, 3 * Math.ceil(docs.length / 8));
  const initial = new LlamaForCausalLM(config, new Rng(5)).eval();
  assert.ok(
    meanTextLoss(a.model, tokenizer, heldOut, 256) < meanTextLoss(initial, tokenizer, heldOut, 256) - 1,
  );
});

test("pretrainVision: the same seed gives the same tower; the encoder trains, the embeddings keep their init", async () => {
  const config = {
    hidden_size: 16,
    intermediate_size: 32,
    num_hidden_layers: 2,
    num_attention_heads: 2,
    image_size: 48,
    patch_size: 16,
    num_channels: 3,
    hidden_act: "quick_gelu" as const,
    layer_norm_eps: 1e-5,
    projection_dim: 16,
  };
  const run = () =>
    withTmp((runDir) =>
      pretrainVision({
        config,
        processor: preprocessorConfig(48),
        sceneSizes: [48, 64],
        seed: 2,
        steps: 3,
        batchSize: 4,
        lr: 1e-2,
        runDir,
        progress: "quiet",
      }),
    );
  const a = await run();
  const b = await run();
  assert.deepEqual(weights(a.tower), weights(b.tower));
  assert.ok(Number.isFinite(a.finalLoss));
  const init = new Map(weights(new CLIPVisionModel(config, new Rng(2))));
  for (const [name, values] of weights(a.tower)) {
    const changed = values.some((v, i) => v !== init.get(name)![i]);
    assert.equal(changed, !name.includes(".embeddings."), name);
  }
  assert.ok(
    a.tower.parameters().every((p) => !p.requiresGrad),
    "the tower is returned frozen",
  );
});
