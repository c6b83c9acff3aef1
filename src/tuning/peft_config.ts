// adapter_config.json as Hugging Face PEFT writes and reads it, for the two adapter types lntune produces:
// LN_TUNING (whole-module copies, src/peft/tuners/ln_tuning/config.py) and LORA (src/peft/tuners/lora/config.py).
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** PEFT's file names (src/peft/utils/constants.py: CONFIG_NAME, SAFETENSORS_WEIGHTS_NAME, WEIGHTS_NAME). */
export const CONFIG_NAME = "adapter_config.json";
export const WEIGHTS_NAME = "adapter_model.safetensors";
export const LEGACY_WEIGHTS_NAME = "adapter_model.bin";

/** The PEFT release whose save format is reproduced; written as `peft_version` (PEFT auto-fills its own
 * version there since v0.18 and only compares it against minimum versions). */
export const PEFT_FORMAT_VERSION = "0.20.0";

export type PeftType = "LN_TUNING" | "LORA";

/** A list entry names a module exactly or by its last dotted segments; a string is a full-match regex. */
export type TargetModules = string[] | string;

export interface LoraSettings {
  r: number;
  alpha: number;
  dropout: number;
  useRslora: boolean;
}

export interface AdapterConfig {
  peftType: PeftType;
  baseModelNameOrPath: string | null;
  taskType: string | null;
  targetModules: TargetModules | null;
  modulesToSave: string[] | null;
  /** Present exactly when peftType is LORA. */
  lora?: LoraSettings;
}

/** PEFT's check_target_module_exists (src/peft/tuners/tuners_utils.py) without exclusions or layer
 * filters: list → equal or ends with "." + entry; string → re.fullmatch. */
export function targetMatches(targets: TargetModules, moduleName: string): boolean {
  if (typeof targets === "string") return new RegExp(`^(?:${targets})$`).test(moduleName);
  return targets.some((t) => moduleName === t || moduleName.endsWith(`.${t}`));
}

/** PEFT's _set_trainable (src/peft/utils/other.py) picks modules_to_save by a plain `key.endswith(name)`. */
export function savedModuleMatches(modulesToSave: string[], moduleName: string): boolean {
  return modulesToSave.some((m) => moduleName.endsWith(m));
}

/** Python's json.dumps(indent=2, sort_keys=True), which PeftConfigMixin.save_pretrained uses. */
function sortedJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === "object")
      return Object.fromEntries(
        Object.entries(v)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([k, x]) => [k, sort(x)]),
      );
    return v;
  };
  return JSON.stringify(sort(value), null, 2);
}

/** The file's text: every field of the config dataclass, as PeftConfigMixin.to_dict (dataclasses.asdict)
 * gives them in PEFT 0.20.0 — PeftConfigMixin / PeftConfig (src/peft/config.py), then LNTuningConfig
 * (tuners/ln_tuning/config.py) or LoraConfig less runtime_config, which its to_dict drops
 * (tuners/lora/config.py). PeftModel.save_pretrained forces inference_mode to true and leaves auto_mapping
 * null when a task type is set. */
export function adapterConfigJson(cfg: AdapterConfig): string {
  const common = {
    auto_mapping: null,
    base_model_name_or_path: cfg.baseModelNameOrPath,
    exclude_modules: null,
    inference_mode: true,
    modules_to_save: cfg.modulesToSave,
    peft_type: cfg.peftType,
    peft_version: PEFT_FORMAT_VERSION,
    revision: null,
    target_modules: cfg.targetModules,
    task_type: cfg.taskType,
  };
  if (cfg.peftType === "LN_TUNING") return sortedJson(common);
  const l = cfg.lora!;
  return sortedJson({
    ...common,
    alora_invocation_tokens: null,
    alpha_pattern: {},
    arrow_config: null,
    bias: "none",
    corda_config: null,
    ensure_weight_tying: false,
    eva_config: null,
    fan_in_fan_out: false,
    init_lora_weights: true,
    layer_replication: null,
    layers_pattern: null,
    layers_to_transform: null,
    loftq_config: {},
    lora_alpha: l.alpha,
    lora_bias: false,
    lora_dropout: l.dropout,
    lora_ga_config: null,
    megatron_config: null,
    megatron_core: "megatron.core",
    monteclora_config: null,
    qalora_group_size: 16,
    r: l.r,
    rank_pattern: {},
    target_parameters: null,
    trainable_token_indices: null,
    use_bdlora: null,
    use_dora: false,
    use_qalora: false,
    use_rslora: l.useRslora,
    velora_config: null,
  });
}

