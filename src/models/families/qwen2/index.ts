// Qwen2 (Qwen1.5, Qwen2, Qwen2.5): transformers' Qwen2ForCausalLM.
import { decoderFamily } from "../llama/decoder.ts";
import { parseQwen2Config, qwen2ConfigJson } from "./config.ts";

export const QWEN2 = decoderFamily({
  name: "qwen2",
  modelTypes: ["qwen2"],
  parseConfig: parseQwen2Config,
  configJson: qwen2ConfigJson,
  // PEFT tunes only the post-attention norms of Qwen2 by default.
  llava: { modelType: "llava_qwen", architecture: "LlavaQwenForCausalLM" },
  lnTuningTargets: ["post_attention_layernorm"],
});
