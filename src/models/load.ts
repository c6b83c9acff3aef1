// Loading Hugging Face checkpoint directories into models: LLaMA-family LLMs, CLIP vision towers and LLaVA
// in both layouts. Weights keep their stored dtype (bf16/f16 stay half-size until made trainable); every
// parameter comes back frozen. Missing or misshapen tensors fail with one error listing all of them.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { StorageDtype } from "../backend/kernels.ts";
import { type Checkpoint, openCheckpoint } from "../io/checkpoint.ts";
import { loadClipVisionConfig } from "../io/config/clip_vision_config.ts";
import { readJsonObject, resolveConfigFile } from "../io/config/fields.ts";
import { loadLlamaConfig } from "../io/config/llama_config.ts";
import { type LlavaLoadOptions, loadLlavaConfig } from "../io/config/llava_config.ts";
import type { Tensor as StoredTensor } from "../io/dtype.ts";
import {
  clipVisionWeights,
  type ExpectedWeight,
  llamaWeights,
  llavaWeights,
} from "../io/weights/expected.ts";
import { toCanonical, type WeightLayout } from "../io/weights/layouts.ts";
import { requireWeights, type WeightPlacement } from "../io/weights/placement.ts";
import { openWeightsFile } from "../io/weights_file.ts";
import type { Module } from "../nn/module.ts";
import { Tensor } from "../tensor/tensor.ts";
import { CLIPVisionModel } from "./clip/vision_model.ts";
import { LlamaForCausalLM } from "./llama/model.ts";
import { LlavaForConditionalGeneration } from "./llava/model.ts";

export type ModelKind = "llava" | "llama" | "clip";

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

/** Checks the checkpoint against the weights the config implies, then builds the module and reads the tensors
 * into its parameters by canonical name. Building comes second so that a config that does not fit its
 * checkpoint (say, 65,537 layers) fails before anything is allocated for it. */
function loadInto<M extends Module>(
  build: () => M,
  dir: string,
  layout: WeightLayout,
  expected: ExpectedWeight[],
  report: LoadReport,
): M {
  const ckpt: Checkpoint = openCheckpoint(dir);
  try {
    const placement = requireWeights(ckpt, layout, expected, dir);
    const module = build();
    const params = module.stateDict();
    const tensors = new Map<string, Tensor>();
    for (const [canonical, disk] of placement.map) {
      // Tied models may still store lm_head; the model reuses embed_tokens instead.
      if (!params.has(canonical)) continue;
      tensors.set(canonical, toEngineTensor(ckpt.read(disk), `${dir}: ${disk}`));
    }
    module.loadStateDict(tensors, false);
    report.placements.push({ dir, placement });
    return module;
  } finally {
    ckpt.close();
  }
}

export function loadLlama(dir: string, report: LoadReport = { placements: [] }): LlamaForCausalLM {
  const cfg = loadLlamaConfig(dir);
  return loadInto(
    () => new LlamaForCausalLM(cfg, null),
    dir,
    "llama",
    llamaWeights(cfg),
    report,
  ).requiresGrad(false);
}

export function loadClipVision(dir: string, report: LoadReport = { placements: [] }): CLIPVisionModel {
  const cfg = loadClipVisionConfig(dir);
  return loadInto(
    () => new CLIPVisionModel(cfg, null),
    dir,
    "clip",
    clipVisionWeights(cfg),
    report,
  ).requiresGrad(false);
}

export function loadLlava(
  dir: string,
  opts: LlavaLoadOptions = {},
  report: LoadReport = { placements: [] },
): LlavaForConditionalGeneration {
  const cfg = loadLlavaConfig(dir, { visionTowerDir: opts.visionTowerDir ?? towerBesideModel(dir) });
  const model = loadInto(
    () => new LlavaForConditionalGeneration(cfg, null),
    dir,
    cfg.layout,
    llavaWeights(cfg),
    report,
  );
  if (cfg.layout === "llava" && !model.vision_model.embeddings.class_embedding.data.length) {
    const tower = opts.visionTowerDir ?? towerBesideModel(dir);
    if (!tower)
      throw new Error(
        `${dir}: the vision tower "${cfg.visionTower}" is not a local directory; pass its path`,
      );
    const clip = () => {
      const c = new CLIPVisionModel(cfg.vision!, null);
      c.vision_model = model.vision_model;
      return c;
    };
    loadInto(clip, tower, "clip", clipVisionWeights(cfg.vision!), report);
  }
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

/** Loads whatever the directory holds, judged by its config's model_type. */
export function loadModel(
  dir: string,
  opts: LlavaLoadOptions = {},
): { kind: ModelKind; model: LlamaForCausalLM | CLIPVisionModel; report: LoadReport } {
  const report: LoadReport = { placements: [] };
  const type = readJsonObject(resolveConfigFile(dir)).model_type;
  const llavaLike = type === "llava" || type === "llava_llama";
  if (llavaLike) return { kind: "llava", model: loadLlava(dir, opts, report), report };
  if (type === "clip" || type === "clip_vision_model")
    return { kind: "clip", model: loadClipVision(dir, report), report };
  return { kind: "llama", model: loadLlama(dir, report), report };
}

/** The projector parameter (linear_k.weight/bias) a connector file's tensor name stands for: canonical
 * (projector.*, as `lntune pretrain` writes it), LLaVA's model.mm_projector.* (its stage-1 mm_projector.bin)
 * or llava-hf's multi_modal_projector.*; null for anything else. */
function connectorParameter(name: string): string | null {
  if (name.startsWith("projector.")) return name.slice("projector.".length);
  for (const layout of ["llava", "llava-hf"] as const) {
    const m = toCanonical(layout, name);
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
