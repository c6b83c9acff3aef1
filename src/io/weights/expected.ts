// The canonical weights (see layouts.ts) a model must have, with their shapes, derived from its config.
// nn.Linear weights are [out, in].

import type { CLIPVisionConfig } from "../config/clip_vision_config.ts";
import type { LlamaConfig } from "../config/llama_config.ts";
import type { LlavaConfig, ProjectorConfig } from "../config/llava_config.ts";

export interface ExpectedWeight {
  name: string;
  shape: number[];
  /** An optional weight is placed when present and not missed when absent. */
  optional?: boolean;
}

function linear(prefix: string, out: number, inp: number, bias: boolean): ExpectedWeight[] {
  const w = [{ name: `${prefix}.weight`, shape: [out, inp] }];
  return bias ? [...w, { name: `${prefix}.bias`, shape: [out] }] : w;
}

export function llamaWeights(c: LlamaConfig): ExpectedWeight[] {
  const H = c.hidden_size;
  const q = c.num_attention_heads * c.head_dim;
  const kv = c.num_key_value_heads * c.head_dim;
  const I = c.intermediate_size;
  const out: ExpectedWeight[] = [{ name: "model.embed_tokens.weight", shape: [c.vocab_size, H] }];
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `model.layers.${i}`;
    out.push(
      { name: `${p}.input_layernorm.weight`, shape: [H] },
      ...linear(`${p}.self_attn.q_proj`, q, H, c.attention_bias),
      ...linear(`${p}.self_attn.k_proj`, kv, H, c.attention_bias),
      ...linear(`${p}.self_attn.v_proj`, kv, H, c.attention_bias),
      ...linear(`${p}.self_attn.o_proj`, H, q, c.attention_bias),
      { name: `${p}.post_attention_layernorm.weight`, shape: [H] },
      ...linear(`${p}.mlp.gate_proj`, I, H, c.mlp_bias),
      ...linear(`${p}.mlp.up_proj`, I, H, c.mlp_bias),
      ...linear(`${p}.mlp.down_proj`, H, I, c.mlp_bias),
    );
  }
  out.push({ name: "model.norm.weight", shape: [H] });
  // Tied models reuse embed_tokens; some exporters still store a copy.
  out.push({ name: "lm_head.weight", shape: [c.vocab_size, H], optional: c.tie_word_embeddings });
  return out;
}

export function clipVisionWeights(c: CLIPVisionConfig): ExpectedWeight[] {
  const D = c.hidden_size;
  const P = c.patch_size;
  const positions = (c.image_size / P) ** 2 + 1;
  const norm = (name: string): ExpectedWeight[] => [
    { name: `${name}.weight`, shape: [D] },
    { name: `${name}.bias`, shape: [D] },
  ];
  const out: ExpectedWeight[] = [
    { name: "vision_model.embeddings.class_embedding", shape: [D] },
    { name: "vision_model.embeddings.patch_embedding.weight", shape: [D, c.num_channels, P, P] },
    { name: "vision_model.embeddings.position_embedding.weight", shape: [positions, D] },
    ...norm("vision_model.pre_layrnorm"),
  ];
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `vision_model.encoder.layers.${i}`;
    out.push(
      ...norm(`${p}.layer_norm1`),
      ...linear(`${p}.self_attn.q_proj`, D, D, true),
      ...linear(`${p}.self_attn.k_proj`, D, D, true),
      ...linear(`${p}.self_attn.v_proj`, D, D, true),
      ...linear(`${p}.self_attn.out_proj`, D, D, true),
      ...norm(`${p}.layer_norm2`),
      ...linear(`${p}.mlp.fc1`, c.intermediate_size, D, true),
      ...linear(`${p}.mlp.fc2`, D, c.intermediate_size, true),
    );
  }
  out.push(...norm("vision_model.post_layernorm"));
  return out;
}

export function projectorWeights(p: ProjectorConfig): ExpectedWeight[] {
  const out: ExpectedWeight[] = [];
  for (let k = 1; k <= p.depth; k++) {
    const inp = k === 1 ? p.in_features : p.out_features;
    out.push(...linear(`projector.linear_${k}`, p.out_features, inp, p.bias));
  }
  return out;
}

/** Everything the LLaVA checkpoint itself holds. In the original layout the tower is a separate CLIP
 * checkpoint, so tower weights are only optional there (a tuned tower may be saved along). */
export function llavaWeights(c: LlavaConfig): ExpectedWeight[] {
  const out = [...llamaWeights(c.text), ...projectorWeights(c.projector)];
  if (c.vision) {
    const tower = clipVisionWeights(c.vision);
    out.push(...(c.layout === "llava" ? tower.map((w) => ({ ...w, optional: true })) : tower));
  }
  return out;
}
