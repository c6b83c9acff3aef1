// What a checkpoint directory holds, without loading its weights: the architecture from its config, the
// parameter count per component, stored dtypes, and how its tensors map onto the model (placement). Only
// safetensors headers are read, so a multi-gigabyte model is described instantly, and a checkpoint that
// would fail to load is still described (its missing and misshapen weights are listed). The counts come from
// the model its family builds with placeholders, which allocate nothing.
import { openCheckpoint } from "../io/checkpoint.ts";
import type { LlamaConfig } from "../io/config/llama_config.ts";
import type { WeightLayout } from "../io/weights/layout.ts";
import { type ExpectedWeight, placeWeights, type ShapeMismatch } from "../io/weights/placement.ts";
import type { Module } from "../nn/module.ts";
import { patchGrid } from "./clip/vision_model.ts";
import { type LlavaConfig, parseLlavaConfig } from "./families/llava/config.ts";
import { buildLlava, LLAVA } from "./families/llava/index.ts";
import { llmFamily, llmFamilyOf, visionFamily, visionFamilyOf } from "./families/registry.ts";
import { Projector } from "./llava/projector.ts";
import { type ModelKind, modelKind, readConfigFields, towerBesideModel } from "./load.ts";
import { type ParamGroup, parameterGroups } from "./param_groups.ts";
import type { VisionConfig } from "./vision_tower.ts";

export interface DescribeOptions {
  /** The tower of an original-layout LLaVA, when mm_vision_tower does not name a local directory. */
  visionTowerDir?: string;
  /** How many unplaced / skipped tensor names to list (default 5). */
  listLimit?: number;
}

export interface LlmDescription {
  /** The family (llama, mistral, qwen2). */
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
  /** The window of the sliding layers (null: none), and how many layers slide. */
  slidingWindow: number | null;
  slidingLayers: number;
  /** PEFT's LN-tuning default targets for the family (null: PEFT has none). */
  lnTuningTargets: readonly string[] | null;
}

export interface VisionDescription {
  /** The family (clip_vision_model, siglip_vision_model). */
  family: string;
  layers: number;
  hiddenSize: number;
  heads: number;
  imageSize: number;
  patchSize: number;
  /** Patches per image (the grid, without a class token). */
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
  /** The naming of its tensors (llama, clip, siglip, llava-hf, llava). */
  layout: string;
  tensors: number;
  missing: string[];
  mismatched: ShapeMismatch[];
  unplaced: NameList;
  skipped: NameList;
}

export interface ModelDescription {
  dir: string;
  kind: ModelKind;
  /** The family of the model (a language model's, a tower's, or llava). */
  family: string;
  layout: string;
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
  const family = llmFamilyOf(c);
  return {
    modelType: family.name,
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
    slidingWindow: c.sliding_window,
    slidingLayers: c.layer_types.filter((k) => k === "sliding_attention").length,
    lnTuningTargets: family.lnTuningTargets,
  };
}

function describeVision(c: VisionConfig): VisionDescription {
  return {
    family: visionFamilyOf(c).name,
    layers: c.num_hidden_layers,
    hiddenSize: c.hidden_size,
    heads: c.num_attention_heads,
    imageSize: c.image_size,
    patchSize: c.patch_size,
    patches: patchGrid(c) ** 2,
  };
}

function describeLlava(c: LlavaConfig, tokensPerImage: number | null): LlavaDescription {
  const p = c.projector;
  return {
    projectorType: p.type === "linear" ? "linear" : `mlp${p.depth}x_${p.act}`,
    featureLayer: c.visionFeatureLayer,
    selectFeature: c.selectFeature,
    imageTokenIndex: c.imageTokenIndex,
    imageAspectRatio: c.imageAspectRatio,
    tokensPerImage,
    visionTower: c.visionTower,
  };
}

/** The models' own parameters by component: a tied head is no parameter, and a tower counts wherever it is
 * stored. */
function countParameters(models: Module[]): ParameterCounts {
  const counts: ParameterCounts = {
    visionTower: 0,
    projector: 0,
    llmBlocks: 0,
    embeddings: 0,
    head: 0,
    norms: 0,
    total: 0,
  };
  for (const model of models) {
    const groups = parameterGroups(model);
    for (const [name, p] of model.namedParameters()) {
      counts[COMPONENT[groups.get(name)!.group]] += p.size;
      counts.total += p.size;
    }
  }
  return counts;
}

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
        layout: layout.name,
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

/** Describes the model in `dir` (a language model, a vision tower or a LLaVA, of any family). */
export function describeModel(dir: string, opts: DescribeOptions = {}): ModelDescription {
  const limit = opts.listLimit ?? 5;
  const kind = modelKind(dir);
  const f = readConfigFields(dir);
  const dtypes: Record<string, number> = {};
  const checkpoints: CheckpointDescription[] = [];
  const read = (d: string, layout: WeightLayout, expected: ExpectedWeight[]) => {
    const r = describeCheckpoint(d, layout, expected, dtypes, limit);
    checkpoints.push(r.description);
    return r.placed;
  };
  const base = { dir, kind, dtypes, checkpoints };

  if (kind === "vision") {
    const family = visionFamily(f);
    const c = family.parseConfig(f);
    const tower = family.build(c, null);
    read(dir, family.layout(c), family.storedWeights(tower));
    const parameters = countParameters([tower]);
    return {
      ...base,
      family: family.name,
      layout: family.layout(c).name,
      llm: null,
      vision: describeVision(c),
      llava: null,
      parameters,
    };
  }
  if (kind === "llava") {
    const towerDir = opts.visionTowerDir ?? towerBesideModel(dir);
    const c = parseLlavaConfig(f, { visionTowerDir: towerDir });
    const layout = LLAVA.layout(c);
    if (!c.vision) {
      // The tower's config is unknown: the language model and the connector alone.
      const lm = llmFamilyOf(c.text);
      const llm = lm.build(c.text, null);
      const projector = new Projector(c.projector, null);
      const weights = [
        ...lm.storedWeights(llm),
        ...projector.namedParameters("projector").map(([name, p]) => ({ name, shape: [...p.shape] })),
      ];
      read(dir, layout, weights);
      const parameters = countParameters([llm]);
      const proj = projector.parameters().reduce((n, p) => n + p.size, 0);
      parameters.projector += proj;
      parameters.total += proj;
      return {
        ...base,
        family: LLAVA.name,
        layout: layout.name,
        llm: describeLlm(c.text),
        vision: null,
        llava: describeLlava(c, null),
        parameters,
      };
    }
    const model = buildLlava(c, null);
    const placed = read(dir, layout, LLAVA.storedWeights(model));
    // The original layout keeps the tower in its own checkpoint unless a tuned copy was saved along.
    const towerWeights = model.vision_tower.namedParameters().map(([n]) => n);
    if (c.layout === "llava" && towerDir && !placed.has(towerWeights[0])) {
      const family = visionFamilyOf(c.vision);
      read(towerDir, family.layout(c.vision), family.storedWeights(model.vision_tower));
    }
    return {
      ...base,
      family: LLAVA.name,
      layout: layout.name,
      llm: describeLlm(c.text),
      vision: describeVision(c.vision),
      llava: describeLlava(c, model.tokensPerImage),
      parameters: countParameters([model]),
    };
  }
  const family = llmFamily(f);
  const c = family.parseConfig(f);
  const model = family.build(c, null);
  read(dir, family.layout(c), family.storedWeights(model));
  return {
    ...base,
    family: family.name,
    layout: family.layout(c).name,
    llm: describeLlm(c),
    vision: null,
    llava: null,
    parameters: countParameters([model]),
  };
}
