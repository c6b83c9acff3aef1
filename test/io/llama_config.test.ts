import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ConfigError, Fields } from "../../src/io/config/fields.ts";
import { type LlamaConfig, loadLlamaConfig, parseLlamaConfig } from "../../src/io/config/llama_config.ts";
import { scratchDir, writeJson } from "./helpers.ts";

const dir = scratchDir();
const parse = (obj: Record<string, unknown>) => parseLlamaConfig(new Fields("config.json", obj));

function expectConfigError(obj: Record<string, unknown>, field: string, detail: RegExp): void {
  assert.throws(
    () => parse(obj),
    (e: ConfigError) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.file, "config.json");
      assert.equal(e.field, field);
      assert.ok(e.message.startsWith(`config.json: field "${field}": `), e.message);
      assert.match(e.message, detail);
      return true;
    },
  );
}

const LLAMA_DEFAULTS: LlamaConfig = {
  model_type: "llama",
  vocab_size: 32000,
  hidden_size: 4096,
  intermediate_size: 11008,
  num_hidden_layers: 32,
  num_attention_heads: 32,
  num_key_value_heads: 32,
  head_dim: 128,
  hidden_act: "silu",
  max_position_embeddings: 2048,
  rms_norm_eps: 1e-6,
  rope_theta: 10000,
  rope_scaling: null,
  tie_word_embeddings: false,
  attention_bias: false,
  qkv_bias: false,
  mlp_bias: false,
  sliding_window: null,
  layer_types: new Array(32).fill("full_attention"),
  bos_token_id: 1,
  eos_token_id: [2],
  pad_token_id: null,
  torch_dtype: null,
};

test("absent fields take LlamaConfig's defaults; unknown fields are ignored", () => {
  assert.deepEqual(parse({ model_type: "llama", some_future_field: { x: 1 } }), LLAMA_DEFAULTS);
  assert.deepEqual(parse({ model_type: "llama", num_key_value_heads: null, head_dim: null }), LLAMA_DEFAULTS);
});

test("a Llama-3.2-style config: GQA, explicit head_dim, llama3 RoPE, eos list, tied embeddings", () => {
  const c = parse({
    model_type: "llama",
    vocab_size: 128256,
    hidden_size: 2048,
    intermediate_size: 8192,
    num_hidden_layers: 16,
    num_attention_heads: 32,
    num_key_value_heads: 8,
    head_dim: 64,
    max_position_embeddings: 131072,
    rms_norm_eps: 1e-5,
    rope_theta: 500000.0,
    rope_scaling: {
      factor: 32.0,
      high_freq_factor: 4.0,
      low_freq_factor: 1.0,
      original_max_position_embeddings: 8192,
      rope_type: "llama3",
    },
    tie_word_embeddings: true,
    bos_token_id: 128000,
    eos_token_id: [128001, 128008, 128009],
    torch_dtype: "bfloat16",
  });
  assert.deepEqual(c, {
    ...LLAMA_DEFAULTS,
    vocab_size: 128256,
    hidden_size: 2048,
    intermediate_size: 8192,
    num_hidden_layers: 16,
    layer_types: new Array(16).fill("full_attention"),
    num_key_value_heads: 8,
    head_dim: 64,
    max_position_embeddings: 131072,
    rms_norm_eps: 1e-5,
    rope_theta: 500000,
    rope_scaling: {
      rope_type: "llama3",
      factor: 32,
      low_freq_factor: 1,
      high_freq_factor: 4,
      original_max_position_embeddings: 8192,
    },
    tie_word_embeddings: true,
    bos_token_id: 128000,
    eos_token_id: [128001, 128008, 128009],
    torch_dtype: "bfloat16",
  });
});

test("rope_scaling under 'type' or 'rope_type', and transformers-v5 rope_parameters", () => {
  const base = { model_type: "llama" };
  assert.deepEqual(parse({ ...base, rope_scaling: { type: "linear", factor: 2 } }).rope_scaling, {
    rope_type: "linear",
    factor: 2,
  });
  assert.deepEqual(parse({ ...base, rope_scaling: { rope_type: "dynamic", factor: 4 } }).rope_scaling, {
    rope_type: "dynamic",
    factor: 4,
  });
  assert.equal(parse({ ...base, rope_scaling: { rope_type: "default" } }).rope_scaling, null);
  const v5 = parse({ ...base, rope_parameters: { rope_type: "default", rope_theta: 1000000 } });
  assert.equal(v5.rope_theta, 1000000);
  assert.equal(v5.rope_scaling, null);
  const v5l3 = parse({
    ...base,
    rope_parameters: {
      rope_type: "llama3",
      rope_theta: 500000,
      factor: 8,
      low_freq_factor: 1,
      high_freq_factor: 4,
      original_max_position_embeddings: 8192,
    },
  });
  assert.equal(v5l3.rope_theta, 500000);
  assert.equal(v5l3.rope_scaling?.rope_type, "llama3");
  assert.equal(parse({ ...base, dtype: "float16" }).torch_dtype, "float16");
});

