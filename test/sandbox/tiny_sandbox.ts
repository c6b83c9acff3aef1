// A small sandbox for tests that train or evaluate: the sandbox world's data sets at a few images, and
// randomly initialised small models (a 2-layer LLaMA with the LLaMA-2 tokenizer, a 3-layer CLIP tower for
// 32-pixel input), fast enough for many short runs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CLIPVisionConfig } from "../../src/io/config/clip_vision_config.ts";
import { Fields } from "../../src/io/config/fields.ts";
import { type LlamaConfig, parseLlamaConfig } from "../../src/io/config/llama_config.ts";
import { CLIPVisionModel } from "../../src/models/clip/vision_model.ts";
import { LlamaForCausalLM } from "../../src/models/llama/model.ts";
import { copyTokenizerFiles, saveClipVision, saveLlama } from "../../src/models/save.ts";
import { type WorldData, writeWorldData } from "../../src/sandbox/world/datasets.ts";
import { MIN_SCENE_SIZE } from "../../src/sandbox/world/scene.ts";
import { Rng } from "../../src/tensor/rng.ts";

export const LLAMA2_TOKENIZER = fileURLToPath(new URL("../../assets/tokenizers/llama2", import.meta.url));

const TINY_LLM: LlamaConfig = parseLlamaConfig(
  new Fields("(tiny test LLM)", {
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

const TINY_VISION: CLIPVisionConfig = {
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

export const TINY_PREPROCESSOR = {
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

/** Writes `dir`/llm and `dir`/vision, randomly initialised from the seed; returns their paths. */
export function tinyModels(dir: string, seed: number): { llm: string; vision: string } {
  const llm = join(dir, "llm");
  const vision = join(dir, "vision");
  const rng = new Rng(seed);
  saveLlama(llm, new LlamaForCausalLM(TINY_LLM, rng));
  copyTokenizerFiles(LLAMA2_TOKENIZER, llm);
  saveClipVision(vision, new CLIPVisionModel(TINY_VISION, rng), TINY_PREPROCESSOR);
  return { llm, vision };
}

export interface TinyWorld {
  world: WorldData;
  images: string;
  /** Stage-1 captions, and stage-2 complex-reasoning questions (single-turn, which tokenizers without a
   * real vocabulary turn into ids without LLaVA's multi-turn tokenization mismatches): one sample per
   * training image each. */
  pretrain: string;
  finetune: string;
  /** The training images' file names, in id order. */
  imageFiles: string[];
}

/** The world's data sets with `train` training images (and one validation and one test image, without POPE
 * questions, which need more images). */
export async function tinyWorld(dir: string, o: { train: number; seed: number }): Promise<TinyWorld> {
  const world = await writeWorldData(dir, {
    seed: o.seed,
    size: MIN_SCENE_SIZE,
    train: o.train,
    val: 1,
    test: 1,
    textScenes: 0,
    popeImages: 0,
  });
  const scenes = JSON.parse(readFileSync(world.train.scenes, "utf8")) as { image: string }[];
  return {
    world,
    images: world.train.images,
    pretrain: world.train.stage1,
    finetune: world.train.byType.complex_reasoning,
    imageFiles: scenes.map((s) => s.image),
  };
}
