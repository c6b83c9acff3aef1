// Loading Hugging Face checkpoint directories into models of any family (families/registry.ts): language
// models, vision towers and LLaVA in both layouts. The model is built with placeholders (no weight storage),
// its parameters are the weights the checkpoint must hold, and the checkpoint fills them. Weights keep their
// stored dtype (bf16/f16 stay half-size until made trainable); every parameter comes back frozen. Missing or
// misshapen tensors fail with one error listing all of them, before any weight is read.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { openCheckpoint } from "../io/checkpoint.ts";
import { Fields, readJsonObject, resolveConfigFile } from "../io/config/fields.ts";
import type { Tensor as StoredTensor } from "../io/dtype.ts";
import type { WeightLayout } from "../io/weights/layout.ts";
import { type ExpectedWeight, requireWeights, type WeightPlacement } from "../io/weights/placement.ts";
import { openWeightsFile } from "../io/weights_file.ts";
import type { Module, Parameter } from "../nn/module.ts";
import type { StorageDtype } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import { CLIPVisionModel } from "./clip/vision_model.ts";
import { CLIP_LAYOUT } from "./families/clip_vision/index.ts";
import { type LlavaLoadOptions, parseLlavaConfig } from "./families/llava/config.ts";
import { buildLlava, LLAVA } from "./families/llava/index.ts";
import { llavaHfLayout, llavaOriginalLayout } from "./families/llava/layouts.ts";
import { findPreprocessing } from "./families/llava/preprocessing.ts";
import {
  LLM_FAMILIES,
  llmFamily,
  VISION_FAMILIES,
  visionFamily,
  visionFamilyOf,
} from "./families/registry.ts";
import type { LlamaForCausalLM } from "./llama/model.ts";
import type { LlavaForConditionalGeneration } from "./llava/model.ts";
import type { VisionTower } from "./vision_tower.ts";

export type ModelKind = "llava" | "llm" | "vision";

export interface LoadReport {
  /** One entry per checkpoint read (the LLaVA directory, and the separate tower of the original layout). */
  placements: Array<{ dir: string; placement: WeightPlacement }>;
}

/** Converts a stored tensor to engine storage: f32 and half types as they are, f64 narrowed to f32. */
export function toEngineTensor(t: StoredTensor, name: string): Tensor {
  const dtypes: Partial<Record<StoredTensor["dtype"], StorageDtype>> = {
    F32: "f32",
    BF16: "bf16",
    F16: "f16",
  };
  const d = dtypes[t.dtype];
  if (d) return new Tensor(t.data as Float32Array | Uint16Array, t.shape, d);
  if (t.dtype === "F64") return new Tensor(Float32Array.from(t.data as Float64Array), t.shape);
  throw new Error(`${name}: weights of dtype ${t.dtype} cannot be loaded`);
}

/** config.json of a model directory (or the file itself) as typed fields. */
export function readConfigFields(dir: string): Fields {
  const file = resolveConfigFile(dir);
  return new Fields(file, readJsonObject(file));
}

/** Called on each weight as soon as it is read, with the model being filled (e.g. to quantise it, so that the
 * weights are never all held at their stored width). */
export type OnWeight = (p: Parameter, model: Module) => void;

/** Places the checkpoint's tensors against the weights the model must hold (one error for every problem),
 * then reads them into its parameters by canonical name, one at a time. */
function fill(
  module: Module,
  dir: string,
  layout: WeightLayout,
  expected: ExpectedWeight[],
  report: LoadReport,
  onWeight?: OnWeight,
) {
  const ckpt = openCheckpoint(dir);
  try {
    const placement = requireWeights(ckpt, layout, expected, dir);
    const params = module.stateDict();
    for (const [canonical, disk] of placement.map) {
      const p = params.get(canonical);
      // Tied models may still store lm_head; the model reuses embed_tokens instead.
      if (!p) continue;
      module.loadStateDict(new Map([[canonical, toEngineTensor(ckpt.read(disk), `${dir}: ${disk}`)]]), false);
      onWeight?.(p, module);
    }
    report.placements.push({ dir, placement });
  } finally {
    ckpt.close();
  }
}

/** Parameters still without storage (optional weights the checkpoint did not hold). */
function unfilled(module: Module): string[] {
  return module
    .namedParameters()
    .filter(([, p]) => !p.loaded)
    .map(([n]) => n);
}

/** A language model of any LLM family (LLaMA, Mistral, Qwen2). */
export function loadLlama(
  dir: string,
  report: LoadReport = { placements: [] },
  onWeight?: OnWeight,
): LlamaForCausalLM {
  const f = readConfigFields(dir);
  const family = llmFamily(f);
  const config = family.parseConfig(f);
  const model = family.build(config, null);
  fill(model, dir, family.layout(config), family.storedWeights(model), report, onWeight);
  return model.requiresGrad(false);
}

/** A vision tower of any tower family (CLIP, SigLIP), from its own config or a two-tower model's. */
export function loadVisionTower(dir: string, report: LoadReport = { placements: [] }): VisionTower {
  const f = readConfigFields(dir);
  const family = visionFamily(f);
  const config = family.parseConfig(f);
  const model = family.build(config, null);
  fill(model, dir, family.layout(config), family.storedWeights(model), report);
  return model.requiresGrad(false);
}

export function loadClipVision(dir: string, report: LoadReport = { placements: [] }): CLIPVisionModel {
  const tower = loadVisionTower(dir, report);
  if (!(tower instanceof CLIPVisionModel))
    throw new Error(`${dir}: not a CLIP vision tower (load it with loadVisionTower)`);
  return tower;
}

