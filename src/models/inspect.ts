// What a checkpoint directory holds, without loading its weights: the architecture from its config, the
// parameter count per component, stored dtypes, and how its tensors map onto the model (placement). Only
// safetensors headers are read, so a multi-gigabyte model is described instantly, and a checkpoint that
// would fail to load is still described (its missing and misshapen weights are listed).
import { openCheckpoint } from "../io/checkpoint.ts";
import type { CLIPVisionConfig } from "../io/config/clip_vision_config.ts";
import { loadClipVisionConfig } from "../io/config/clip_vision_config.ts";
import { readJsonObject, resolveConfigFile } from "../io/config/fields.ts";
import { type LlamaConfig, loadLlamaConfig } from "../io/config/llama_config.ts";
import { type LlavaConfig, loadLlavaConfig } from "../io/config/llava_config.ts";
import {
  clipVisionWeights,
  type ExpectedWeight,
  llamaWeights,
  llavaWeights,
  projectorWeights,
} from "../io/weights/expected.ts";
import type { WeightLayout } from "../io/weights/layouts.ts";
import { placeWeights, type ShapeMismatch } from "../io/weights/placement.ts";
import { type ModelKind, towerBesideModel } from "./load.ts";
import { groupOf, type ParamGroup } from "./param_groups.ts";

export interface DescribeOptions {
  /** The CLIP tower of an original-layout LLaVA, when mm_vision_tower does not name a local directory. */
  visionTowerDir?: string;
  /** How many unplaced / skipped tensor names to list (default 5). */
  listLimit?: number;
}

export interface LlmDescription {
  modelType: string;
  layers: number;
  hiddenSize: number;
  intermediateSize: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  vocabSize: number;
  maxPositionEmbeddings: number;
  ropeTheta: number;
  ropeScaling: LlamaConfig["rope_scaling"];
  tieWordEmbeddings: boolean;
}

export interface VisionDescription {
  layers: number;
  hiddenSize: number;
  heads: number;
  imageSize: number;
  patchSize: number;
  /** Patches per image (the grid, without the CLS token). */
  patches: number;
}

export interface LlavaDescription {
  /** As the original code base names it: "linear" or "mlpNx_gelu". */
  projectorType: string;
  featureLayer: number;
  selectFeature: LlavaConfig["selectFeature"];
  imageTokenIndex: number;
  imageAspectRatio: LlavaConfig["imageAspectRatio"];
  /** null when the tower's config is unknown (original layout without its directory). */
  tokensPerImage: number | null;
  visionTower: string | null;
}

export interface ParameterCounts {
  visionTower: number;
  projector: number;
  /** Attention and MLP weights of the decoder blocks. */
  llmBlocks: number;
  embeddings: number;
  /** 0 when tied to the embeddings. */
  head: number;
  /** Block norms and the final norm. */
  norms: number;
  total: number;
}

export interface NameList {
  count: number;
  /** The first few names, sorted. */
  first: string[];
}

export interface CheckpointDescription {
  dir: string;
  layout: WeightLayout;
  tensors: number;
  missing: string[];
  mismatched: ShapeMismatch[];
  unplaced: NameList;
  skipped: NameList;
}

export interface ModelDescription {
  dir: string;
  kind: ModelKind;
  layout: WeightLayout;
  llm: LlmDescription | null;
  vision: VisionDescription | null;
  llava: LlavaDescription | null;
  parameters: ParameterCounts;
  /** Tensor count per stored dtype, over every checkpoint read. */
  dtypes: Record<string, number>;
  checkpoints: CheckpointDescription[];
}

const COMPONENT: Record<ParamGroup, Exclude<keyof ParameterCounts, "total">> = {
  vision_tower: "visionTower",
  connector: "projector",
  attention: "llmBlocks",
  mlp: "llmBlocks",
  lora: "llmBlocks",
  embeddings: "embeddings",
  head: "head",
  block_norms: "norms",
  final_norm: "norms",
};

function describeLlm(c: LlamaConfig): LlmDescription {
  return {
    modelType: c.model_type,
    layers: c.num_hidden_layers,
    hiddenSize: c.hidden_size,
    intermediateSize: c.intermediate_size,
    heads: c.num_attention_heads,
    kvHeads: c.num_key_value_heads,
    headDim: c.head_dim,
    vocabSize: c.vocab_size,
    maxPositionEmbeddings: c.max_position_embeddings,
    ropeTheta: c.rope_theta,
    ropeScaling: c.rope_scaling,
    tieWordEmbeddings: c.tie_word_embeddings,
  };
}

function describeVision(c: CLIPVisionConfig): VisionDescription {
  return {
    layers: c.num_hidden_layers,
    hiddenSize: c.hidden_size,
    heads: c.num_attention_heads,
    imageSize: c.image_size,
    patchSize: c.patch_size,
    patches: (c.image_size / c.patch_size) ** 2,
  };
}

