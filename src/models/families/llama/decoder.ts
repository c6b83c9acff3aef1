// What the llama, mistral and qwen2 families share: one decoder architecture (LlamaForCausalLM), its
// checkpoint naming, and where its norms, projections, embeddings and head sit. A family adds its config
// reader and writer and PEFT's LN-tuning default.
import type { Fields } from "../../../io/config/fields.ts";
import type { LlamaConfig } from "../../../io/config/llama_config.ts";
import { LlamaForCausalLM } from "../../llama/model.ts";
import { type Family, type ModelParts, NO_PARTS, parameterWeights } from "../family.ts";
import { DECODER_LAYOUT } from "./layout.ts";

export interface LlmFamily extends Family<LlamaConfig, LlamaForCausalLM> {
  /** The config of an original-layout LLaVA on this LLM, as the LLaVA code bases name it (their
   * LlavaLlama / LlavaMistral / LlavaQwen classes); null where none exists. */
  readonly llava: { modelType: string; architecture: string } | null;
}

export function decoderParts(lm: LlamaForCausalLM): ModelParts {
  return {
    ...NO_PARTS,
    embeddings: [lm.model.embed_tokens],
    head: lm.lm_head ? [lm.lm_head] : [],
    finalNorm: [lm.model.norm],
    blocks: lm.model.layers.map((l) => ({
      norms: [l.input_layernorm, l.post_attention_layernorm],
      attention: {
        q: l.self_attn.q_proj,
        k: l.self_attn.k_proj,
        v: l.self_attn.v_proj,
        o: l.self_attn.o_proj,
      },
      mlp: [l.mlp.gate_proj, l.mlp.up_proj, l.mlp.down_proj],
    })),
  };
}

/** The parameters, and a tied model's head: it reuses embed_tokens, but some exporters still store a copy. */
export function decoderWeights(lm: LlamaForCausalLM) {
  const weights = parameterWeights(lm);
  const c = lm.config;
  if (c.tie_word_embeddings)
    weights.push({ name: "lm_head.weight", shape: [c.vocab_size, c.hidden_size], optional: true });
  return weights;
}

export function decoderFamily(spec: {
  name: string;
  modelTypes: readonly string[];
  parseConfig: (f: Fields) => LlamaConfig;
  configJson: (c: LlamaConfig) => Record<string, unknown>;
  lnTuningTargets: readonly string[] | null;
  llava: { modelType: string; architecture: string } | null;
}): LlmFamily {
  return {
    ...spec,
    isModel: (m): m is LlamaForCausalLM =>
      m instanceof LlamaForCausalLM && spec.modelTypes.includes(m.config.model_type),
    build: (c, rng) => new LlamaForCausalLM(c, rng),
    layout: () => DECODER_LAYOUT,
    storedWeights: decoderWeights,
    parts: decoderParts,
  };
}
