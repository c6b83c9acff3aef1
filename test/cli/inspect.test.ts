// `lntune inspect`: parameter counts against hand computation from the config and against the loaded
// model, dtypes, the tower of an original-layout LLaVA, and unplaced / skipped tensors.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { openSafetensors, type Tensor, writeSafetensors } from "../../src/io/safetensors.ts";
import { describeModel } from "../../src/models/inspect.ts";
import { loadModel } from "../../src/models/load.ts";
import { FIXTURES } from "../models/fixture.ts";

const tmp = mkdtempSync(join(tmpdir(), "lntune-inspect-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function lntune(...args: string[]) {
  const r = spawnSync(process.execPath, ["bin/lntune.js", "inspect", ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function inspectJson(dir: string) {
  const r = lntune(dir, "--json");
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("inspect --json counts llama_base's parameters as computed from its config", () => {
  const dir = join(FIXTURES, "llama_base");
  const c = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
  const H = c.hidden_size;
  const L = c.num_hidden_layers;
  const headDim = H / c.num_attention_heads;
  const q = c.num_attention_heads * headDim;
  const kv = c.num_key_value_heads * headDim;
  const attention = H * q + 2 * H * kv + q * H;
  const mlp = 3 * H * c.intermediate_size;
  const expected = {
    visionTower: 0,
    projector: 0,
    llmBlocks: L * (attention + mlp),
    embeddings: c.vocab_size * H,
    head: c.vocab_size * H,
    norms: 2 * L * H + H,
    total: 0,
  };
  expected.total = Object.values(expected).reduce((a, b) => a + b, 0);

  const d = inspectJson(dir);
  assert.deepEqual(d.parameters, expected);
  assert.equal(d.kind, "llm");
  assert.equal(d.family, "llama");
  assert.equal(d.layout, "llama");
  assert.deepEqual(
    [d.llm.layers, d.llm.hiddenSize, d.llm.heads, d.llm.kvHeads, d.llm.headDim, d.llm.vocabSize],
    [L, H, c.num_attention_heads, c.num_key_value_heads, headDim, c.vocab_size],
  );
  assert.equal(d.llm.tieWordEmbeddings, false);
  // Embeddings, 9 tensors per block, final norm, head.
  assert.deepEqual(d.dtypes, { F32: 1 + 9 * L + 2 });
  assert.deepEqual(d.checkpoints[0].unplaced, { count: 0, first: [] });
});

test("describeModel's totals equal the loaded models' parameter counts", () => {
  for (const name of [
    "llama_base",
    "llama_gqa_tied",
    "llama_bf16_sharded",
    "clip_full",
    "llava_hf",
    "llava_original",
  ]) {
    const dir = join(FIXTURES, name);
    const { model } = loadModel(dir);
    const loaded = model.namedParameters().reduce((n, [, p]) => n + p.size, 0);
    assert.equal(describeModel(dir).parameters.total, loaded, name);
  }
  assert.deepEqual(describeModel(join(FIXTURES, "llama_bf16_sharded")).dtypes, { BF16: 21 });
  assert.equal(describeModel(join(FIXTURES, "llama_gqa_tied")).parameters.head, 0);
});

test("inspect describes an original-layout LLaVA with its tower", () => {
  const d = inspectJson(join(FIXTURES, "llava_original"));
  assert.equal(d.layout, "llava");
  assert.deepEqual(d.llava, {
    projectorType: "linear",
    featureLayer: -2,
    selectFeature: "patch",
    imageTokenIndex: -200,
    imageAspectRatio: "pad",
    tokensPerImage: (28 / 7) ** 2,
    visionTower: "./clip",
  });
  assert.equal(d.parameters.projector, 32 * 32 + 32);
  assert.deepEqual(
    d.checkpoints.map((c: { layout: string }) => c.layout),
    ["llava", "clip"],
  );
  const text = lntune(join(FIXTURES, "llava_original"));
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /projector: linear/);
  assert.match(text.stdout, /tokens per image 16/);
});

test("inspect lists unplaced and skipped tensors", () => {
  const dir = join(tmp, "clip_extra");
  cpSync(join(FIXTURES, "clip_full"), dir, { recursive: true });
  const file = join(dir, "model.safetensors");
  const st = openSafetensors(file);
  const tensors: Record<string, Tensor> = {};
  for (const n of st.names()) tensors[n] = st.read(n);
  st.close();
  const extra: Tensor = { dtype: "F32", shape: [2], data: new Float32Array(2) };
  tensors["vision_model.extra_head.weight"] = extra;
  tensors["score.weight"] = extra;
  writeSafetensors(file, tensors);

  const d = inspectJson(dir);
  const c = d.checkpoints[0];
  assert.deepEqual(c.unplaced, { count: 2, first: ["score.weight", "vision_model.extra_head.weight"] });
  // The text tower, projections, logit scale and position_ids buffers.
  assert.equal(c.skipped.count, 11);
  assert.equal(c.skipped.first.length, 5);
  assert.deepEqual(d.dtypes, { F32: 66, I64: 2 });

  const text = lntune(dir);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /unplaced: 2 \(score\.weight, vision_model\.extra_head\.weight\)/);
  assert.match(text.stdout, /skipped: 11 \(/);
});

test("inspect fails clearly on a directory without a config", () => {
  const r = lntune(tmp);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /config\.json/);
});
