// A model family as data: everything lntune knows about one architecture in one descriptor — how its
// config.json reads (HF field names and defaults), how its modules are built, how its weights are named on
// disk, which of its modules the tuning methods select from, PEFT's LN-tuning default for it, and how its
// config is written back. The registry (registry.ts) lists the families; nothing else names an architecture.
import type { Fields } from "../../io/config/fields.ts";
import type { WeightLayout } from "../../io/weights/layout.ts";
import type { ExpectedWeight } from "../../io/weights/placement.ts";
import type { Linear } from "../../nn/layers.ts";
import type { Module } from "../../nn/module.ts";
import type { Rng } from "../../tensor/rng.ts";

/** One decoder block's modules, by the role they play. */
export interface BlockParts {
  /** The norms inside the block (the paper's "LayerNorm in attention"): before attention and before the MLP. */
  norms: Module[];
  attention: { q: Linear; k: Linear; v: Linear; o: Linear };
  mlp: Linear[];
}

/** The modules a model's parameters belong to, found by walking the model (module objects, not names). */
export interface ModelParts {
  embeddings: Module[];
  /** Empty when the head is tied to the embeddings. */
  head: Module[];
  finalNorm: Module[];
  blocks: BlockParts[];
  connector: Module[];
  /** Frozen in every method. */
  visionTower: Module[];
}

export const NO_PARTS: ModelParts = {
  embeddings: [],
  head: [],
  finalNorm: [],
  blocks: [],
  connector: [],
  visionTower: [],
};

export interface Family<C, M extends Module> {
  /** The registry key and what `lntune inspect` reports. */
  readonly name: string;
  /** config.json model_type values read as this family. */
  readonly modelTypes: readonly string[];
  /** Whether a built model is this family's. */
  isModel(model: Module): model is M;
  /** The config class's fields and defaults; every problem names the file and the field. */
  parseConfig(f: Fields): C;
  /** The modules with random weights, or with rng null placeholders that allocate nothing (loading fills
   * them; their names and shapes are what a checkpoint must hold). */
  build(config: C, rng: Rng | null): M;
  /** How the weights are named on disk. */
  layout(config: C): WeightLayout;
  /** The weights a checkpoint of this model holds: the parameters of a placeholder build, and any a
   * checkpoint may carry besides (a tied head some exporters store). */
  storedWeights(model: M): ExpectedWeight[];
  parts(model: M): ModelParts;
  /** PEFT's TRANSFORMERS_MODELS_TO_LNTUNING_TARGET_MODULES_MAPPING entry for the model_type (PEFT 0.20.0,
   * src/peft/utils/constants.py); null where PEFT has none. */
  readonly lnTuningTargets: readonly string[] | null;
  /** config.json as transformers reads it back. */
  configJson(config: C): Record<string, unknown>;
}

/** A model's parameters as the weights a checkpoint of it holds. */
export function parameterWeights(model: Module, optional = false): ExpectedWeight[] {
  return model
    .namedParameters()
    .map(([name, p]) => (optional ? { name, shape: [...p.shape], optional } : { name, shape: [...p.shape] }));
}
