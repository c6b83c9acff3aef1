// How a LLaMA's parameters divide between the parts the paper's methods tune: the word embeddings and the
// output head (trained by every method but LayerNorm-simp) and the block norms (LayerNorm tuning's target).
import type { LlamaForCausalLM } from "../../models/llama/model.ts";

export interface ParameterShares {
  total: number;
  embeddings: number;
  head: number;
  blockNorms: number;
  /** Word embeddings + output head, as a fraction of all parameters. */
  embeddingsAndHeadShare: number;
  /** input_layernorm + post_attention_layernorm of every block, as a fraction. */
  blockNormsShare: number;
}

export function parameterShares(model: LlamaForCausalLM): ParameterShares {
  const total = model.parameters().reduce((n, p) => n + p.size, 0);
  const embeddings = model.model.embed_tokens.weight.size;
  // A tied head is the embedding matrix itself.
  const head = model.lm_head?.weight.size ?? 0;
  const blockNorms = model.model.layers.reduce(
    (n, l) => n + l.input_layernorm.weight.size + l.post_attention_layernorm.weight.size,
    0,
  );
  return {
    total,
    embeddings,
    head,
    blockNorms,
    embeddingsAndHeadShare: (embeddings + head) / total,
    blockNormsShare: blockNorms / total,
  };
}
