// PEFT adapter directories (adapter_config.json + adapter_model.safetensors) with the tensor names
// PeftModel.save_pretrained writes for the equivalent PEFT model. A module's PEFT path is its on-disk
// module path (toDiskName) and every key starts with "base_model.model." (PeftModel → tuner → base model).
// Rules, from src/peft/utils/save_and_load.py::get_peft_model_state_dict, with the adapter name removed as
// peft_keys.ts describes:
//   LN_TUNING  each targeted module is wrapped whole (ln_tuning/layer.py: ln_tuning_layers[name] =
//              deepcopy(module)), so every parameter under it is saved as
//              <module>.ln_tuning_layers.<param> for a module's own parameter and
//              <module>.ln_tuning_layers.default.<sub-module>.<param> below it (the connector)
//   LORA       <module>.lora_A.weight [r, in], <module>.lora_B.weight [out, r] (lora/layer.py)
//   modules_to_save  ModulesToSaveWrapper.adapter_state_dict (utils/other.py) saves the copy under the
//              module's own name: <module>.<param>, exactly the base model's key
//   embeddings when embed_tokens / lm_head are targets (save_embedding_layers="auto"), the wrapped base
//              layers are saved too, untouched: <module>.base_layer.weight
// An adapter holds exactly the parameters that were trained: PEFT copies whole modules, so a module that
// was only partly trained (or a LoRA branch with one factor trained) is refused rather than misrepresented.
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { openCheckpoint } from "../io/checkpoint.ts";
import { failpoint } from "../io/failpoint.ts";
import { type Tensor as StoredTensor, writeSafetensors } from "../io/safetensors.ts";
import type { WeightLayout } from "../io/weights/layout.ts";
import { openWeightsFile } from "../io/weights_file.ts";
import { layoutOf } from "../models/families/of_model.ts";
import { checkpointLayout, toEngineTensor } from "../models/load.ts";
import { parameterGroups } from "../models/param_groups.ts";
import { checkpointTensor } from "../models/save.ts";
import { Linear } from "../nn/layers.ts";
import type { Module } from "../nn/module.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { type Adapter, activateAdapter, type LoraFactors } from "./adapter_switch.ts";
import type { LoraOptions } from "./apply.ts";
import { type MethodName, type MethodSpec, methodSpec } from "./methods.ts";
import {
  type AdapterConfig,
  adapterConfigJson,
  CONFIG_NAME,
  LEGACY_WEIGHTS_NAME,
  readAdapterConfig,
  savedModuleMatches,
  type TargetModules,
  targetMatches,
  WEIGHTS_NAME,
} from "./peft_config.ts";
import { ADAPTER_NAME, lnTuningInnerPath, PREFIX, savedKey } from "./peft_keys.ts";

const parentPath = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf(".")));
const lastSegment = (path: string) => path.slice(path.lastIndexOf(".") + 1);
const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

/** The connector as one module, the unit PEFT's `llava` LN-tuning default ("multi_modal_projector") copies:
 * the one module holding its parameters, or the module around its Linears. */
function connectorModule(diskNames: string[]): string {
  const linears = sorted(diskNames.map(parentPath));
  return linears.length === 1 ? linears[0] : parentPath(linears[0]);
}

/** Every module path that holds a parameter, directly or below it. */
function modulePaths(paramPaths: string[]): string[] {
  const out = new Set<string>();
  for (const p of paramPaths) {
    const parts = p.split(".");
    for (let i = 1; i < parts.length; i++) out.add(parts.slice(0, i).join("."));
  }
  return [...out];
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A module path as a regex: layer indices become \d+. The older llava-hf prefix also accepts
 * transformers ≥ 4.52's model.language_model.layers…, since PEFT does not rewrite a regex target for the
 * newer module names. */
function generalize(path: string, layout: WeightLayout): string {
  const re = path
    .split(".")
    .map((s) => (/^\d+$/.test(s) ? "\\d+" : escapeRegex(s)))
    .join("\\.");
  return layout.name === "llava-hf"
    ? re.replace(/^language_model\\\.model\\\./, "(?:model\\.)?language_model\\.(?:model\\.)?")
    : re;
}

/** target_modules that select exactly `targets` among `modules` by PEFT's rule: short names (PEFT's own
 * style), else a regex (when a short name would also hit the vision tower), else the full paths. */
function describeTargets(targets: Set<string>, modules: string[], layout: WeightLayout): TargetModules {
  const exact = (t: TargetModules) => modules.every((m) => targetMatches(t, m) === targets.has(m));
  const leaves = sorted([...targets].map(lastSegment));
  if (exact(leaves)) return leaves;
  const byParent = new Map<string, string[]>();
  for (const t of targets) {
    const parent = generalize(parentPath(t), layout);
    byParent.set(parent, [...(byParent.get(parent) ?? []), escapeRegex(lastSegment(t))]);
  }
  const pattern = [...byParent]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([parent, names]) => `${parent ? `${parent}\\.` : ""}(?:${sorted(names).join("|")})`)
    .join("|");
  return exact(pattern) ? pattern : sorted(targets);
}

