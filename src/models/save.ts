// Writing models as Hugging Face checkpoint directories, each in its family's config and naming: a language
// model (config.json + model.safetensors), a vision tower, and a LLaVA in the original layout (the LLaVA
// code base's config, model.* / model.mm_projector.* weights, the tower in ./vision_tower referenced by a
// relative mm_vision_tower). Weights are written in their checkpoint's dtype, trained ones included.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic_write.ts";
import type { Dtype, Tensor as StoredTensor } from "../io/dtype.ts";
import { writeSafetensors } from "../io/safetensors.ts";
import type { WeightLayout } from "../io/weights/layout.ts";
import { type Module, Parameter } from "../nn/module.ts";
import { DTYPES } from "../tensor/dtype.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { CLIPVisionModel } from "./clip/vision_model.ts";
import { llavaConfigJson, TOWER_DIR } from "./families/llava/config_json.ts";
import { llavaOriginalLayout } from "./families/llava/layouts.ts";
import { PREPROCESSOR_FILE } from "./families/llava/preprocessing.ts";
import { llmFamilyOf, visionFamilyOf } from "./families/registry.ts";
import type { LlamaForCausalLM } from "./llama/model.ts";
import type { LlavaForConditionalGeneration } from "./llava/model.ts";
import type { VisionTower } from "./vision_tower.ts";

export { clipVisionConfigJson } from "./families/clip_vision/config_json.ts";
export { llamaConfigJson } from "./families/llama/config_json.ts";
export { TOWER_DIR };

/** A stored dtype's safetensors name (a checkpoint's dtype always has one; quantised weights keep theirs). */
function safetensorsDtype(dtype: Tensor["dtype"]): Dtype {
  const name = DTYPES[dtype].safetensors;
  if (name === null) throw new Error(`${dtype} tensors have no safetensors dtype`);
  return name as Dtype;
}

/** A tensor as a checkpoint stores it: a parameter in its checkpoint's dtype (a trainable half weight, widened
 * to f32 for training, goes back to half), any other tensor as it is. */
export function checkpointTensor(t: Tensor): StoredTensor {
  const dtype = t instanceof Parameter ? t.checkpointDtype : t.dtype;
  return { dtype: safetensorsDtype(dtype), shape: [...t.shape], data: t.readStored(dtype) };
}

function writeJson(path: string, value: unknown) {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** The parameters of `module` that `keep` accepts, under their names in `layout`. */
function writeWeights(file: string, module: Module, layout: WeightLayout, keep = (_: string) => true) {
  const tensors: Record<string, StoredTensor> = {};
  for (const [name, p] of module.namedParameters()) {
    // LoRA branches belong in adapters, not in a base checkpoint.
    if (!keep(name) || /\.lora_[AB]\./.test(name)) continue;
    tensors[layout.toDiskName(name)] = checkpointTensor(p);
  }
  writeSafetensors(file, tensors, { format: "pt" });
}

/** A language model of any LLM family, with its family's config.json. */
export function saveLlama(dir: string, model: LlamaForCausalLM): void {
  const family = llmFamilyOf(model.config);
  mkdirSync(dir, { recursive: true });
  writeJson(join(dir, "config.json"), family.configJson(model.config));
  writeWeights(join(dir, "model.safetensors"), model, family.layout(model.config));
}

/** A vision tower of any tower family; `preprocessor`: preprocessor_config.json to write along. */
export function saveVisionTower(
  dir: string,
  model: VisionTower,
  preprocessor?: Record<string, unknown>,
): void {
  const family = visionFamilyOf(model.config);
  mkdirSync(dir, { recursive: true });
  writeJson(join(dir, "config.json"), family.configJson(model.config));
  writeWeights(join(dir, "model.safetensors"), model, family.layout(model.config));
  if (preprocessor) writeJson(join(dir, PREPROCESSOR_FILE), preprocessor);
}

export function saveClipVision(
  dir: string,
  model: CLIPVisionModel,
  preprocessor?: Record<string, unknown>,
): void {
  saveVisionTower(dir, model, preprocessor);
}

/** `preprocessor`: preprocessor_config.json to write, by default the one the model's processor settings came
 * from (none when they are the tower family's defaults, which the reloaded model falls back on too). */
export function saveLlava(
  dir: string,
  model: LlavaForConditionalGeneration,
  preprocessor?: Record<string, unknown>,
): void {
  mkdirSync(dir, { recursive: true });
  const c = model.config;
  const tower = visionFamilyOf(model.vision_tower.config);
  const towerLayout = tower.layout(model.vision_tower.config);
  writeJson(join(dir, "config.json"), llavaConfigJson(c));
  const isTower = new Set(model.vision_tower.namedParameters().map(([n]) => n));
  writeWeights(
    join(dir, "model.safetensors"),
    model,
    llavaOriginalLayout(c.projector.type, towerLayout),
    (n) => !isTower.has(n),
  );
  saveVisionTower(join(dir, TOWER_DIR), model.vision_tower);
  const file = model.preprocessing.imageProcessorFile;
  const processor =
    preprocessor ?? (file !== null && existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined);
  if (processor) {
    writeJson(join(dir, TOWER_DIR, PREPROCESSOR_FILE), processor);
    writeJson(join(dir, PREPROCESSOR_FILE), processor);
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
