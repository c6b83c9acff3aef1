// LLaMA (LLaMA-1/2/3, Vicuna, TinyLlama, SmolLM, …): transformers' LlamaForCausalLM.
import { parseLlamaConfig } from "../../../io/config/llama_config.ts";
import { llamaConfigJson } from "./config_json.ts";
import { decoderFamily } from "./decoder.ts";

export const LLAMA = decoderFamily({
  name: "llama",
  modelTypes: ["llama"],
  parseConfig: (f) => parseLlamaConfig(f),
  configJson: llamaConfigJson,
  llava: { modelType: "llava_llama", architecture: "LlavaLlamaForCausalLM" },
  lnTuningTargets: ["input_layernorm", "post_attention_layernorm", "norm"],
});
