// Parameter groups, the vocabulary in which the tuning methods are defined, found from a model's parts
// (its family's declaration of which modules are the embeddings, the block norms, the attention
// projections, …; see families/family.ts), so every family's parameters fall in the same groups.
import { Linear } from "../nn/layers.ts";
import type { Module } from "../nn/module.ts";
import { partsOf } from "./families/of_model.ts";

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

export interface ParamInfo {
  group: ParamGroup;
  /** Which attention projection a parameter of the attention group belongs to. */
  projection?: "q" | "k" | "v" | "o";
}

/** Every parameter of the model by name, with its group; a parameter outside its family's parts is an error
 * (the family's declaration would be incomplete). */
export function parameterGroups(model: Module): Map<string, ParamInfo> {
  const path = new Map<Module, string>();
  for (const [name, m] of model.namedModules()) if (!path.has(m)) path.set(m, name);
  const out = new Map<string, ParamInfo>();
  const put = (m: Module, info: ParamInfo) => {
    const at = path.get(m);
    if (at === undefined) throw new Error(`a ${m.constructor.name} of the model's parts is not in the model`);
    for (const [name] of m.namedParameters(at)) if (!out.has(name)) out.set(name, info);
  };
  // LoRA branches first: they sit inside the projections they adapt.
  for (const [, m] of model.namedModules())
    if (m instanceof Linear)
      for (const branch of [m.lora_A, m.lora_B]) if (branch) put(branch, { group: "lora" });
  const parts = partsOf(model);
  for (const m of parts.visionTower) put(m, { group: "vision_tower" });
  for (const m of parts.connector) put(m, { group: "connector" });
  for (const m of parts.embeddings) put(m, { group: "embeddings" });
  for (const m of parts.head) put(m, { group: "head" });
  for (const m of parts.finalNorm) put(m, { group: "final_norm" });
  for (const block of parts.blocks) {
    for (const m of block.norms) put(m, { group: "block_norms" });
    for (const [projection, m] of Object.entries(block.attention))
      put(m, { group: "attention", projection: projection as ParamInfo["projection"] });
    for (const m of block.mlp) put(m, { group: "mlp" });
  }
  for (const [name] of model.namedParameters())
    if (!out.has(name)) throw new Error(`parameter "${name}" belongs to none of its family's parts`);
  return out;
}

/** The Linears LoRA wraps: every attention and MLP projection of the decoder blocks (LLaVA's
 * find_all_linear_names, which skips the connector, the tower and lm_head). */
export function loraTargets(model: Module): Linear[] {
  return partsOf(model).blocks.flatMap((b) => [
    b.attention.q,
    b.attention.k,
    b.attention.v,
    b.attention.o,
    ...b.mlp,
  ]);
}