/** modules_to_save entries, matched by PEFT with a plain endswith: short names where unambiguous. */
function describeSaved(saved: Set<string>, modules: string[]): string[] {
  return sorted(
    [...saved].map((m) => {
      const leaf = lastSegment(m);
      return modules.every((x) => savedModuleMatches([leaf], x) === (x === m)) ? leaf : m;
    }),
  );
}

/** get_peft_model_state_dict's embedding_is_targeted: a list must literally name embed_tokens or lm_head
 * (EMBEDDING_LAYER_NAMES); a regex must fully match a module so named. */
function embeddingTargeted(targets: TargetModules, modules: string[]): boolean {
  const names = ["embed_tokens", "lm_head"];
  if (typeof targets !== "string") return names.some((n) => targets.includes(n));
  return modules.some((m) => names.includes(lastSegment(m)) && targetMatches(targets, m));
}

/** A base weight read from the base checkpoint, whatever its layout. */
function readBaseWeight(baseDir: string | null | undefined, canonical: string): Tensor {
  if (!baseDir || !existsSync(baseDir) || !statSync(baseDir).isDirectory())
    throw new Error(
      `PEFT also saves the untouched ${canonical} as "…base_layer.weight" when it is an LN-tuning target; ` +
        "give baseModelNameOrPath as the base checkpoint directory, or embeddingBaseLayers: false",
    );
  const layout = checkpointLayout(baseDir);
  const ckpt = openCheckpoint(baseDir);
  try {
    const name = ckpt.names().find((n) => {
      const m = layout.toCanonical(n);
      return m.kind === "weight" && m.name === canonical;
    });
    if (!name) throw new Error(`${baseDir}: the base checkpoint has no ${canonical}`);
    return toEngineTensor(ckpt.read(name), `${baseDir}: ${name}`);
  } finally {
    ckpt.close();
  }
}

export interface SaveAdapterOptions {
  method: MethodSpec | MethodName;
  /** Canonical names of the parameters that were trained (applyMethod's TrainableSet.names, which include
   * the --trainable / --freeze adjustments); default: the parameters that require a gradient now. */
  trainable?: readonly string[];
  /** The settings the LoRA branches were added with (required for LoRA methods). */
  lora?: LoraOptions;
  /** Written to the config; for LN tuning of embed_tokens / lm_head also read for their base copies. */
  baseModelNameOrPath?: string | null;
  /** Write the "…base_layer.weight" base copies PEFT adds for targeted embeddings (default true). */
  embeddingBaseLayers?: boolean;
}

/** What an adapter of a trained set holds. Keys are PEFT's saved keys without PREFIX. */
export interface AdapterPlan {
  config: AdapterConfig;
  /** Saved key → canonical name of the trained parameter it holds: one entry per trained parameter. */
  trained: Map<string, string>;
  /** Saved key → canonical name of a base weight PEFT saves along (LN-tuned embeddings' base_layer). */
  baseLayers: Map<string, string>;
}

/** The adapter for the trained parameters: LoRA methods give a LORA adapter over the Linears whose LoRA
 * branch was trained, with the other trained modules in modules_to_save; every other method gives an
 * LN_TUNING adapter over the modules holding trained parameters (the connector as one module when all of
 * it was trained, as PEFT's llava default names it). Throws, naming each parameter, when the trained set
 * has no such adapter; call it before training to fail early. */