test("explicit nulls mean none; a single eos id becomes a list", () => {
  const c = parse({ model_type: "llama", bos_token_id: null, eos_token_id: null, pad_token_id: 0 });
  assert.equal(c.bos_token_id, null);
  assert.deepEqual(c.eos_token_id, []);
  assert.equal(c.pad_token_id, 0);
  assert.deepEqual(parse({ model_type: "llama", eos_token_id: 7 }).eos_token_id, [7]);
});

test("model types: llama and original LLaVA's llava_llama; Mistral and Qwen2 are their own families", () => {
  assert.equal(parse({ model_type: "llava_llama" }).model_type, "llava_llama");
  expectConfigError({ model_type: "mistral" }, "model_type", /unsupported value "mistral"/);
});

test("missing, mistyped and inconsistent fields name the file and field", () => {
  expectConfigError({}, "model_type", /missing/);
  expectConfigError({ model_type: "gpt2" }, "model_type", /unsupported value "gpt2"/);
  expectConfigError(
    { model_type: "llama", hidden_size: "4096" },
    "hidden_size",
    /expected an integer, got "4096"/,
  );
  expectConfigError({ model_type: "llama", hidden_size: 4096.5 }, "hidden_size", /expected an integer/);
  expectConfigError({ model_type: "llama", num_hidden_layers: 0 }, "num_hidden_layers", /must be positive/);
  expectConfigError(
    { model_type: "llama", hidden_size: 100, num_attention_heads: 3 },
    "hidden_size",
    /not divisible by num_attention_heads \(3\)/,
  );
  expectConfigError(
    { model_type: "llama", num_key_value_heads: 5 },
    "num_key_value_heads",
    /5 does not divide num_attention_heads \(32\)/,
  );
  expectConfigError({ model_type: "llama", head_dim: 63 }, "head_dim", /must be even/);
  expectConfigError({ model_type: "llama", hidden_act: "gelu" }, "hidden_act", /unsupported value "gelu"/);
  expectConfigError(
    { model_type: "llama", tie_word_embeddings: "yes" },
    "tie_word_embeddings",
    /true or false/,
  );
  expectConfigError({ model_type: "llama", eos_token_id: [1, "2"] }, "eos_token_id", /list of numbers/);
  expectConfigError(
    { model_type: "llama", rope_scaling: { type: "yarn", factor: 4 } },
    "rope_scaling.type",
    /unsupported value "yarn"/,
  );
  expectConfigError(
    { model_type: "llama", rope_scaling: { factor: 4 } },
    "rope_scaling.rope_type",
    /missing/,
  );
  expectConfigError(
    { model_type: "llama", rope_scaling: { type: "linear" } },
    "rope_scaling.factor",
    /missing/,
  );
  expectConfigError(
    {
      model_type: "llama",
      rope_scaling: { rope_type: "llama3", factor: 8, low_freq_factor: 1, high_freq_factor: 4 },
    },
    "rope_scaling.original_max_position_embeddings",
    /missing/,
  );
  expectConfigError(
    {
      model_type: "llama",
      rope_parameters: { rope_type: "llama3", factor: 8, low_freq_factor: 4, high_freq_factor: 1 },
    },
    "rope_parameters.high_freq_factor",
    /must exceed low_freq_factor/,
  );
  expectConfigError({ model_type: "llama", rope_scaling: [] }, "rope_scaling", /expected an object/);
});

test("loadLlamaConfig takes a directory or a file and names the file in errors", () => {
  writeJson(dir, "config.json", { model_type: "llama", hidden_size: 64, num_attention_heads: 4 });
  assert.equal(loadLlamaConfig(dir).head_dim, 16);
  assert.equal(loadLlamaConfig(join(dir, "config.json")).hidden_size, 64);
  const broken = join(dir, "broken.json");
  writeFileSync(broken, "{ nope");
  assert.throws(() => loadLlamaConfig(broken), {
    name: "ConfigError",
    message: new RegExp(`^${broken}: not valid JSON`),
  });
  assert.throws(() => loadLlamaConfig(join(dir, "absent")), /absent: cannot read/);
  writeJson(dir, "list.json", [1]);
  assert.throws(() => loadLlamaConfig(join(dir, "list.json")), /list.json: not a JSON object/);
});
