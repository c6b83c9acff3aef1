// The public API of lntune: load checkpoints, run and tune them, generate, and score evaluations.

export { type AnswerRequest, type AnswerResult, answer, chatPrompt } from "./chat/chat.ts";
export { type ChatImageOptions, imageProcessorFor, loadChatImage } from "./chat/chat_image.ts";
export { clipPreprocess, type ImageAspectRatio, processImage } from "./data/clip_preprocess.ts";
export { IMAGE_TOKEN_INDEX } from "./data/constants.ts";
export { type ConversationTemplate, getTemplate, TEMPLATE_NAMES } from "./data/templates/index.ts";
export { tokenizerImageToken } from "./data/tokenizer_image_token.ts";
// Evaluation metrics
export { type CaptionItem, type CaptionScores, captionScores } from "./eval/metrics/caption_scores.ts";
export { type MmeScores, mmeScores } from "./eval/metrics/mme.ts";
export { type PopeMetrics, type PopePair, popeMetrics } from "./eval/metrics/pope.ts";
export { type VqaItem, type VqaScores, vqaAccuracy } from "./eval/metrics/vqa_accuracy.ts";
export {
  type CLIPImageProcessorConfig,
  loadClipImageProcessorConfig,
} from "./io/config/clip_preprocessor_config.ts";
export type { LlamaConfig } from "./io/config/llama_config.ts";
export { decodeImage, type RgbImage } from "./io/image.ts";
// Text and images
export { loadTokenizer, type Tokenizer } from "./io/tokenizer.ts";
// Models and loading
export { CLIPVisionModel, CLIPVisionTransformer } from "./models/clip/vision_model.ts";
export { composeLlava } from "./models/compose.ts";
export type { Family, ModelParts } from "./models/families/family.ts";
export type { LlavaConfig } from "./models/families/llava/config.ts";
export type { Preprocessing } from "./models/families/llava/preprocessing.ts";
export { familyName, layoutOf, partsOf } from "./models/families/of_model.ts";
export { LLM_FAMILIES, VISION_FAMILIES } from "./models/families/registry.ts";
export { SiglipVisionModel } from "./models/families/siglip_vision/model.ts";
// Generation
export { type GenerateOptions, generate, leftPad, type PromptBatch } from "./models/generation.ts";
export { type DescribeOptions, describeModel, type ModelDescription } from "./models/inspect.ts";
export {
  type CausalLMInputs,
  type CausalLMOutput,
  LlamaForCausalLM,
  LlamaModel,
} from "./models/llama/model.ts";
export { LlavaForConditionalGeneration, type LlavaInputs, type LlavaOutput } from "./models/llava/model.ts";
export {
  type LoadReport,
  loadClipVision,
  loadLlama,
  loadLlava,
  loadModel,
  loadVisionTower,
  type ModelKind,
} from "./models/load.ts";
export { type ParamGroup, type ParamInfo, parameterGroups } from "./models/param_groups.ts";
export type { SamplingOptions } from "./models/sampling.ts";
export { saveClipVision, saveLlama, saveLlava, saveVisionTower } from "./models/save.ts";
export type { VisionConfig, VisionTower } from "./models/vision_tower.ts";
export { Module, Parameter, setTrainable } from "./nn/module.ts";
// Tensors and autograd
export { backward, isGradEnabled, noGrad } from "./tensor/autograd.ts";
export { Rng } from "./tensor/rng.ts";
export { type Shape, Tensor, tensor, zeros } from "./tensor/tensor.ts";
export { type BatchSource, type StepResult, type TrainerOptions, train } from "./train/trainer.ts";
export { activateAdapter, activeAdapter, deactivate } from "./tuning/adapter_switch.ts";
// Tuning and training
export { applyMethod, countTrainable, type TrainableSet, type TuningOptions } from "./tuning/apply.ts";
export { mergeAdapter } from "./tuning/merge.ts";
export { METHODS, type MethodName, type MethodSpec, methodSpec } from "./tuning/methods.ts";
export { loadAdapter, readAdapter, saveAdapter } from "./tuning/peft_adapter.ts";
