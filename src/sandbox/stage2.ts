// The demo's stage-2 runs and evaluations as resumable parts. A run tunes the stage-1 model with one method on
// the world's llava_v1_5_mix.json: LLaVA-Instruct's three types (conversation, detail, complex reasoning; the
// paper's stage-2 data) and the short-answer VQA samples LLaVA-1.5 adds, which teach the answer format of
// LLaVA's benchmark prompts ("Answer the question using a single word or phrase."). An evaluation scores a
// model on the benchmarks of the validation or test split.
import { join } from "node:path";
import type { MethodName } from "../tuning/methods.ts";
import { EVAL_SETTINGS, evaluateSplit } from "./evaluate.ts";
import { part } from "./parts.ts";
import type { DemoContext, Sandbox, SandboxScale } from "./prepare.ts";
import type { BenchmarkScores } from "./report/results.ts";
import { type RunFacts, runFacts } from "./run_facts.ts";
import { runStageIsolated } from "./stage_process.ts";
import { INSTRUCT_TYPES } from "./world/llava_data.ts";

export interface Stage2Spec {
  method: MethodName;
  lr: number;
  epochs: number;
  batchSize: number;
  /** The data-type study: only these types, then this many samples. */
  dataTypes?: string[];
  subsample?: number;
  /** Gradient-variance probe every N steps over K batches. */
  gradVariance?: { every: number; batches: number };
}

export interface Stage2Run {
  key: string;
  /** The run directory (run.json, metrics.jsonl, adapter/). */
  dir: string;
  facts: RunFacts;
}

/** A model to evaluate: the stage-1 checkpoint, with a stage-2 run's adapter or without. */
export interface EvalTarget {
  key: string;
  adapter?: string;
}

export async function stage2(
  ctx: DemoContext,
  sb: Sandbox,
  dir: string,
  spec: Stage2Spec,
): Promise<Stage2Run> {
  const run = join(dir, "run");
  const r = await part(
    dir,
    { stage1: sb.stage1.key, world: sb.worldKey, ...spec },
    async () => {
      await runStageIsolated({
        stage: "finetune",
        model: sb.stage1.llava,
        data: sb.world.train.mix,
        images: sb.world.train.images,
        output: run,
        method: spec.method,
        lr: spec.lr,
        epochs: spec.epochs,
        batchSize: spec.batchSize,
        seed: ctx.seed,
        dataTypes: spec.dataTypes,
        subsample: spec.subsample,
        gradVarianceEvery: spec.gradVariance?.every,
        gradVarianceBatches: spec.gradVariance?.batches,
        progress: ctx.progress,
      });
      return runFacts(run);
    },
    ctx.parts,
  );
  return { key: r.key, dir: run, facts: r.value };
}

/** Samples of the stage-2 data: one of each instruction type and one short-answer sample per image. */
export const stage2Samples = (s: SandboxScale) => INSTRUCT_TYPES.length * s.world.train;

export const target = (r: Stage2Run): EvalTarget => ({ key: r.key, adapter: join(r.dir, "adapter") });

export async function evaluatePart(
  ctx: DemoContext,
  sb: Sandbox,
  dir: string,
  model: EvalTarget,
  split: "val" | "test",
): Promise<BenchmarkScores> {
  const r = await part(
    dir,
    { model: model.key, split, world: sb.worldKey, eval: EVAL_SETTINGS },
    (out) =>
      evaluateSplit({
        model: sb.stage1.llava,
        adapter: model.adapter,
        split: sb.world[split],
        output: out,
        progress: ctx.progress,
      }),
    ctx.parts,
  );
  return r.value;
}
