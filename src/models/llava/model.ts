// LLaVA: a CLIP vision tower (always frozen), a projector, and a LLaMA LLM. Parameters carry the canonical
// names (model.*, lm_head.*, vision_model.*, projector.*) whatever the on-disk layout.
import type { LlavaConfig } from "../../io/config/llava_config.ts";
import { noGrad } from "../../tensor/autograd.ts";
import { concat, indexSelect, reshape, slice } from "../../tensor/ops/shape.ts";
import type { Rng } from "../../tensor/rng.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { CLIPVisionTransformer } from "../clip/vision_model.ts";
import { type CausalLMInputs, type CausalLMOutput, LlamaForCausalLM } from "../llama/model.ts";
import { Projector } from "./projector.ts";
import { PAD, planSplice, type SplicePlan } from "./splice.ts";

export interface LlavaInputs {
  inputIds: Int32Array;
  batch: number;
  seqLen: number;
  attentionMask?: Uint8Array;
  labels?: Int32Array;
  /** [N_images, C, S, S], one per placeholder in order of appearance across the batch. */
  pixelValues?: Float32Array;
  logits?: CausalLMInputs["logits"];
  outputHiddenStates?: boolean;
}

export interface LlavaOutput extends CausalLMOutput {
  plan: SplicePlan;
}

export class LlavaForConditionalGeneration extends LlamaForCausalLM {
  vision_model: CLIPVisionTransformer;
  projector: Projector;

  constructor(
    readonly llava: LlavaConfig,
    rng: Rng | null,
  ) {
    super(llava.text, rng);
    if (!llava.vision)
      throw new Error("the LLaVA config has no vision tower config (pass the tower directory)");
    this.vision_model = new CLIPVisionTransformer(llava.vision, rng);
    this.projector = new Projector(llava.projector, rng);
  }

  get tokensPerImage(): number {
    const v = this.llava.vision!;
    return (v.image_size / v.patch_size) ** 2 + (this.llava.selectFeature === "cls_patch" ? 1 : 0);
  }

  /** Projected features [N, tokensPerImage, hidden] of N images. The tower runs without gradients. */
  imageFeatures(pixels: Float32Array, N: number): Tensor {
    const layers = this.vision_model.config.num_hidden_layers;
    const sel = this.llava.visionFeatureLayer;
    const index = sel < 0 ? layers + 1 + sel : sel;
    const selected = noGrad(() => {
      const h = this.vision_model.hiddenStates(pixels, N, index)[index];
      return this.llava.selectFeature === "patch" ? slice(h, 1, 1, h.shape[1]) : h;
    });
    return this.projector.forward(selected.detach());
  }

  /** The spliced input embeddings [B, L, hidden] and the plan that made them. */
  embedMultimodal(inp: LlavaInputs): { embeds: Tensor; plan: SplicePlan } {
    const H = this.config.hidden_size;
    const plan = planSplice({
      inputIds: inp.inputIds,
      batch: inp.batch,
      seqLen: inp.seqLen,
      attentionMask: inp.attentionMask,
      labels: inp.labels,
      imageTokenIndex: this.llava.imageTokenIndex,
      tokensPerImage: this.tokensPerImage,
      maxLength: this.llava.tokenizerModelMaxLength,
      paddingSide: this.llava.tokenizerPaddingSide ?? "right",
    });
    const S = this.vision_model.config.image_size;
    const C = this.vision_model.config.num_channels;
    const given = inp.pixelValues ? inp.pixelValues.length / (C * S * S) : 0;
    if (given !== plan.images)
      throw new Error(`the batch has ${plan.images} image placeholders but ${given} images were given`);
    const text = this.model.embed_tokens.forward(plan.textIds);
    const parts = [text];
    if (plan.images > 0) parts.push(reshape(this.imageFeatures(inp.pixelValues!, plan.images), [-1, H]));
    parts.push(new Tensor(new Float32Array(H), [1, H]));
    const rows = concat(parts, 0);
    const zeroRow = rows.shape[0] - 1;
    const nText = plan.textIds.length;
    const index = Int32Array.from(plan.source, (s) => (s === PAD ? zeroRow : s >= 0 ? s : nText + (-2 - s)));
    return { embeds: reshape(indexSelect(rows, 0, index), [plan.batch, plan.seqLen, H]), plan };
  }

  forwardMultimodal(inp: LlavaInputs): LlavaOutput {
    const { embeds, plan } = this.embedMultimodal(inp);
    const out = this.forward({
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
