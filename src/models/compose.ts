// A new LLaVA from a LLaMA-family LLM and a CLIP vision tower, with a freshly initialised connector (stage 1
// starts here). Settings follow LLaVA v1: penultimate tower layer, patch tokens, image placeholder −200.
import { LLAVA_IMAGE_TOKEN_INDEX, type LlavaConfig } from "../io/config/llava_config.ts";
import { kaimingUniformParam } from "../nn/init.ts";
import { Rng } from "../tensor/rng.ts";
import { LlavaForConditionalGeneration } from "./llava/model.ts";
import { Projector } from "./llava/projector.ts";
import { loadClipVision, loadLlama } from "./load.ts";

export interface ComposeOptions {
  /** "linear" (LLaVA v1, the paper) or "mlp2x_gelu" (LLaVA v1.5). */
  projector?: "linear" | "mlp2x_gelu";
  seed?: number;
  maxLength?: number | null;
}

export function composeLlava(
  llmDir: string,
  visionDir: string,
  opts: ComposeOptions = {},
): LlavaForConditionalGeneration {
  const llm = loadLlama(llmDir);
  const clip = loadClipVision(visionDir);
  const mlp = opts.projector === "mlp2x_gelu";
  // The original layout: what LLaVA v1 (the paper's code base) trains, and what saveLlava writes.
  const config: LlavaConfig = {
    layout: "llava",
    text: llm.config,
    vision: clip.config,
    visionTower: visionDir,
    projector: {
      type: mlp ? "mlp" : "linear",
      depth: mlp ? 2 : 1,
      act: mlp ? "gelu" : null,
      bias: true,
      in_features: clip.config.hidden_size,
      out_features: llm.config.hidden_size,
    },
    visionFeatureLayer: -2,
    selectFeature: "patch",
    imageTokenIndex: LLAVA_IMAGE_TOKEN_INDEX,
    mmUseImStartEnd: false,
    mmUseImPatchToken: false,
    imageAspectRatio: "square",
    tokenizerModelMaxLength: opts.maxLength ?? null,
    tokenizerPaddingSide: "right",
  };
  const rng = new Rng(opts.seed ?? 42);
  // Built empty (placeholders), then filled with the loaded parts: no throw-away random init of the LLM.
  const model = new LlavaForConditionalGeneration(config, null);
  model.projector = new Projector(config.projector, rng);
  model.model = llm.model;
  model.lm_head = llm.lm_head;
  model.vision_model = clip.vision_model;
  // nn.Linear's default init, as LLaVA's projector gets: weight and bias ~ U(±1/√fan_in).
  for (let k = 1; k <= model.projector.depth; k++) {
    const lin = model.projector[`linear_${k}`];
    lin.weight = kaimingUniformParam([lin.outFeatures, lin.inFeatures], rng);
    const bound = 1 / Math.sqrt(lin.inFeatures);
    lin.bias!.values.set(rng.fillUniform(new Float32Array(lin.outFeatures), -bound, bound));
  }
  return model.requiresGrad(false);
}