export function planAdapter(model: Module, opts: SaveAdapterOptions): AdapterPlan {
  const spec = typeof opts.method === "string" ? methodSpec(opts.method) : opts.method;
  // PEFT paths are the base checkpoint's module paths: the naming the model was loaded from.
  const layout = layoutOf(model);
  const disk = (canonical: string) => layout.toDiskName(canonical);
  const groups = parameterGroups(model);
  const all = model.namedParameters().map(([n]) => n);
  const trained = new Set(
    opts.trainable ??
      model
        .namedParameters()
        .filter(([, p]) => p.requiresGrad)
        .map(([n]) => n),
  );
  const known = new Set(all);
  const problems = [...trained]
    .filter((n) => !known.has(n))
    .map((n) => `${n}: the model has no such parameter`);
  if (trained.size === 0) problems.push("no parameter was trained");
  const params = all.filter((n) => groups.get(n)!.group !== "lora");
  const modules = modulePaths(params.map(disk));
  const connector = params.filter((n) => groups.get(n)!.group === "connector");
  const wholeConnector = connector.length > 0 && connector.every((n) => trained.has(n));
  const connectorPath = wholeConnector ? connectorModule(connector.map(disk)) : "";
  /** The module PEFT copies (LN tuning) or wraps (modules_to_save) to hold a parameter. */
  const unit = (n: string) =>
    groups.get(n)!.group === "connector" && wholeConnector ? connectorPath : parentPath(disk(n));
  const units = new Set(params.filter((n) => trained.has(n)).map(unit));
  for (const n of params)
    if (!trained.has(n) && units.has(unit(n)))
      problems.push(`${n}: frozen, but the rest of ${unit(n)} was trained and PEFT saves modules whole`);

  /** PEFT module path → canonical path of the Linear whose LoRA branch was trained. */
  const branches = new Map<string, string>();
  const linears = new Map<string, Linear>();
  for (const [path, m] of model.namedModules()) {
    if (!(m instanceof Linear) || !m.lora_A || !m.lora_B) continue;
    const factors = [`${path}.lora_A.weight`, `${path}.lora_B.weight`].filter((n) => trained.has(n));
    if (factors.length === 1) problems.push(`${factors[0]}: trained without the other LoRA factor`);
    if (factors.length < 2) continue;
    const target = parentPath(disk(`${path}.weight`));
    if (units.has(target)) problems.push(`${path}: both its LoRA branch and the module itself were trained`);
    branches.set(target, path);
    linears.set(path, m);
  }
  const lora = opts.lora;
  if (spec.lora && !lora)
    throw new Error(`saving a ${spec.name} adapter needs the LoRA settings (r, alpha, dropout)`);
  if (spec.lora && lora) {
    if (branches.size === 0) problems.push(`method ${spec.name}: no LoRA branch was trained`);
    const scaling = lora.useRslora ? lora.alpha / Math.sqrt(lora.r) : lora.alpha / lora.r;
    for (const [path, m] of linears)
      if (m.lora_A!.outFeatures !== lora.r || m.loraScaling !== scaling)
        problems.push(`${path}: its LoRA branch was not made with r=${lora.r}, alpha=${lora.alpha}`);
  } else if (branches.size) problems.push(`method ${spec.name}: LoRA branches were trained`);
  if (problems.length)
    throw new Error(
      `no ${spec.name} adapter holds exactly the trained parameters:\n  ${problems.join("\n  ")}`,
    );

  const base = { baseModelNameOrPath: opts.baseModelNameOrPath ?? null, taskType: "CAUSAL_LM" };
  const saved = new Map<string, string>();
  const baseLayers = new Map<string, string>();
  if (spec.lora && lora) {
    for (const [target, path] of branches)
      for (const factor of ["lora_A", "lora_B"])
        saved.set(savedKey(`${target}.${factor}.${ADAPTER_NAME}.weight`), `${path}.${factor}.weight`);
    for (const n of params) if (trained.has(n)) saved.set(savedKey(disk(n)), n);
    const config: AdapterConfig = {
      ...base,
      peftType: "LORA",
      targetModules: describeTargets(new Set(branches.keys()), modules, layout),
      modulesToSave: units.size ? describeSaved(units, modules) : null,
      lora: { r: lora.r, alpha: lora.alpha, dropout: lora.dropout, useRslora: lora.useRslora ?? false },
    };
    return { config, trained: saved, baseLayers };
  }
  for (const n of params) {
    if (!trained.has(n)) continue;
    const u = unit(n);
    saved.set(savedKey(`${u}.ln_tuning_layers.${ADAPTER_NAME}.${disk(n).slice(u.length + 1)}`), n);
  }
  const targetModules = describeTargets(units, modules, layout);
  if ((opts.embeddingBaseLayers ?? true) && embeddingTargeted(targetModules, modules))
    for (const c of ["model.embed_tokens.weight", "lm_head.weight"])
      if (trained.has(c)) baseLayers.set(`${unit(c)}.base_layer.weight`, c);
  const config: AdapterConfig = { ...base, peftType: "LN_TUNING", targetModules, modulesToSave: null };
  return { config, trained: saved, baseLayers };
}

/** Writes `dir`/adapter_config.json and `dir`/adapter_model.safetensors (metadata {"format": "pt"}; every
 * tensor in its checkpoint's dtype, LoRA factors f32 as PEFT's autocast_adapter_dtype keeps them).
 * LoRA methods become LORA adapters with the other trained modules in modules_to_save; every other
 * method becomes LN_TUNING over the modules holding its trained parameters (the connector whole). */
