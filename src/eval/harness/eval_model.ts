// The model under evaluation: a LLaVA checkpoint (either layout), optionally with a PEFT adapter applied,
// its tokenizer and its image preprocessing (the checkpoint's own, see families/llava/preprocessing.ts).
import type { ImageAspectRatio } from "../../data/clip_preprocess.ts";
import type { CLIPImageProcessorConfig } from "../../io/config/clip_preprocessor_config.ts";
import { loadTokenizer, type Tokenizer } from "../../io/tokenizer.ts";
import { LlavaForConditionalGeneration } from "../../models/llava/model.ts";
import { loadModel } from "../../models/load.ts";
import { type ComputeDtype, setComputeDtype } from "../../tensor/compute_dtype.ts";
import { loadAdapter } from "../../tuning/peft_adapter.ts";
import { type QuantFormat, quantizeFrozen, quantizeOnLoad } from "../../tuning/quantize.ts";
import { AnswerReuse } from "./answer_reuse.ts";

export interface EvalModelOptions {
  model: string;
  adapter?: string;
  /** The tower's directory, for original-layout checkpoints whose mm_vision_tower is a hub name. */
  visionTower?: string;
  /** Tokenizer directory; default the model directory. */
  tokenizer?: string;
  /** Default: the checkpoint's image_aspect_ratio. */
  imageAspectRatio?: ImageAspectRatio;
  /** The products with frozen weights in bf16 (see tensor/compute_dtype.ts); default f32. */
  computeDtype?: ComputeDtype;
  /** Frozen projection weights stored quantised (see tuning/quantize.ts). */
  quantize?: QuantFormat;
}

export interface EvalModel {
  model: LlavaForConditionalGeneration;
  tokenizer: Tokenizer;
  processor: CLIPImageProcessorConfig;
  aspectRatio: ImageAspectRatio;
  /** The answers' model_id, named as LLaVA's get_model_name_from_path names it. */
  modelId: string;
  /** Image features and prompt prefixes kept for the next questions (none: everything recomputed). */
  reuse?: AnswerReuse;
}

/** LLaVA's get_model_name_from_path: the last path component, prefixed by its parent for "checkpoint-N". */
export function modelNameFromPath(path: string): string {
  const parts = path.replace(/^\/+|\/+$/g, "").split("/");
  const last = parts.at(-1)!;
  return last.startsWith("checkpoint-") && parts.length > 1 ? `${parts.at(-2)}_${last}` : last;
}

export function loadEvalModel(opts: EvalModelOptions): EvalModel {
  setComputeDtype(opts.computeDtype ?? "f32");
  const q = opts.quantize ? quantizeOnLoad(opts.quantize) : null;
  const { model } = loadModel(opts.model, { visionTowerDir: opts.visionTower }, q?.onWeight);
  if (!(model instanceof LlavaForConditionalGeneration))
    throw new Error(`${opts.model}: not a LLaVA checkpoint (its config's model_type is no LLaVA's)`);
  const adapter = opts.adapter ? loadAdapter(opts.adapter, model) : null;
  if (q) quantizeFrozen(model, q.report.format, new Set(adapter?.tensors.keys()), q.report);
  model.eval();
  return {
    model,
    tokenizer: loadTokenizer(opts.tokenizer ?? opts.model),
    processor: model.preprocessing.imageProcessor,
    aspectRatio: opts.imageAspectRatio ?? model.config.imageAspectRatio,
    modelId: modelNameFromPath(opts.adapter ?? opts.model),
    reuse: new AnswerReuse(),
  };
}