export function loadLlava(
  dir: string,
  opts: LlavaLoadOptions = {},
  report: LoadReport = { placements: [] },
  onWeight?: OnWeight,
): LlavaForConditionalGeneration {
  const towerDir = opts.visionTowerDir ?? towerBesideModel(dir);
  const config = parseLlavaConfig(readConfigFields(dir), { visionTowerDir: towerDir });
  if (!config.vision)
    throw new Error(
      `${dir}: the vision tower "${config.visionTower}" is not a local directory; pass its path`,
    );
  const original = config.layout === "llava";
  const dirs = original ? { tower: towerDir, model: dir } : { model: dir };
  const model = buildLlava(config, null, findPreprocessing(config, dirs, opts.modelMaxLength));
  fill(model, dir, LLAVA.layout(config), LLAVA.storedWeights(model), report, onWeight);
  // The original layout's tower is its own checkpoint, unless a tuned copy was saved along.
  if (original && unfilled(model.vision_tower).length > 0) {
    const family = visionFamilyOf(config.vision);
    fill(
      model.vision_tower,
      towerDir!,
      family.layout(config.vision),
      family.storedWeights(model.vision_tower),
      report,
    );
  }
  const missing = unfilled(model);
  if (missing.length > 0) throw new Error(`${dir}: no weights for ${missing.slice(0, 5).join(", ")}`);
  return model.requiresGrad(false);
}

/** The original layout's mm_vision_tower, when it names a directory (absolute, or relative to the model). */
export function towerBesideModel(dir: string): string | undefined {
  const cfg = readJsonObject(resolveConfigFile(dir));
  const tower = cfg.mm_vision_tower;
  if (typeof tower !== "string") return undefined;
  for (const p of [tower, join(dir, tower)]) if (existsSync(join(p, "config.json"))) return p;
  return undefined;
}

/** What a directory holds, judged by its config's model_type. */
export function modelKind(dir: string): ModelKind {
  const f = readConfigFields(dir);
  const known = [LLAVA, ...LLM_FAMILIES, ...VISION_FAMILIES].flatMap((x) => x.modelTypes);
  if (!f.has("model_type")) throw f.fail("model_type", "missing");
  const type = f.oneOf("model_type", known, known[0]);
  if (LLAVA.modelTypes.includes(type)) return "llava";
  return LLM_FAMILIES.some((x) => x.modelTypes.includes(type)) ? "llm" : "vision";
}

/** Loads whatever the directory holds, judged by its config's model_type; `onWeight` sees each LLM weight as it
 * is read (a vision tower's are not offered). */
export function loadModel(
  dir: string,
  opts: LlavaLoadOptions = {},
  onWeight?: OnWeight,
): {
  kind: ModelKind;
  model: LlamaForCausalLM | LlavaForConditionalGeneration | VisionTower;
  report: LoadReport;
} {
  const report: LoadReport = { placements: [] };
  const kind = modelKind(dir);
  const model =
    kind === "llava"
      ? loadLlava(dir, opts, report, onWeight)
      : kind === "llm"
        ? loadLlama(dir, report, onWeight)
        : loadVisionTower(dir, report);
  return { kind, model, report };
}

/** The projector parameter (linear_k.weight/bias) a connector file's tensor name stands for: canonical
 * (projector.*, as `lntune pretrain` writes it), LLaVA's model.mm_projector.* (its stage-1 mm_projector.bin)
 * or llava-hf's multi_modal_projector.*; null for anything else. */
function connectorParameter(name: string): string | null {
  if (name.startsWith("projector.")) return name.slice("projector.".length);
  for (const layout of [llavaOriginalLayout("mlp", CLIP_LAYOUT), llavaHfLayout(CLIP_LAYOUT)]) {
    const m = layout.toCanonical(name);
    if (m.kind === "weight" && m.name.startsWith("projector.")) return m.name.slice("projector.".length);
  }
  return null;
}

/** Loads a stage-1 connector file (safetensors, or a torch .bin such as LLaVA's mm_projector.bin) into a
 * LLaVA's projector. Every problem (a foreign tensor, a missing or misshapen layer) is listed in one error. */
export function loadConnector(model: LlavaForConditionalGeneration, file: string): void {
  const st = openWeightsFile(file);
  try {
    const params = model.projector.stateDict();
    const kind = model.projector.config.type === "linear" ? "linear" : `mlp${model.projector.depth}x_gelu`;
    const tensors = new Map<string, Tensor>();
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const name of st.names()) {
      const param = connectorParameter(name);
      const p = param === null ? undefined : params.get(param);
      if (param === null || !p) {
        problems.push(`"${name}" is ${param === null ? "not a connector weight" : "not in this projector"}`);
        continue;
      }
      seen.add(param);
      const shape = st.info(name).shape;
      if (shape.join() !== p.shape.join()) {
        problems.push(`"${name}" has shape [${shape}] but the model's projector.${param} is [${p.shape}]`);
        continue;
      }
      tensors.set(param, toEngineTensor(st.read(name), `${file}: ${name}`));
    }
    for (const param of params.keys())
      if (!seen.has(param)) problems.push(`no tensor for projector.${param}`);
    if (problems.length)
      throw new Error(`${file}: does not fit the model's ${kind} connector: ${problems.join("; ")}`);
    model.projector.loadStateDict(tensors);
  } finally {
    st.close();
  }
}

/** The naming of the checkpoint in `dir`, from its config (a LLaVA's tower read from its directory when at
 * hand). */
export function checkpointLayout(dir: string): WeightLayout {
  const f = readConfigFields(dir);
  const kind = modelKind(dir);
  if (kind === "llava") return LLAVA.layout(parseLlavaConfig(f, { visionTowerDir: towerBesideModel(dir) }));
  if (kind === "llm") {
    const family = llmFamily(f);
    return family.layout(family.parseConfig(f));
  }
  const family = visionFamily(f);
  return family.layout(family.parseConfig(f));
}
