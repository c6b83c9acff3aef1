// The options of a training stage that change its result, recorded with every checkpoint next to the
// trainer's own (trainerRunOptions) so that --resume refuses a changed run. Paths are resolved, the data
// file and the starting connector are identified by their content's SHA-256, defaults are filled in.
// Not recorded, since the result does not depend on them: checkpoint cadence, progress display, the stop
// point, --recompute (the same arithmetic), --strict (it only stops where skipping would go on), the
// gradient-variance probe (a measurement that leaves the run unchanged) and the thread count.
import { resolve } from "node:path";
import { sha256File } from "../io/file_hash.ts";
import { DEFAULT_LORA } from "../tuning/apply.ts";
import { type MethodName, methodSpec } from "../tuning/methods.ts";
import type { StageOptions } from "./run.ts";
import type { RunOptions } from "./run_options.ts";

/** Values runStage resolves from the options and their defaults. */
export interface ResolvedStage {
  method: MethodName;
  template: string;
  batchSize: number;
}

export function stageRunOptions(o: StageOptions, resolved: ResolvedStage): RunOptions {
  const path = (p: string | undefined) => (p === undefined ? null : resolve(p));
  const t = o.tuning ?? {};
  const lora = methodSpec(resolved.method).lora ? { ...DEFAULT_LORA, ...t.lora } : null;
  return {
    stage: o.stage,
    method: resolved.method,
    model: path(o.model),
    llm: path(o.llm),
    vision: path(o.vision),
    visionTower: path(o.visionTower),
    // composeLlava's default; a loaded LLaVA has its own.
    projector: o.model ? null : (o.projector ?? "linear"),
    connector: path(o.connector),
    connectorSha256: o.connector ? sha256File(o.connector) : null,
    tokenizer: path(o.tokenizer ?? o.model ?? o.llm),
    data: path(o.data),
    dataSha256: sha256File(o.data),
    images: path(o.images),
    dataTypes: o.dataTypes?.length ? [...o.dataTypes].sort() : null,
    subsample: o.subsample ?? null,
    template: resolved.template,
    maxLength: o.maxLength ?? null,
    // null: the model's own image_aspect_ratio.
    aspectRatio: o.aspectRatio ?? null,
    groupByLength: o.groupByLength ?? false,
    batchSize: resolved.batchSize,
    includeFinalNorm: t.includeFinalNorm ?? false,
    trainable: t.trainable ? String(t.trainable) : null,
    freeze: t.freeze ? String(t.freeze) : null,
    loraR: lora?.r ?? null,
    loraAlpha: lora?.alpha ?? null,
    loraDropout: lora?.dropout ?? null,
    rslora: lora ? (lora.useRslora ?? false) : null,
    computeDtype: o.computeDtype ?? "f32",
    quantize: o.quantize ?? null,
  };
}
