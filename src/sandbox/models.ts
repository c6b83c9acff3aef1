// The sandbox's tiny models, written as ordinary Hugging Face checkpoint directories: a LLaMA with the real
// LLaMA-2 tokenizer (shipped in assets/) and a CLIP vision tower for 32-pixel images, randomly initialised.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CLIPVisionConfig } from "../io/config/clip_vision_config.ts";
import { Fields } from "../io/config/fields.ts";
import { type LlamaConfig, parseLlamaConfig } from "../io/config/llama_config.ts";
import { CLIPVisionModel } from "../models/clip/vision_model.ts";
import { LlamaForCausalLM } from "../models/llama/model.ts";
import { copyTokenizerFiles, saveClipVision, saveLlama } from "../models/save.ts";
import { Rng } from "../tensor/rng.ts";

export const LLAMA2_TOKENIZER = fileURLToPath(new URL("../../assets/tokenizers/llama2", import.meta.url));

export const SANDBOX_LLM: LlamaConfig = parseLlamaConfig(
  new Fields("(sandbox LLM)", {
    model_type: "llama",
    vocab_size: 32000,
    hidden_size: 64,
    intermediate_size: 172,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    max_position_embeddings: 256,
    rms_norm_eps: 1e-5,
    pad_token_id: 0,
    torch_dtype: "float32",
  }),
);

export const SANDBOX_VISION: CLIPVisionConfig = {
  hidden_size: 64,
  intermediate_size: 128,
  num_hidden_layers: 3,
  num_attention_heads: 4,
  image_size: 32,
  patch_size: 8,
  num_channels: 3,
  hidden_act: "quick_gelu",
  layer_norm_eps: 1e-5,
  projection_dim: 32,
};

export const SANDBOX_PREPROCESSOR = {
  image_processor_type: "CLIPImageProcessor",
  size: { shortest_edge: 32 },
  crop_size: { height: 32, width: 32 },
  do_resize: true,
  do_center_crop: true,
  do_rescale: true,
  rescale_factor: 1 / 255,
  do_normalize: true,
  image_mean: [0.48145466, 0.4578275, 0.40821073],
  image_std: [0.26862954, 0.26130258, 0.27577711],
  resample: 3,
};

/** Writes `dir`/llm and `dir`/vision; returns their paths. */
export function makeSandboxModels(dir: string, seed: number): { llm: string; vision: string } {
  const llm = join(dir, "llm");
  const vision = join(dir, "vision");
  const rng = new Rng(seed);
  const lm = new LlamaForCausalLM(SANDBOX_LLM, rng);
  saveLlama(llm, lm);
  copyTokenizerFiles(LLAMA2_TOKENIZER, llm);
  saveClipVision(vision, new CLIPVisionModel(SANDBOX_VISION, rng), SANDBOX_PREPROCESSOR);
  return { llm, vision };
}
