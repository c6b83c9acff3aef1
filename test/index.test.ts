// The package's public API, imported by its own name: load a model, make its LayerNorms trainable, run a
// forward pass and backward, read the named gradients, and generate; checked against the PyTorch fixture.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as lntune from "lntune";
import { fixture, fixtureBatch } from "./models/fixture.ts";
import { assertClose } from "./tensor/gradcheck.ts";

test("the public API trains and generates with llama_base", () => {
  const f = fixture("llama_base");
  const model = lntune.loadLlama(f.dir);
  const trainable = lntune.applyMethod(model, lntune.methodSpec("ln"), {}, new lntune.Rng(0));
  assert.deepEqual(
    [...trainable.byGroup].filter(([, c]) => c.trainable > 0).map(([g]) => g),
    ["embeddings", "block_norms", "head"],
  );
  const out = model.forward(fixtureBatch(f));
  assert.ok(out.loss instanceof lntune.Tensor);
  assert.ok(Math.abs(out.loss.item() - f.tensor("loss").data[0]) < 1e-5);
  lntune.backward(out.loss);

  const params = new Map(model.namedParameters());
  const norm = params.get("model.layers.1.post_attention_layernorm.weight")!;
  assertClose(
    norm.grad!,
    f.tensor("grad.model.layers.1.post_attention_layernorm.weight").data,
    1e-5,
    1e-3,
    "grad",
  );
  const groups = lntune.parameterGroups(model);
  for (const [name, p] of params) {
    const group = groups.get(name)!.group;
    if (["embeddings", "block_norms", "head"].includes(group)) assert.equal(p.grad?.length, p.size, name);
    else assert.equal(p.grad, null, name);
  }

  const g = f.inputs.generate;
  const tokens = lntune.noGrad(() =>
    lntune.generate(model, lntune.leftPad(g.prompts, f.inputs.pad_token_id), {
      maxNewTokens: g.max_new_tokens,
      eosTokenIds: [],
    }),
  );
  assert.deepEqual(tokens, f.expected.greedy);
});

test("the public API exports the documented entry points", () => {
  const entries = {
    loadModel: lntune.loadModel,
    loadLlava: lntune.loadLlava,
    loadClipVision: lntune.loadClipVision,
    describeModel: lntune.describeModel,
    answer: lntune.answer,
    loadTokenizer: lntune.loadTokenizer,
    getTemplate: lntune.getTemplate,
    processImage: lntune.processImage,
    train: lntune.train,
    captionScores: lntune.captionScores,
    vqaAccuracy: lntune.vqaAccuracy,
    popeMetrics: lntune.popeMetrics,
    mmeScores: lntune.mmeScores,
  };
  for (const [name, fn] of Object.entries(entries)) assert.equal(typeof fn, "function", name);
  assert.ok(lntune.METHODS.ln);
});
