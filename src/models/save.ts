// Writing models as Hugging Face checkpoint directories: a LLaMA (config.json + model.safetensors), a CLIP
// vision tower, and a LLaVA in the original layout (llava_llama config, model.* / model.mm_projector.*
// weights, the tower in ./vision_tower referenced by a relative mm_vision_tower). Weights are written in
// their checkpoint's dtype, trained ones included.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic_write.ts";
import type { CLIPVisionConfig } from "../io/config/clip_vision_config.ts";
import type { LlamaConfig } from "../io/config/llama_config.ts";
import type { Dtype, Tensor as StoredTensor } from "../io/dtype.ts";
import { writeSafetensors } from "../io/safetensors.ts";
import { toDiskName, type WeightLayout } from "../io/weights/layouts.ts";
import { type Module, Parameter } from "../nn/module.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { CLIPVisionModel } from "./clip/vision_model.ts";
import type { LlamaForCausalLM } from "./llama/model.ts";
import type { LlavaForConditionalGeneration } from "./llava/model.ts";

const DTYPE: Record<Tensor["dtype"], Dtype> = { f32: "F32", bf16: "BF16", f16: "F16" };

/** A tensor as a checkpoint stores it: a parameter in its checkpoint's dtype (a trainable half weight, widened
 * to f32 for training, goes back to half), any other tensor as it is. */
export function checkpointTensor(t: Tensor): StoredTensor {
  const dtype = t instanceof Parameter ? t.checkpointDtype : t.dtype;
  return { dtype: DTYPE[dtype], shape: [...t.shape], data: t.storageAs(dtype) };
}

function writeJson(path: string, value: unknown) {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

function writeWeights(
  file: string,
  module: Module,
  layout: WeightLayout,
  projectorType?: "linear" | "mlp",
  keep = (_: string) => true,
) {
  const tensors: Record<string, StoredTensor> = {};
  for (const [name, p] of module.namedParameters()) {
    // LoRA branches belong in adapters, not in a base checkpoint.
    if (!keep(name) || /\.lora_[AB]\./.test(name)) continue;
    tensors[toDiskName(layout, name, projectorType)] = checkpointTensor(p);
  }
  writeSafetensors(file, tensors, { format: "pt" });
}

export function llamaConfigJson(c: LlamaConfig): Record<string, unknown> {
  return {
    architectures: ["LlamaForCausalLM"],
    model_type: "llama",
    vocab_size: c.vocab_size,
    hidden_size: c.hidden_size,
    intermediate_size: c.intermediate_size,
    num_hidden_layers: c.num_hidden_layers,
    num_attention_heads: c.num_attention_heads,
    num_key_value_heads: c.num_key_value_heads,
    head_dim: c.head_dim,
    hidden_act: c.hidden_act,
    max_position_embeddings: c.max_position_embeddings,
    rms_norm_eps: c.rms_norm_eps,
    rope_theta: c.rope_theta,
    rope_scaling: c.rope_scaling,
    tie_word_embeddings: c.tie_word_embeddings,
    attention_bias: c.attention_bias,
    mlp_bias: c.mlp_bias,
    bos_token_id: c.bos_token_id,
    eos_token_id: c.eos_token_id.length === 1 ? c.eos_token_id[0] : c.eos_token_id,
    pad_token_id: c.pad_token_id,
    torch_dtype: c.torch_dtype ?? "float32",
  };
}

export function clipVisionConfigJson(c: CLIPVisionConfig): Record<string, unknown> {
  return { architectures: ["CLIPVisionModel"], model_type: "clip_vision_model", ...c };
}

export function saveLlama(dir: string, model: LlamaForCausalLM): void {
  mkdirSync(dir, { recursive: true });
  writeJson(join(dir, "config.json"), llamaConfigJson(model.config));
  writeWeights(join(dir, "model.safetensors"), model, "llama");
}

export function saveClipVision(
  dir: string,
  model: CLIPVisionModel,
  preprocessor?: Record<string, unknown>,
): void {
  mkdirSync(dir, { recursive: true });
  writeJson(join(dir, "config.json"), clipVisionConfigJson(model.config));
  writeWeights(join(dir, "model.safetensors"), model, "clip");
  if (preprocessor) writeJson(join(dir, "preprocessor_config.json"), preprocessor);
}

export const TOWER_DIR = "vision_tower";

export function saveLlava(
  dir: string,
  model: LlavaForConditionalGeneration,
  preprocessor?: Record<string, unknown>,
): void {
  mkdirSync(dir, { recursive: true });
  const c = model.llava;
  const p = c.projector;
  writeJson(join(dir, "config.json"), {
    ...llamaConfigJson(c.text),
    architectures: ["LlavaLlamaForCausalLM"],
    model_type: "llava_llama",
    mm_vision_tower: `./${TOWER_DIR}`,
    mm_hidden_size: p.in_features,
    mm_projector_type: p.type === "linear" ? "linear" : `mlp${p.depth}x_gelu`,
    mm_vision_select_layer: c.visionFeatureLayer,
    mm_vision_select_feature: c.selectFeature,
    mm_use_im_start_end: c.mmUseImStartEnd,
    mm_use_im_patch_token: c.mmUseImPatchToken,
    image_aspect_ratio: c.imageAspectRatio,
    tokenizer_model_max_length: c.tokenizerModelMaxLength,
    tokenizer_padding_side: c.tokenizerPaddingSide ?? "right",
  });
  writeWeights(join(dir, "model.safetensors"), model, "llava", p.type, (n) => !n.startsWith("vision_model."));
  const tower = join(dir, TOWER_DIR);
  mkdirSync(tower, { recursive: true });
  writeJson(join(tower, "config.json"), clipVisionConfigJson(c.vision!));
  writeWeights(join(tower, "model.safetensors"), model, "clip", undefined, (n) =>
    n.startsWith("vision_model."),
  );
  if (preprocessor) {
    writeJson(join(tower, "preprocessor_config.json"), preprocessor);
    writeJson(join(dir, "preprocessor_config.json"), preprocessor);
  }
}

const TOKENIZER_FILES = [
  "tokenizer.json",
  "tokenizer.json.gz",
  "tokenizer_config.json",
  "special_tokens_map.json",
  "tokenizer.model",
];

/** Copies the tokenizer files a directory has (so a written checkpoint is usable on its own). */
export function copyTokenizerFiles(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const f of TOKENIZER_FILES) if (existsSync(join(from, f))) copyFileSync(join(from, f), join(to, f));
}
