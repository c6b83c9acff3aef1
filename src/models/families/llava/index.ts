// LLaVA: a language model of any LLM family, a vision tower of any tower family and a connector, in the
// llava-hf layout (transformers' LlavaForConditionalGeneration) or the original code bases' (LLaVA,
// LLaVA-1.6, LLaVA-NeXT).
import type { Fields } from "../../../io/config/fields.ts";
import type { WeightLayout } from "../../../io/weights/layout.ts";
import type { Rng } from "../../../tensor/rng.ts";
import { LlavaForConditionalGeneration } from "../../llava/model.ts";
import { Projector } from "../../llava/projector.ts";
import { CLIP_LAYOUT } from "../clip_vision/index.ts";
import { type Family, parameterWeights } from "../family.ts";
import { llmFamilyOf, visionFamilyOf } from "../registry.ts";
import { LLAVA_MODEL_TYPES, type LlavaConfig, parseLlavaConfig } from "./config.ts";
import { llavaConfigJson } from "./config_json.ts";
import { llavaHfLayout, llavaOriginalLayout } from "./layouts.ts";
import { findPreprocessing, type Preprocessing } from "./preprocessing.ts";

/** The modules of a LLaVA; `preprocessing`: its checkpoint's settings (default: the tower family's). */
export function buildLlava(
  c: LlavaConfig,
  rng: Rng | null,
  preprocessing: Preprocessing = findPreprocessing(c, {}),
): LlavaForConditionalGeneration {
  if (!c.vision) throw new Error("the LLaVA config has no vision tower config (pass the tower directory)");
  const parts = {
    language_model: llmFamilyOf(c.text).build(c.text, rng),
    vision_tower: visionFamilyOf(c.vision).build(c.vision, rng),
    projector: new Projector(c.projector, rng),
  };
  return new LlavaForConditionalGeneration(c, parts, preprocessing);
}

function layout(c: LlavaConfig): WeightLayout {
  // An original-layout config read without its tower's directory: LLaVA's towers are CLIP's.
  const tower = c.vision ? visionFamilyOf(c.vision).layout(c.vision) : CLIP_LAYOUT;
  return c.layout === "llava-hf" ? llavaHfLayout(tower) : llavaOriginalLayout(c.projector.type, tower);
}

export const LLAVA: Family<LlavaConfig, LlavaForConditionalGeneration> = {
  name: "llava",
  modelTypes: LLAVA_MODEL_TYPES,
  isModel: (m): m is LlavaForConditionalGeneration => m instanceof LlavaForConditionalGeneration,
  parseConfig: (f: Fields) => parseLlavaConfig(f),
  build: buildLlava,
  layout,
  /** The original layout keeps the tower in its own checkpoint, so there its weights are only optional (a
   * tuned tower may be saved along). */
  storedWeights: (m) => [
    ...llmFamilyOf(m.text).storedWeights(m.language_model),
    ...parameterWeights(m.projector).map((w) => ({ ...w, name: `projector.${w.name}` })),
    ...parameterWeights(m.vision_tower, m.config.layout === "llava"),
  ],
  parts: (m) => ({
    ...llmFamilyOf(m.text).parts(m.language_model),
    connector: [m.projector],
    visionTower: [m.vision_tower],
  }),
  lnTuningTargets: [
    "multi_modal_projector",
    "input_layernorm",
    "post_attention_layernorm",
    "norm",
    "embed_tokens",
    "lm_head",
  ],
  configJson: llavaConfigJson,
};
