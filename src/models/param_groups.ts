// Parameter groups by canonical name, the vocabulary in which the tuning methods are defined.
export type ParamGroup =
  | "connector"
  | "embeddings"
  | "head"
  | "block_norms"
  | "final_norm"
  | "attention"
  | "mlp"
  | "lora"
  | "vision_tower";

const RULES: Array<[ParamGroup, RegExp]> = [
  ["lora", /\.lora_[AB]\.weight$/],
  ["vision_tower", /^vision_model\./],
  ["connector", /^projector\./],
  ["embeddings", /^model\.embed_tokens\.weight$/],
  ["head", /^lm_head\.weight$/],
  ["block_norms", /^model\.layers\.\d+\.(input_layernorm|post_attention_layernorm)\.weight$/],
  ["final_norm", /^model\.norm\.weight$/],
  ["attention", /^model\.layers\.\d+\.self_attn\./],
  ["mlp", /^model\.layers\.\d+\.mlp\./],
];

export function groupOf(name: string): ParamGroup {
  for (const [group, re] of RULES) if (re.test(name)) return group;
  throw new Error(`parameter "${name}" belongs to no known group`);
}

/** q_proj / v_proj of the attention blocks (the paper's "Attn. QV Proj."), weights and biases. */
export const QV_PROJ = /^model\.layers\.\d+\.self_attn\.(q|v)_proj\.(weight|bias)$/;

/** The seven LLaMA projections LoRA wraps (LLaVA's find_all_linear_names without lm_head). */
export const LORA_TARGETS = [
  "q_proj",
  "k_proj",
  "v_proj",
  "o_proj",
  "gate_proj",
  "up_proj",
  "down_proj",
] as const;
