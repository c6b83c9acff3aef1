// LLaVA configs in both on-disk layouts, normalised to one LlavaConfig:
// - "llava-hf" (transformers' LlavaConfig, model_type "llava"): nested text_config / vision_config, each read
//   by the family its model_type names (LLaMA, Mistral, Qwen2; CLIP, SigLIP);
// - "llava" (the original code base, model_type "llava_llama", or "llava" in v1.5 checkpoints): a
//   LLaMA config plus mm_* fields; the tower is a separate model named by mm_vision_tower, so its
//   config is only known when its directory is at hand.

import { existsSync, statSync } from "node:fs";
import {
  CLIP_HIDDEN_ACTS,
  type CLIPVisionConfig,
  parseClipVisionConfig,
} from "../../../io/config/clip_vision_config.ts";
import { Fields, readJsonObject, resolveConfigFile } from "../../../io/config/fields.ts";
import { type LlamaConfig, parseLlamaConfig } from "../../../io/config/llama_config.ts";
import type { VisionConfig } from "../../vision_tower.ts";
import type { LlmFamily } from "../llama/decoder.ts";
import { LLM_FAMILIES, llmFamily, visionFamily } from "../registry.ts";

export type LlavaLayout = "llava-hf" | "llava";

export interface ProjectorConfig {
  /** linear: one Linear; mlp: Linear, then (depth − 1) × [act, Linear]. */
  type: "linear" | "mlp";
  depth: number;
  act: (typeof CLIP_HIDDEN_ACTS)[number] | null;
  bias: boolean;
  /** Width of the vision features fed in (the tower's hidden_size). */
  in_features: number;
  /** The LLM's hidden_size. */
  out_features: number;
}

export interface LlavaConfig {
  layout: LlavaLayout;
  text: LlamaConfig;
  /** null for the original layout when the tower's directory was not given. */
  vision: VisionConfig | null;
  /** The original layout's mm_vision_tower (a hub name or a path); null for llava-hf. */
  visionTower: string | null;
  projector: ProjectorConfig;
  /** Index into the tower's hidden states (num_hidden_layers + 1 of them; negative counts from the end). */
  visionFeatureLayer: number;
  /** patch: drop the first token (CLIP's class token; llava-hf's "default"); cls_patch: keep every token
   * (llava-hf's "full", as SigLIP towers are used). */
  selectFeature: "patch" | "cls_patch";
  /** The placeholder id in input_ids that image features replace (−200 in the original layout). */
  imageTokenIndex: number;
  mmUseImStartEnd: boolean;
  mmUseImPatchToken: boolean;
  imageAspectRatio: "square" | "pad";
  tokenizerModelMaxLength: number | null;
  /** The original layout's training-time tokenizer settings; null for llava-hf, which has none. */
  tokenizerPaddingSide: "right" | "left" | null;
}

export interface LlavaLoadOptions {
  /** Directory of the vision tower, for the original layout. Without it, mm_vision_tower is used when it
   * names an existing directory. */
  visionTowerDir?: string;
  /** Replaces the checkpoint's tokenizer_model_max_length (training's --max-length). */
  modelMaxLength?: number;
}

/** Placeholder id of the original code base (llava/constants.py IMAGE_TOKEN_INDEX). */
export const LLAVA_IMAGE_TOKEN_INDEX = -200;

/** LlavaConfig's default tower: CLIP ViT-L/14 at 336 pixels. */
const LLAVA_HF_VISION_DEFAULTS: CLIPVisionConfig = {
  hidden_size: 1024,
  intermediate_size: 4096,
  num_hidden_layers: 24,
  num_attention_heads: 16,
  image_size: 336,
  patch_size: 14,
  num_channels: 3,
  hidden_act: "quick_gelu",
  layer_norm_eps: 1e-5,
  projection_dim: 768,
};

function checkFeatureLayer(f: Fields, name: string, layer: number, vision: VisionConfig | null): void {
  if (!vision) return;
  const n = vision.num_hidden_layers;
  if (layer < -(n + 1) || layer > n) {
    throw f.fail(name, `${layer} is outside the tower's ${n + 1} hidden states`);
  }
}

function parseLlavaHf(f: Fields): LlavaConfig {
  const textFields = f.optObject("text_config") ?? new Fields(f.file, {}, "text_config.");
  const textFamily = llmFamily(textFields, "llama");
  // LlavaConfig reads a text_config without model_type as LLaMA's.
  const text = textFields.has("model_type")
    ? textFamily.parseConfig(textFields)
    : parseLlamaConfig(textFields, "llama");
  const visionFields = f.optObject("vision_config");
  const vision: VisionConfig = visionFields
    ? visionFamily(visionFields, "clip_vision_model").parseConfig(visionFields)
    : parseClipVisionConfig(new Fields(f.file, {}, "vision_config."), LLAVA_HF_VISION_DEFAULTS);
  if (Array.isArray(f.obj.vision_feature_layer)) {
    throw f.fail("vision_feature_layer", "a list of layers is not supported");
  }
  const layer = f.int("vision_feature_layer", -2);
  checkFeatureLayer(f, "vision_feature_layer", layer, vision);
  const strategy = f.oneOf("vision_feature_select_strategy", ["default", "full"], "default");
  // Newer transformers call it image_token_id.
  const tokenKey =
    f.has("image_token_id") && !f.has("image_token_index") ? "image_token_id" : "image_token_index";
  const imageToken = f.int(tokenKey, 32000);
  if (imageToken < 0 || imageToken >= text.vocab_size) {
    throw f.fail(tokenKey, `${imageToken} is outside the vocabulary (${text.vocab_size} tokens)`);
  }
  return {
    layout: "llava-hf",
    text,
    vision,
    visionTower: null,
    projector: {
      type: "mlp",
      depth: 2,
      act: f.oneOf("projector_hidden_act", CLIP_HIDDEN_ACTS, "gelu"),
      bias: f.bool("multimodal_projector_bias", true),
      in_features: vision.hidden_size,
      out_features: text.hidden_size,
    },
    visionFeatureLayer: layer,
    selectFeature: strategy === "default" ? "patch" : "cls_patch",
    imageTokenIndex: imageToken,
    mmUseImStartEnd: false,
    mmUseImPatchToken: false,
    imageAspectRatio: "square",
    tokenizerModelMaxLength: null,
    tokenizerPaddingSide: null,
  };
}

