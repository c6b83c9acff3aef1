// Applying a tuning method to a model: inject LoRA where asked, then make exactly the method's parameters
// trainable (f32) and freeze everything else. The method's groups are found in the model's family's parts,
// so a method selects the same modules in every family. Returns what is trainable, for accounting and
// adapters.

import { loraTargets, type ParamGroup, type ParamInfo, parameterGroups } from "../models/param_groups.ts";
import type { Linear } from "../nn/layers.ts";
import { type Module, setTrainable } from "../nn/module.ts";
import { Rng } from "../tensor/rng.ts";
import type { MethodSpec } from "./methods.ts";

export interface LoraOptions {
  r: number;
  alpha: number;
  dropout: number;
  useRslora?: boolean;
}

export interface TuningOptions {
  /** Also train model.norm (PEFT's LN-tuning default includes it; the paper's wording does not). */
  includeFinalNorm?: boolean;
  /** Extra parameters to train, by canonical-name regex. */
  trainable?: RegExp | null;
  /** Parameters to freeze after everything else, by canonical-name regex. */
  freeze?: RegExp | null;
  lora?: LoraOptions;
}

export const DEFAULT_LORA: LoraOptions = { r: 64, alpha: 16, dropout: 0.05 };

/** Adds LoRA branches to every attention and MLP projection of the decoder blocks (PEFT's init), in
 * module order. */
export function injectLora(model: Module, opts: LoraOptions, rng: Rng): void {
  const targets = new Set<Linear>(loraTargets(model));
  if (targets.size === 0) throw new Error("LoRA found no attention or MLP projections to wrap");
  for (const [, m] of model.namedModules())
    if (targets.has(m as Linear))
      (m as Linear).addLora(opts.r, opts.alpha, opts.dropout, rng, opts.useRslora);
}

export function isSelected(name: string, info: ParamInfo, spec: MethodSpec, opts: TuningOptions): boolean {
  const { group, projection } = info;
  if (group === "vision_tower") return false;
  const qv = projection === "q" || projection === "v";
  let on = spec.groups.includes(group) && (!spec.qvOnly || group !== "attention" || qv);
  if (group === "final_norm" && opts.includeFinalNorm) on = true;
  if (opts.trainable?.test(name)) on = true;
  if (opts.freeze?.test(name)) on = false;
  return on;
}

export interface TrainableSet {
  names: string[];
  byGroup: Map<ParamGroup, { trainable: number; total: number }>;
  trainableCount: number;
  totalCount: number;
}

export function applyMethod(model: Module, spec: MethodSpec, opts: TuningOptions, rng: Rng): TrainableSet {
  if (spec.lora) injectLora(model, opts.lora ?? DEFAULT_LORA, rng);
  const groups = parameterGroups(model);
  const names: string[] = [];
  for (const [name, p] of model.namedParameters()) {
    const on = isSelected(name, groups.get(name)!, spec, opts);
    setTrainable(p, on);
    if (on) names.push(name);
  }
  if (names.length === 0) throw new Error(`method ${spec.name} selects no parameter of this model`);
  return countTrainable(model);
}

export function countTrainable(model: Module): TrainableSet {
  const groups = parameterGroups(model);
  const byGroup = new Map<ParamGroup, { trainable: number; total: number }>();
  const names: string[] = [];
  let trainableCount = 0;
  let totalCount = 0;
  for (const [name, p] of model.namedParameters()) {
    const g = groups.get(name)!.group;
    const entry = byGroup.get(g) ?? { trainable: 0, total: 0 };
    entry.total += p.size;
    totalCount += p.size;
    if (p.requiresGrad) {
      entry.trainable += p.size;
      trainableCount += p.size;
      names.push(name);
    }
    byGroup.set(g, entry);
  }
  return { names, byGroup, trainableCount, totalCount };
}

/** Gives every LoRA dropout generator a state derived from (seed, micro-batch), so dropout masks depend only
 * on the position in training and a resumed run draws the same masks as an uninterrupted one. */
export function reseedLoraDropout(model: Module, seed: number, micro: number): void {
  let k = 0;
  for (const [, m] of model.namedModules()) {
    const rng = (m as Linear).loraRng;
    if (!rng) continue;
    rng.setState(
      new Rng((seed ^ Math.imul(micro + 1, 0x9e3779b1) ^ Math.imul(++k, 0x85ebca6b)) >>> 0).getState(),
    );
  }
}