export function saveAdapter(
  dir: string,
  model: Module,
  opts: SaveAdapterOptions,
): { config: AdapterConfig; keys: string[] } {
  const { config, trained, baseLayers } = planAdapter(model, opts);
  const params = model.stateDict();
  const tensors: Record<string, StoredTensor> = {};
  const put = (key: string, t: Tensor) => {
    tensors[PREFIX + key] = checkpointTensor(t);
  };
  for (const [key, name] of trained) put(key, params.get(name)!);
  for (const [key, name] of baseLayers) put(key, readBaseWeight(opts.baseModelNameOrPath, name));
  mkdirSync(dir, { recursive: true });
  writeSafetensors(join(dir, WEIGHTS_NAME), tensors, { format: "pt" });
  failpoint("adapter:weights");
  writeFileAtomic(join(dir, CONFIG_NAME), adapterConfigJson(config));
  return { config, keys: Object.keys(tensors).sort() };
}

/** What one saved key holds: a whole parameter value or one LoRA factor, in canonical names; `target` is
 * the PEFT module the tuner wrapped (null for modules_to_save copies). */
type Entry =
  | { kind: "whole"; name: string; target: string | null }
  | { kind: "lora"; linear: string; half: "A" | "B"; target: string };

function classify(key: string, config: AdapterConfig, layout: WeightLayout): Entry | null {
  if (!key.startsWith(PREFIX)) return null;
  const path = key.slice(PREFIX.length);
  const canonical = (diskName: string) => {
    const m = layout.toCanonical(diskName);
    return m.kind === "weight" ? m.name : null;
  };
  const ln = path.split(".ln_tuning_layers.");
  if (config.peftType === "LN_TUNING" && ln.length === 2) {
    const name = canonical(`${ln[0]}.${lnTuningInnerPath(ln[1])}`);
    return name ? { kind: "whole", name, target: ln[0] } : null;
  }
  const lora = /^(.+)\.lora_(A|B)\.weight$/.exec(path);
  if (config.peftType === "LORA" && lora) {
    const name = canonical(`${lora[1]}.weight`);
    return name
      ? { kind: "lora", linear: parentPath(name), half: lora[2] as "A" | "B", target: lora[1] }
      : null;
  }
  const saved = modulePaths([path]).some((m) => savedModuleMatches(config.modulesToSave ?? [], m));
  const name = saved ? canonical(path) : null;
  return name ? { kind: "whole", name, target: null } : null;
}

/** Reads an adapter directory (written by lntune or by PEFT, with either llava-hf module naming) into
 * canonical names, its module paths read in the base checkpoint's `layout`. Half-precision tensors keep
 * their dtype. */
export function readAdapter(dir: string, layout: WeightLayout): Adapter {
  const config = readAdapterConfig(dir);
  // PEFT writes adapter_model.bin when saving without safetensors (and did by default before 0.7).
  const file = [WEIGHTS_NAME, LEGACY_WEIGHTS_NAME].map((f) => join(dir, f)).find(existsSync);
  if (file === undefined) throw new Error(`${dir}: no ${WEIGHTS_NAME} or ${LEGACY_WEIGHTS_NAME}`);
  const tensors = new Map<string, Tensor>();
  const halves = new Map<string, Partial<LoraFactors>>();
  const problems: string[] = [];
  const st = openWeightsFile(file);
  try {
    for (const key of st.names()) {
      // Base-layer copies are the base model's own weights (see the header), not adapter state.
      if (key.includes(".base_layer.")) continue;
      const entry = classify(key, config, layout);
      if (!entry) {
        problems.push(`${key}: not a tensor of a ${config.peftType} adapter for the ${layout.name} layout`);
        continue;
      }
      if (entry.target !== null && config.targetModules && !targetMatches(config.targetModules, entry.target))
        problems.push(`${key}: module ${entry.target} is not selected by target_modules`);
      const t = toEngineTensor(st.read(key), `${file}: ${key}`);
      if (entry.kind === "whole") tensors.set(entry.name, t);
      else halves.set(entry.linear, { ...halves.get(entry.linear), [entry.half]: t });
    }
  } finally {
    st.close();
  }
  const lora = new Map<string, LoraFactors>();
  for (const [path, { A, B }] of halves) {
    if (!A || !B) problems.push(`${path}: only one of lora_A / lora_B is present`);
    else if (A.shape[0] !== config.lora!.r)
      problems.push(`${path}: lora_A has rank ${A.shape[0]} but the config says r=${config.lora!.r}`);
    else lora.set(path, { A, B });
  }
  if (problems.length) throw new Error(`${file}:\n  ${problems.join("\n  ")}`);
  return { dir, config, tensors, lora };
}

/** Reads the adapter and makes it the model's active one (see adapter_switch.ts to switch or restore).
 * Like PeftModel.load_adapter without is_trainable, it also puts the model in eval mode (no dropout). */
export function loadAdapter(dir: string, model: Module): Adapter {
  const adapter = readAdapter(dir, layoutOf(model));
  activateAdapter(model, adapter);
  model.eval();
  return adapter;
}