function parseProjectorType(f: Fields): { type: "linear" | "mlp"; depth: number } {
  const kind = f.str("mm_projector_type", "linear");
  if (kind === "linear") return { type: "linear", depth: 1 };
  const m = /^mlp(\d+)x_gelu$/.exec(kind);
  if (!m || Number(m[1]) < 1) {
    throw f.fail("mm_projector_type", `unsupported projector "${kind}" (expected linear or mlpNx_gelu)`);
  }
  return { type: "mlp", depth: Number(m[1]) };
}

function resolveTowerDir(tower: string, opts: LlavaLoadOptions): string | null {
  if (opts.visionTowerDir !== undefined) return opts.visionTowerDir;
  return existsSync(tower) && statSync(tower).isDirectory() ? tower : null;
}

/** A tower directory's config, read by the family its model_type names. */
export function loadVisionConfig(dir: string): VisionConfig {
  const file = resolveConfigFile(dir);
  const f = new Fields(file, readJsonObject(file));
  return visionFamily(f).parseConfig(f);
}

/** The language-model family of an original-layout config: llava_llama (LLaVA), llava_mistral (LLaVA-1.6),
 * llava_qwen (LLaVA-NeXT); v1.5 checkpoints say "llava" and are LLaMA. */
function originalFamily(f: Fields, kind: string): LlmFamily {
  const family = LLM_FAMILIES.find((x) => x.llava?.modelType === (kind === "llava" ? "llava_llama" : kind));
  if (!family) throw f.fail("model_type", `"${kind}" names no language-model family`);
  return family;
}

function parseOriginal(f: Fields, kind: string, opts: LlavaLoadOptions): LlavaConfig {
  // The LLM fields sit at the top level; read them as the config of their family.
  const family = originalFamily(f, kind);
  const text = family.parseConfig(
    new Fields(f.file, { ...f.obj, model_type: family.modelTypes[0] }, f.prefix),
  );
  const tower = f.optStr("mm_vision_tower") ?? f.optStr("vision_tower");
  if (tower === null) throw f.fail("mm_vision_tower", "missing");
  const towerDir = resolveTowerDir(tower, opts);
  const vision = towerDir === null ? null : loadVisionConfig(towerDir);
  const mmHidden = f.optInt("mm_hidden_size") ?? vision?.hidden_size;
  if (mmHidden === undefined) throw f.fail("mm_hidden_size", "missing (and no vision tower directory given)");
  if (vision && vision.hidden_size !== mmHidden) {
    throw f.fail(
      "mm_hidden_size",
      `${mmHidden} differs from the tower's hidden_size (${vision.hidden_size})`,
    );
  }
  const { type, depth } = parseProjectorType(f);
  const layer = f.int("mm_vision_select_layer", -1);
  checkFeatureLayer(f, "mm_vision_select_layer", layer, vision);
  const maxLength = f.optInt("tokenizer_model_max_length");
  return {
    layout: "llava",
    text,
    vision,
    visionTower: tower,
    projector: {
      type,
      depth,
      act: type === "mlp" ? "gelu" : null,
      bias: true,
      in_features: mmHidden,
      out_features: text.hidden_size,
    },
    visionFeatureLayer: layer,
    selectFeature: f.oneOf("mm_vision_select_feature", ["patch", "cls_patch"], "patch"),
    imageTokenIndex: LLAVA_IMAGE_TOKEN_INDEX,
    mmUseImStartEnd: f.bool("mm_use_im_start_end", false),
    mmUseImPatchToken: f.bool("mm_use_im_patch_token", true),
    imageAspectRatio: f.oneOf("image_aspect_ratio", ["square", "pad"], "square"),
    tokenizerModelMaxLength: maxLength,
    tokenizerPaddingSide: f.oneOf("tokenizer_padding_side", ["right", "left"], "right"),
  };
}

/** model_type values of LLaVA configs: llava-hf's, and the original code bases'. */
export const LLAVA_MODEL_TYPES: readonly string[] = [
  "llava",
  ...LLM_FAMILIES.flatMap((x) => (x.llava === null ? [] : [x.llava.modelType])),
];

/** Original LLaVA v1.5 checkpoints also say model_type "llava"; their flat mm_* fields tell them apart. */
function isOriginalLayout(f: Fields, kind: string): boolean {
  return kind !== "llava" || (!f.has("text_config") && (f.has("mm_vision_tower") || f.has("mm_hidden_size")));
}

export function parseLlavaConfig(f: Fields, opts: LlavaLoadOptions = {}): LlavaConfig {
  if (!f.has("model_type")) throw f.fail("model_type", "missing");
  const kind = f.oneOf("model_type", LLAVA_MODEL_TYPES, "llava");
  return isOriginalLayout(f, kind) ? parseOriginal(f, kind, opts) : parseLlavaHf(f);
}

/** `path`: a LLaVA model directory or its config.json. */
export function loadLlavaConfig(path: string, opts: LlavaLoadOptions = {}): LlavaConfig {
  const file = resolveConfigFile(path);
  return parseLlavaConfig(new Fields(file, readJsonObject(file)), opts);
}
