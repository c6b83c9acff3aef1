// Applying a tuning method to a model: inject LoRA where asked, then make exactly the method's parameters
// trainable (f32) and freeze everything else. Returns what is trainable, for accounting and adapters.

import { groupOf, LORA_TARGETS, type ParamGroup, QV_PROJ } from "../models/param_groups.ts";
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

/** Adds LoRA branches to the seven projections of every LLaMA block (PEFT's init). */
export function injectLora(model: Module, opts: LoraOptions, rng: Rng): string[] {
  const wrapped: string[] = [];
  for (const [name, m] of model.namedModules()) {
    const leaf = name.split(".").at(-1) as (typeof LORA_TARGETS)[number];
    if (!name.startsWith("model.layers.") || !LORA_TARGETS.includes(leaf)) continue;
    (m as Linear).addLora(opts.r, opts.alpha, opts.dropout, rng, opts.useRslora);
    wrapped.push(name);
  }
  if (wrapped.length === 0) throw new Error("LoRA found no q/k/v/o/gate/up/down projections to wrap");
  return wrapped;
}

export function isSelected(name: string, spec: MethodSpec, opts: TuningOptions): boolean {
  const group = groupOf(name);
  if (group === "vision_tower") return false;
  let on = spec.groups.includes(group) && (!spec.qvOnly || group !== "attention" || QV_PROJ.test(name));
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
  const names: string[] = [];
  for (const [name, p] of model.namedParameters()) {
    const on = isSelected(name, spec, opts);
    setTrainable(p, on);
    if (on) names.push(name);
  }
  if (names.length === 0) throw new Error(`method ${spec.name} selects no parameter of this model`);
  return countTrainable(model);
}

export function countTrainable(model: Module): TrainableSet {
  const byGroup = new Map<ParamGroup, { trainable: number; total: number }>();
  const names: string[] = [];
  let trainableCount = 0;
  let totalCount = 0;
  for (const [name, p] of model.namedParameters()) {
    const g = groupOf(name);
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