function describeLlava(c: LlavaConfig): LlavaDescription {
  const p = c.projector;
  const patches = c.vision && (c.vision.image_size / c.vision.patch_size) ** 2;
  return {
    projectorType: p.type === "linear" ? "linear" : `mlp${p.depth}x_${p.act}`,
    featureLayer: c.visionFeatureLayer,
    selectFeature: c.selectFeature,
    imageTokenIndex: c.imageTokenIndex,
    imageAspectRatio: c.imageAspectRatio,
    tokensPerImage: patches === null ? null : patches + (c.selectFeature === "cls_patch" ? 1 : 0),
    visionTower: c.visionTower,
  };
}

/** The model's own parameters: a tied head is no parameter, and the tower counts wherever it is stored. */
function countParameters(weights: ExpectedWeight[]): ParameterCounts {
  const counts: ParameterCounts = {
    visionTower: 0,
    projector: 0,
    llmBlocks: 0,
    embeddings: 0,
    head: 0,
    norms: 0,
    total: 0,
  };
  for (const w of weights) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    counts[COMPONENT[groupOf(w.name)]] += n;
    counts.total += n;
  }
  return counts;
}

const modelLlamaWeights = (c: LlamaConfig) =>
  llamaWeights(c).filter((w) => !(c.tie_word_embeddings && w.name === "lm_head.weight"));

/** Places one checkpoint's tensors and tallies their dtypes into `dtypes`. */
function describeCheckpoint(
  dir: string,
  layout: WeightLayout,
  expected: ExpectedWeight[],
  dtypes: Record<string, number>,
  limit: number,
): { description: CheckpointDescription; placed: Set<string> } {
  const ckpt = openCheckpoint(dir);
  try {
    const names = ckpt.names();
    for (const n of names) {
      const d = ckpt.info(n).dtype;
      dtypes[d] = (dtypes[d] ?? 0) + 1;
    }
    const p = placeWeights(ckpt, layout, expected, dir);
    const list = (xs: string[]): NameList => ({ count: xs.length, first: [...xs].sort().slice(0, limit) });
    return {
      description: {
        dir,
        layout,
        tensors: names.length,
        missing: p.missing,
        mismatched: p.mismatched,
        unplaced: list(p.unplaced),
        skipped: list(p.skipped),
      },
      placed: new Set(p.map.keys()),
    };
  } finally {
    ckpt.close();
  }
}

/** Describes the model in `dir` (LLaMA family, CLIP vision tower or LLaVA in either layout). */
export function describeModel(dir: string, opts: DescribeOptions = {}): ModelDescription {
  const limit = opts.listLimit ?? 5;
  const type = readJsonObject(resolveConfigFile(dir)).model_type;
  const dtypes: Record<string, number> = {};
  const checkpoints: CheckpointDescription[] = [];
  const read = (d: string, layout: WeightLayout, expected: ExpectedWeight[]) => {
    const r = describeCheckpoint(d, layout, expected, dtypes, limit);
    checkpoints.push(r.description);
    return r.placed;
  };
  const base = { dir, dtypes, checkpoints };

  if (type === "clip" || type === "clip_vision_model") {
    const c = loadClipVisionConfig(dir);
    const weights = clipVisionWeights(c);
    read(dir, "clip", weights);
    const parameters = countParameters(weights);
    return {
      ...base,
      kind: "clip",
      layout: "clip",
      llm: null,
      vision: describeVision(c),
      llava: null,
      parameters,
    };
  }
  if (type === "llava" || type === "llava_llama") {
    const tower = opts.visionTowerDir ?? towerBesideModel(dir);
    const c = loadLlavaConfig(dir, { visionTowerDir: tower });
    const placed = read(dir, c.layout, llavaWeights(c));
    // The original layout keeps the tower in its own CLIP checkpoint unless a tuned copy was saved along.
    const towerWeights = c.vision ? clipVisionWeights(c.vision) : [];
    if (c.layout === "llava" && tower && c.vision && !placed.has(towerWeights[0].name))
      read(tower, "clip", towerWeights);
    const weights = [...modelLlamaWeights(c.text), ...projectorWeights(c.projector), ...towerWeights];
    return {
      ...base,
      kind: "llava",
      layout: c.layout,
      llm: describeLlm(c.text),
      vision: c.vision && describeVision(c.vision),
      llava: describeLlava(c),
      parameters: countParameters(weights),
    };
  }
  const c = loadLlamaConfig(dir);
  read(dir, "llama", llamaWeights(c));
  return {
    ...base,
    kind: "llama",
    layout: "llama",
    llm: describeLlm(c),
    vision: null,
    llava: null,
    parameters: countParameters(modelLlamaWeights(c)),
  };
}
