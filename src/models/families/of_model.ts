// The family of a built model, and what it declares about it: the parts the tuning methods select from
// and the naming of its checkpoints.
import type { WeightLayout } from "../../io/weights/layout.ts";
import type { Module } from "../../nn/module.ts";
import type { Family, ModelParts } from "./family.ts";
import { LLAVA } from "./llava/index.ts";
import { LLM_FAMILIES, VISION_FAMILIES } from "./registry.ts";

/** Runs `use` with the family the model belongs to. */
function withFamily<T>(model: Module, use: <C, M extends Module>(f: Family<C, M>, m: M) => T): T {
  if (LLAVA.isModel(model)) return use(LLAVA, model);
  for (const f of LLM_FAMILIES) if (f.isModel(model)) return use(f, model);
  for (const f of VISION_FAMILIES) if (f.isModel(model)) return use(f, model);
  throw new Error(`${model.constructor.name} is not a model of a known family`);
}

export function familyName(model: Module): string {
  return withFamily(model, (f) => f.name);
}

export function partsOf(model: Module): ModelParts {
  return withFamily(model, (f, m) => f.parts(m));
}

/** The naming of the model's checkpoints. */
export function layoutOf(model: Module): WeightLayout {
  if (LLAVA.isModel(model)) return LLAVA.layout(model.config);
  for (const f of LLM_FAMILIES) if (f.isModel(model)) return f.layout(model.config);
  for (const f of VISION_FAMILIES) if (f.isModel(model)) return f.layout(model.config);
  throw new Error(`${model.constructor.name} is not a model of a known family`);
}
