// How a LLaMA's parameters divide among the groups the tuning methods are defined on.
import type { LlamaForCausalLM } from "../../models/llama/model.ts";
import { groupOf, type ParamGroup } from "../../models/param_groups.ts";

export interface ParameterShares {
  total: number;
  byGroup: Partial<Record<ParamGroup, number>>;
  /** Word embeddings + output head, as a fraction of all parameters. */
  embeddingsAndHead: number;
  /** input_layernorm + post_attention_layernorm of every block, as a fraction. */
  blockNorms: number;
}

export function parameterShares(model: LlamaForCausalLM): ParameterShares {
  const byGroup: Partial<Record<ParamGroup, number>> = {};
  let total = 0;
  for (const [name, p] of model.namedParameters()) {
    const g = groupOf(name);
    byGroup[g] = (byGroup[g] ?? 0) + p.size;
    total += p.size;
  }
  return {
    total,
    byGroup,
    embeddingsAndHead: ((byGroup.embeddings ?? 0) + (byGroup.head ?? 0)) / total,
    blockNorms: (byGroup.block_norms ?? 0) / total,
  };
}
