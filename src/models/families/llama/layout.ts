// The naming of a causal LM checkpoint as transformers saves LlamaForCausalLM, MistralForCausalLM and
// Qwen2ForCausalLM: the canonical names themselves (model.*, lm_head.*), RoPE buffers skipped.
import { prefixLayout } from "../../../io/weights/layout.ts";

export const DECODER_LAYOUT = prefixLayout("llama", ["model.", "lm_head."]);