/** Reads the fields lntune uses; unknown fields are ignored (PEFT adds new ones in most releases). */
export function parseAdapterConfig(json: unknown, file: string): AdapterConfig {
  if (!json || typeof json !== "object" || Array.isArray(json)) throw new Error(`${file}: not a JSON object`);
  const o = json as Record<string, unknown>;
  const fail = (key: string, want: string) =>
    new Error(`${file}: "${key}" must be ${want}, got ${JSON.stringify(o[key])}`);
  const has = (key: string) => o[key] !== undefined && o[key] !== null;
  const str = (key: string): string | null => {
    if (!has(key)) return null;
    if (typeof o[key] !== "string") throw fail(key, "a string");
    return o[key] as string;
  };
  const strList = (key: string): string[] | null => {
    if (!has(key)) return null;
    const v = o[key];
    if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) throw fail(key, "a list of strings");
    return v;
  };
  const num = (key: string, dflt: number, ok: (x: number) => boolean, want: string): number => {
    if (!has(key)) return dflt;
    if (typeof o[key] !== "number" || !ok(o[key] as number)) throw fail(key, want);
    return o[key] as number;
  };
  /** Features whose files lntune cannot apply: refused rather than silently misread. */
  const unsupported = (key: string, isDefault: (v: unknown) => boolean) => {
    if (has(key) && !isDefault(o[key])) throw fail(key, "its default (not supported by lntune)");
  };

  const peftType = str("peft_type");
  if (peftType === null) throw new Error(`${file}: "peft_type" is missing`);
  if (peftType !== "LN_TUNING" && peftType !== "LORA")
    throw new Error(`${file}: peft_type "${peftType}" is not supported (LN_TUNING or LORA)`);
  const targetModules =
    typeof o.target_modules === "string" ? str("target_modules") : strList("target_modules");
  const cfg: AdapterConfig = {
    peftType,
    baseModelNameOrPath: str("base_model_name_or_path"),
    taskType: str("task_type"),
    targetModules,
    modulesToSave: strList("modules_to_save"),
  };
  unsupported("exclude_modules", (v) => Array.isArray(v) && v.length === 0);
  if (peftType === "LN_TUNING") return cfg;

  const empty = (v: unknown) => typeof v === "object" && Object.keys(v as object).length === 0;
  unsupported("fan_in_fan_out", (v) => v === false);
  unsupported("bias", (v) => v === "none");
  unsupported("use_dora", (v) => v === false);
  unsupported("lora_bias", (v) => v === false);
  unsupported("rank_pattern", empty);
  unsupported("alpha_pattern", empty);
  unsupported("trainable_token_indices", () => false);
  unsupported("layer_replication", () => false);
  // LoRA variants whose weights or forward differ from plain LoRA (VeLoRA changes only the backward).
  unsupported("use_qalora", (v) => v === false);
  unsupported("alora_invocation_tokens", () => false);
  unsupported("target_parameters", (v) => Array.isArray(v) && v.length === 0);
  for (const key of ["use_bdlora", "arrow_config", "monteclora_config"]) unsupported(key, () => false);
  const useRslora = o.use_rslora ?? false;
  if (typeof useRslora !== "boolean") throw fail("use_rslora", "a boolean");
  // Defaults as in LoraConfig: r = 8, lora_alpha = 8, lora_dropout = 0.0.
  cfg.lora = {
    r: num("r", 8, (x) => Number.isInteger(x) && x > 0, "a positive integer"),
    alpha: num("lora_alpha", 8, Number.isFinite, "a number"),
    dropout: num("lora_dropout", 0, (x) => x >= 0 && x < 1, "a probability in [0, 1)"),
    useRslora,
  };
  return cfg;
}

export function readAdapterConfig(dir: string): AdapterConfig {
  const file = join(dir, CONFIG_NAME);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new Error(`${file}: cannot read the adapter config (is ${dir} a PEFT adapter directory?)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: invalid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return parseAdapterConfig(json, file);
}
