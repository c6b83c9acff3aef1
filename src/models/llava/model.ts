// LLaVA: a vision tower (always frozen), a projector, and a language model, held as parts. The parts keep the
// parameter names they have on their own (model.*, lm_head.*, vision_model.*), plus projector.*, whatever
// the on-disk layout, so a method, an adapter or a --trainable regex names an LLM weight the same inside
// a LLaVA and out.
import type { LlamaConfig } from "../../io/config/llama_config.ts";
import { Module } from "../../nn/module.ts";
import { noGrad } from "../../tensor/autograd.ts";
import { concat, indexSelect, reshape, slice } from "../../tensor/ops/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import type { LlavaConfig } from "../families/llava/config.ts";
import type { Preprocessing } from "../families/llava/preprocessing.ts";
import type { CausalLMInputs, CausalLMOutput, LlamaForCausalLM } from "../llama/model.ts";
import type { VisionTower } from "../vision_tower.ts";
import type { Projector } from "./projector.ts";
import { PAD, planSplice, type SplicePlan } from "./splice.ts";

export interface LlavaInputs {
  inputIds: Int32Array;
  batch: number;
  seqLen: number;
  attentionMask?: Uint8Array;
  labels?: Int32Array;
  /** [N_images, C, S, S], one per placeholder in order of appearance across the batch. */
  pixelValues?: Float32Array;
  /** Those images' projected features [N_images, tokensPerImage, hidden] when already computed (instead of
   * pixelValues). */
  imageFeatures?: Tensor;
  logits?: CausalLMInputs["logits"];
  outputHiddenStates?: boolean;
  /** How the spliced rows are padded; default the checkpoint's training side. Generation pads left. */
  paddingSide?: "left" | "right";
}

export interface LlavaOutput extends CausalLMOutput {
  plan: SplicePlan;
}

export interface LlavaParts {
  language_model: LlamaForCausalLM;
  vision_tower: VisionTower;
  projector: Projector;
}

export class LlavaForConditionalGeneration extends Module {
  language_model: LlamaForCausalLM;
  vision_tower: VisionTower;
  projector: Projector;

  constructor(
    readonly config: LlavaConfig,
    parts: LlavaParts,
    /** The checkpoint's tokenizer and image-processor settings (see families/llava/preprocessing.ts). */
    readonly preprocessing: Preprocessing,
  ) {
    super();
    this.language_model = parts.language_model;
    this.vision_tower = parts.vision_tower;
    this.projector = parts.projector;
  }

  protected override inlined(field: string): boolean {
    return field === "language_model" || field === "vision_tower";
  }

  /** The language model's config. */
  get text(): LlamaConfig {
    return this.language_model.config;
  }

  get tokensPerImage(): number {
    return this.vision_tower.sequenceLength - (this.config.selectFeature === "patch" ? 1 : 0);
  }

  /** Projected features [N, tokensPerImage, hidden] of N images. The tower runs without gradients. */
  imageFeatures(pixels: Float32Array, N: number): Tensor {
    const layers = this.vision_tower.config.num_hidden_layers;
    const sel = this.config.visionFeatureLayer;
    const index = sel < 0 ? layers + 1 + sel : sel;
    const selected = noGrad(() => {
      const h = this.vision_tower.hiddenStates(pixels, N, index)[index];
      return this.config.selectFeature === "patch" ? slice(h, 1, 1, h.shape[1]) : h;
    });
    return this.projector.forward(selected.detach());
  }

  /** The spliced input embeddings [B, L, hidden] and the plan that made them. */
  embedMultimodal(inp: LlavaInputs): { embeds: Tensor; plan: SplicePlan } {
    const H = this.text.hidden_size;
    const plan = planSplice({
      inputIds: inp.inputIds,
      batch: inp.batch,
      seqLen: inp.seqLen,
      attentionMask: inp.attentionMask,
      labels: inp.labels,
      imageTokenIndex: this.config.imageTokenIndex,
      tokensPerImage: this.tokensPerImage,
      maxLength: this.preprocessing.modelMaxLength,
      paddingSide: inp.paddingSide ?? this.preprocessing.paddingSide,
    });
    const { image_size: S, num_channels: C } = this.vision_tower.config;
    const given = inp.imageFeatures
      ? inp.imageFeatures.shape[0]
      : inp.pixelValues
        ? inp.pixelValues.length / (C * S * S)
        : 0;
    if (given !== plan.images)
      throw new Error(`the batch has ${plan.images} image placeholders but ${given} images were given`);
    const f = inp.imageFeatures?.shape;
    if (f && (f.length !== 3 || f[1] !== this.tokensPerImage || f[2] !== H))
      throw new Error(`image features [${f}] given, expected [${given}, ${this.tokensPerImage}, ${H}]`);
    const text = this.language_model.model.embed_tokens.forward(plan.textIds);
    const parts = [text];
    if (plan.images > 0)
      parts.push(reshape(inp.imageFeatures ?? this.imageFeatures(inp.pixelValues!, plan.images), [-1, H]));
    parts.push(new Tensor(new Float32Array(H), [1, H]));
    const rows = concat(parts, 0);
    const zeroRow = rows.shape[0] - 1;
    const nText = plan.textIds.length;
    const index = Int32Array.from(plan.source, (s) => (s === PAD ? zeroRow : s >= 0 ? s : nText + (-2 - s)));
    return { embeds: reshape(indexSelect(rows, 0, index), [plan.batch, plan.seqLen, H]), plan };
  }

  forwardMultimodal(inp: LlavaInputs): LlavaOutput {
    const { embeds, plan } = this.embedMultimodal(inp);
    const out = this.language_model.forward({
      inputsEmbeds: embeds,
      batch: plan.batch,
      seqLen: plan.seqLen,
      attentionMask: plan.attentionMask,
      positionIds: plan.positionIds,
      labels: plan.labels ?? undefined,
      logits: inp.logits,
      outputHiddenStates: inp.outputHiddenStates,
    });
    return { ...out, plan };
  }
}
