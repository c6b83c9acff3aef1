// Tensor names on disk versus the canonical names used inside lntune.
//
// Canonical names:
//   LLM        HF LLaMA names: model.embed_tokens.weight, model.layers.{i}.self_attn.q_proj.weight, …,
//              model.norm.weight, lm_head.weight
//   tower      HF CLIP vision names: vision_model.embeddings.patch_embedding.weight, …,
//              vision_model.encoder.layers.{i}.layer_norm1.weight, …
//   projector  projector.linear_{k}.{weight,bias}, k = 1 … depth (the k-th Linear, activations between)
//
// Layouts on disk:
//   llava-hf  language_model.model.* / language_model.lm_head.* / vision_tower.vision_model.* /
//             multi_modal_projector.linear_{1,2}.*; newer transformers save model.language_model.*
//             (no inner "model."), model.vision_tower.*, model.multi_modal_projector.*, lm_head.*
//   llava     original LLaVA: model.* and lm_head.* for the LLM, model.mm_projector.{weight,bias}
//             (linear) or model.mm_projector.{0,2,4,…}.* (mlpNx_gelu: Linear, GELU, Linear, …); the
//             tower lives in its own CLIP checkpoint, but a tuned tower saved along sits under
//             model.vision_tower.vision_tower.vision_model.*
//   llama     plain LLaMA: canonical names
//   clip      CLIPVisionModel or full CLIPModel: vision_model.*; the text tower and projections skipped

export type WeightLayout = "llava-hf" | "llava" | "llama" | "clip";

/** A disk name read as: a canonical weight, something deliberately ignored, or unknown. */
export type NameMapping = { kind: "weight"; name: string } | { kind: "skip" } | { kind: "unknown" };

const weight = (name: string): NameMapping => ({ kind: "weight", name });
const SKIP: NameMapping = { kind: "skip" };
const UNKNOWN: NameMapping = { kind: "unknown" };

/** Buffers some exporters save that are not parameters. */
function isBuffer(name: string): boolean {
  return name.endsWith(".rotary_emb.inv_freq") || name.endsWith("position_ids");
}

/** Rewrites the first matching prefix of `name`; null when none matches. */
function rewrite(name: string, rules: Array<[string, string]>): string | null {
  for (const [from, to] of rules) if (name.startsWith(from)) return to + name.slice(from.length);
  return null;
}

const LLAVA_HF_RULES: Array<[string, string]> = [
  ["language_model.model.", "model."],
  ["language_model.lm_head.", "lm_head."],
  ["model.language_model.", "model."],
  ["lm_head.", "lm_head."],
  ["vision_tower.vision_model.", "vision_model."],
  ["model.vision_tower.vision_model.", "vision_model."],
  ["multi_modal_projector.", "projector."],
  ["model.multi_modal_projector.", "projector."],
];

function llavaOriginalToCanonical(name: string): string | null {
  const proj = /^model\.mm_projector\.(?:(\d+)\.)?(weight|bias)$/.exec(name);
  if (proj) {
    if (proj[1] === undefined) return `projector.linear_1.${proj[2]}`;
    const index = Number(proj[1]);
    // Odd indices are the parameter-free activations of the Sequential.
    return index % 2 === 0 ? `projector.linear_${index / 2 + 1}.${proj[2]}` : null;
  }
  if (name.startsWith("model.mm_projector.")) return null;
  if (name.startsWith("model.vision_tower.")) {
    return rewrite(name, [["model.vision_tower.vision_tower.vision_model.", "vision_model."]]);
  }
  return rewrite(name, [
    ["model.", "model."],
    ["lm_head.", "lm_head."],
  ]);
}

const CLIP_SKIPPED = ["text_model.", "visual_projection.", "text_projection.", "logit_scale"];

export function toCanonical(layout: WeightLayout, diskName: string): NameMapping {
  if (isBuffer(diskName)) return SKIP;
  let name: string | null;
  switch (layout) {
    case "llava-hf":
      name = rewrite(diskName, LLAVA_HF_RULES);
      break;
    case "llava":
      name = llavaOriginalToCanonical(diskName);
      break;
    case "llama":
      name = rewrite(diskName, [
        ["model.", "model."],
        ["lm_head.", "lm_head."],
      ]);
      break;
    case "clip":
      if (CLIP_SKIPPED.some((p) => diskName.startsWith(p))) return SKIP;
      name = rewrite(diskName, [["vision_model.", "vision_model."]]);
      break;
  }
  return name === null ? UNKNOWN : weight(name);
}

/** The name a canonical weight gets when written in `layout`. llava-hf uses the older naming, which
 * every transformers version loads. The original layout needs the projector type: a linear projector
 * is stored without a Sequential index. */
export function toDiskName(
  layout: WeightLayout,
  canonical: string,
  projectorType: "linear" | "mlp" = "mlp",
): string {
  const fail = () => new Error(`weight "${canonical}" has no name in the ${layout} layout`);
  const proj = /^projector\.linear_(\d+)\.(weight|bias)$/.exec(canonical);
  const isLlm = canonical.startsWith("model.") || canonical.startsWith("lm_head.");
  const isVision = canonical.startsWith("vision_model.");
  switch (layout) {
    case "llava-hf":
      if (proj) return `multi_modal_projector.linear_${proj[1]}.${proj[2]}`;
      if (isLlm) return `language_model.${canonical}`;
      if (isVision) return `vision_tower.${canonical}`;
      throw fail();
    case "llava":
      if (proj && projectorType === "linear" && proj[1] === "1") return `model.mm_projector.${proj[2]}`;
      if (proj && projectorType === "mlp")
        return `model.mm_projector.${(Number(proj[1]) - 1) * 2}.${proj[2]}`;
      if (isLlm) return canonical;
      if (isVision) return `model.vision_tower.vision_tower.${canonical}`;
      throw fail();
    case "llama":
      if (isLlm) return canonical;
      throw fail();
    case "clip":
      if (isVision) return canonical;
      throw fail();
  }
}

/** Guesses the layout from the tensor names of a checkpoint; null when nothing fits. */
export function detectLayout(names: readonly string[]): WeightLayout | null {
  const any = (re: RegExp) => names.some((n) => re.test(n));
  if (any(/^(model\.)?(language_model|multi_modal_projector|vision_tower\.vision_model)\./))
    return "llava-hf";
  if (any(/^model\.(mm_projector|vision_tower)\./)) return "llava";
  if (any(/^model\.(layers|embed_tokens)\./)) return "llama";
  if (any(/^(vision_model|text_model)\./)) return "clip";
  return null;
}
