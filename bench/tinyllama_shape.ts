// A LLaMA with TinyLlama-1.1B's shape (hidden 2048, 22 layers, 32 query and 4 key/value heads, SwiGLU 5632,
// vocabulary 32000, untied head) and random weights stored in a chosen dtype, for the benchmarks that need a
// model of real size. Filling 1.1 billion values from the generator would take longer than the benchmark, so
// every weight tiles one random block (N(0, 0.02), as HF initialises LLaMA): the values do not matter to the
// timings, only their count and storage.
import type { StorageDtype } from "../src/backend/dtypes.ts";
import { Fields } from "../src/io/config/fields.ts";
import { parseLlamaConfig } from "../src/io/config/llama_config.ts";
import { LlamaForCausalLM } from "../src/models/llama/model.ts";
import { Rng } from "../src/tensor/rng.ts";
import { Tensor } from "../src/tensor/tensor.ts";

export const TINYLLAMA = {
  model_type: "llama",
  vocab_size: 32000,
  hidden_size: 2048,
  intermediate_size: 5632,
  num_hidden_layers: 22,
  num_attention_heads: 32,
  num_key_value_heads: 4,
  max_position_embeddings: 2048,
  rms_norm_eps: 1e-5,
};

/** The model with every weight stored as `dtype` (norm weights 1, in f32 as a trainable norm would be). */
export function tinyLlamaShape(dtype: StorageDtype): LlamaForCausalLM {
  const model = new LlamaForCausalLM(parseLlamaConfig(new Fields("(bench)", TINYLLAMA)), null);
  const block = new Rng(0).fillNormal(new Float32Array(1 << 20), 0, 0.02);
  for (const [name, p] of model.namedParameters()) {
    if (name.endsWith("norm.weight")) {
      p.storage = new Tensor(new Float32Array(p.size).fill(1), p.shape).storage;
      continue;
    }
    const values = new Float32Array(p.size);
    for (let i = 0; i < p.size; i += block.length)
      values.set(block.subarray(0, Math.min(block.length, p.size - i)), i);
    p.storage = new Tensor(values, p.shape).storedAs(dtype);
    p.checkpointDtype = dtype;
    p.requiresGrad = false;
  }
  return model;
}
