// The families lntune reads: language models and vision towers, each one descriptor (see family.ts). A
// LLaVA composes one of each (llava/). Adding a family is one folder and one entry here.
import type { Fields } from "../../io/config/fields.ts";
import type { LlamaConfig } from "../../io/config/llama_config.ts";
import type { VisionConfig } from "../vision_tower.ts";
import { CLIP_VISION } from "./clip_vision/index.ts";
import type { LlmFamily } from "./llama/decoder.ts";
import { LLAMA } from "./llama/index.ts";
import { MISTRAL } from "./mistral/index.ts";
import { QWEN2 } from "./qwen2/index.ts";
import { SIGLIP_VISION } from "./siglip_vision/index.ts";
import type { VisionFamily } from "./vision.ts";

export const LLM_FAMILIES: readonly LlmFamily[] = [LLAMA, MISTRAL, QWEN2];
export const VISION_FAMILIES: readonly VisionFamily[] = [CLIP_VISION, SIGLIP_VISION];

function byModelType<F extends { modelTypes: readonly string[] }>(
  families: readonly F[],
  what: string,
  f: Fields,
  fallback: string | null,
): F {
  const all = families.flatMap((x) => x.modelTypes);
  if (!f.has("model_type") && fallback === null) throw f.fail("model_type", "missing");
  const type = f.oneOf("model_type", all, fallback ?? all[0]);
  const family = families.find((x) => x.modelTypes.includes(type));
  if (!family) throw f.fail("model_type", `no ${what} family reads "${type}"`);
  return family;
}

/** The language-model family of a config by its model_type; `fallback` stands for an absent one (a
 * llava-hf text_config may leave it out: LlavaConfig's default is LLaMA). */
export function llmFamily(f: Fields, fallback: string | null = null): LlmFamily {
  return byModelType(LLM_FAMILIES, "language-model", f, fallback);
}

export function visionFamily(f: Fields, fallback: string | null = null): VisionFamily {
  return byModelType(VISION_FAMILIES, "vision-tower", f, fallback);
}

/** The family of a parsed language-model config. */
export function llmFamilyOf(config: LlamaConfig): LlmFamily {
  const family = LLM_FAMILIES.find((x) => x.modelTypes.includes(config.model_type));
  if (!family) throw new Error(`no language-model family reads model_type "${config.model_type}"`);
  return family;
}

/** The family of a parsed tower config. */
export function visionFamilyOf(config: VisionConfig): VisionFamily {
  const family = VISION_FAMILIES.find((x) => x.owns(config));
  if (!family) throw new Error("no vision-tower family owns this config");
  return family;
}
