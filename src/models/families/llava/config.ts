// LLaVA configs in both on-disk layouts, normalised to one LlavaConfig:
// - "llava-hf" (transformers' LlavaConfig, model_type "llava"): nested text_config / vision_config;
// - "llava" (the original code base, model_type "llava_llama", or "llava" in v1.5 checkpoints): a
//   LLaMA config plus mm_* fields; the CLIP tower is a separate model named by mm_vision_tower, so its
//   config is only known when its directory is at hand.

import { existsSync, statSync } from "node:fs";
import {
  CLIP_HIDDEN_ACTS,
  type CLIPVisionConfig,
  loadClipVisionConfig,
  parseClipVisionConfig,
} from "./clip_vision_config.ts";
import { Fields, readJsonObject, resolveConfigFile } from "./fields.ts";
import { type LlamaConfig, parseLlamaConfig } from "./llama_config.ts";

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
  vision: CLIPVisionConfig | null;
  /** The original layout's mm_vision_tower (a hub name or a path); null for llava-hf. */
  visionTower: string | null;
  projector: ProjectorConfig;
  /** Index into the tower's hidden states (num_hidden_layers + 1 of them; negative counts from the end). */
  visionFeatureLayer: number;
  /** patch: drop the CLS token; cls_patch: keep it. */
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
  /** Directory of the CLIP tower, for the original layout. Without it, mm_vision_tower is used when it
   * names an existing directory. */
  visionTowerDir?: string;
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

function checkFeatureLayer(f: Fields, name: string, layer: number, vision: CLIPVisionConfig | null): void {
  if (!vision) return;
  const n = vision.num_hidden_layers;
  if (layer < -(n + 1) || layer > n) {
    throw f.fail(name, `${layer} is outside the tower's ${n + 1} hidden states`);
  }
}

function parseLlavaHf(f: Fields): LlavaConfig {
  const textFields = f.optObject("text_config") ?? new Fields(f.file, {}, "text_config.");
  const text = parseLlamaConfig(textFields, "llama");
  const visionFields = f.optObject("vision_config");
  const vision = visionFields
    ? parseClipVisionConfig(visionFields)
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

function parseOriginal(f: Fields, opts: LlavaLoadOptions): LlavaConfig {
  // The LLM fields sit at the top level; read them as the llama-family config they are.
  const text = parseLlamaConfig(new Fields(f.file, { ...f.obj, model_type: "llava_llama" }, f.prefix));
  const tower = f.optStr("mm_vision_tower") ?? f.optStr("vision_tower");
  if (tower === null) throw f.fail("mm_vision_tower", "missing");
  const towerDir = resolveTowerDir(tower, opts);
  const vision = towerDir === null ? null : loadClipVisionConfig(towerDir);
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

/** Original LLaVA v1.5 checkpoints also say model_type "llava"; their flat mm_* fields tell them apart. */
function isOriginalLayout(f: Fields, kind: "llava" | "llava_llama"): boolean {
  return (
    kind === "llava_llama" || (!f.has("text_config") && (f.has("mm_vision_tower") || f.has("mm_hidden_size")))
  );
}

export function parseLlavaConfig(f: Fields, opts: LlavaLoadOptions = {}): LlavaConfig {
  if (!f.has("model_type")) throw f.fail("model_type", "missing");
  const kind = f.oneOf("model_type", ["llava", "llava_llama"], "llava");
  return isOriginalLayout(f, kind) ? parseOriginal(f, opts) : parseLlavaHf(f);
}

/** `path`: a LLaVA model directory or its config.json. */
export function loadLlavaConfig(path: string, opts: LlavaLoadOptions = {}): LlavaConfig {
  const file = resolveConfigFile(path);
  return parseLlavaConfig(new Fields(file, readJsonObject(file)), opts);
}
