// Mistral (mistralai/Mistral-7B-v0.1 and later): transformers' MistralForCausalLM, sliding-window attention
// honoured in training and generation.
import { decoderFamily } from "../llama/decoder.ts";
import { mistralConfigJson, parseMistralConfig } from "./config.ts";

export const MISTRAL = decoderFamily({
  name: "mistral",
  modelTypes: ["mistral"],
  parseConfig: parseMistralConfig,
  configJson: mistralConfigJson,
  llava: { modelType: "llava_mistral", architecture: "LlavaMistralForCausalLM" },
  lnTuningTargets: ["input_layernorm", "post_attention_layernorm", "norm"],
});
