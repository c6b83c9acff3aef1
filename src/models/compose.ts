// A new LLaVA from an LLM and a vision tower of any family, with a freshly initialised connector (stage 1
// starts here). Settings follow LLaVA v1: image placeholder −200, the original layout; the tower's family
// decides which hidden state and tokens are the image features.

import { kaimingUniformParam } from "../nn/init.ts";
import { Rng } from "../tensor/rng.ts";
import { LLAVA_IMAGE_TOKEN_INDEX, type LlavaConfig } from "./families/llava/config.ts";
import { findPreprocessing } from "./families/llava/preprocessing.ts";
import { visionFamilyOf } from "./families/registry.ts";
import type { LlamaForCausalLM } from "./llama/model.ts";
import { LlavaForConditionalGeneration } from "./llava/model.ts";
import { Projector } from "./llava/projector.ts";
import { loadLlama, loadVisionTower, type OnWeight } from "./load.ts";
import type { VisionTower } from "./vision_tower.ts";

export interface ComposeOptions {
  /** "linear" (LLaVA v1, the paper) or "mlp2x_gelu" (LLaVA v1.5). */
  projector?: "linear" | "mlp2x_gelu";
  seed?: number;
  maxLength?: number | null;
  /** Called on each LLM weight as it is read (see load.ts). */
  onWeight?: OnWeight;
}

export function composeLlava(
  llmDir: string,
  visionDir: string,
  opts: ComposeOptions = {},
): LlavaForConditionalGeneration {
  const llm = loadLlama(llmDir, undefined, opts.onWeight);
  return joinLlava(llm, loadVisionTower(visionDir), visionDir, opts);
}

/** A LLaVA around an LLM and a tower already in memory, with a fresh connector; `visionTower` is the name the
 * config records for the tower (its directory). */
export function joinLlava(
  llm: LlamaForCausalLM,
  tower: VisionTower,
  visionTower: string,
  opts: Omit<ComposeOptions, "onWeight"> & { imageAspectRatio?: LlavaConfig["imageAspectRatio"] } = {},
): LlavaForConditionalGeneration {
  const features = visionFamilyOf(tower.config).llavaFeatures;
  const mlp = opts.projector === "mlp2x_gelu";
  // The original layout: what LLaVA v1 (the paper's code base) trains, and what saveLlava writes.
  const config: LlavaConfig = {
    layout: "llava",
    text: llm.config,
    vision: tower.config,
    visionTower,
    projector: {
      type: mlp ? "mlp" : "linear",
      depth: mlp ? 2 : 1,
      act: mlp ? "gelu" : null,
      bias: true,
      in_features: tower.config.hidden_size,
      out_features: llm.config.hidden_size,
    },
    visionFeatureLayer: features.layer,
    selectFeature: features.select,
    imageTokenIndex: LLAVA_IMAGE_TOKEN_INDEX,
    mmUseImStartEnd: false,
    mmUseImPatchToken: false,
    imageAspectRatio: opts.imageAspectRatio ?? "square",
    tokenizerModelMaxLength: opts.maxLength ?? null,
    tokenizerPaddingSide: "right",
  };
  const rng = new Rng(opts.seed ?? 42);
  const projector = new Projector(config.projector, rng);
  // nn.Linear's default init, as LLaVA's projector gets: weight and bias ~ U(±1/√fan_in).
  for (let k = 1; k <= projector.depth; k++) {
    const lin = projector[`linear_${k}`];
    lin.weight = kaimingUniformParam([lin.outFeatures, lin.inFeatures], rng);
    const bound = 1 / Math.sqrt(lin.inFeatures);
    lin.bias!.writeF32(rng.fillUniform(new Float32Array(lin.outFeatures), -bound, bound));
  }
  const parts = { language_model: llm, vision_tower: tower, projector };
  return new LlavaForConditionalGeneration(
    config,
    parts,
    findPreprocessing(config, { tower: visionTower }),
  ).requiresGrad(false);
}
