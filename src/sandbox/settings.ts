// The "run settings" of results.json (seed, threads, split sizes, the model's parameter shares), the shipped
// vision tower's linear probes, and the plan printed before a run: what it will train and evaluate on.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { readJson } from "../eval/read_input.ts";
import { computeThreads } from "../tensor/runtime.ts";
import { EVAL_SETTINGS } from "./evaluate.ts";
import type { DemoContext, Sandbox, SandboxScale } from "./prepare.ts";
import type { ProbeRow, RunSettings } from "./report/results.ts";
import { modelSize } from "./run_facts.ts";
import { MME_WORLD_SUBTASKS } from "./world/language.ts";
import { POPE_SAMPLE_NUM, POPE_STRATEGIES } from "./world/pope_set.ts";

/** The largest MME perception score of the world's subtasks (200 each). */
export const MME_PERCEPTION_MAX = 200 * MME_WORLD_SUBTASKS.length;

export function runSettings(ctx: DemoContext, sb: Sandbox, scale: SandboxScale): RunSettings {
  return {
    seed: ctx.seed,
    threads: computeThreads(),
    trainImages: scale.world.train,
    evalImages: scale.world.test,
    models: [modelSize("LLaVA (LLM + vision tower + connector)", sb.stage1.run)],
  };
}

/** probe.json of the model build, when the models come with one. */
export function visionProbe(models: { llm: string }): ProbeRow[] | undefined {
  const file = join(dirname(models.llm), "probe.json");
  if (!existsSync(file)) return undefined;
  const p = readJson(file) as { shipped: Record<string, number>; random: Record<string, number> };
  return Object.keys(p.shipped).map((attribute) => ({
    attribute,
    pretrained: p.shipped[attribute],
    random: p.random[attribute],
  }));
}

/** What one split's benchmarks hold, at most (POPE keeps only images with enough objects). */
export function describeSplit(name: string, images: number, scale: SandboxScale): string {
  const w = scale.world;
  const pope = Math.min(w.popeImages ?? 500, images) * 2 * POPE_SAMPLE_NUM;
  const mme = Math.min(w.mmePerSubtask ?? 30, images);
  return (
    `${name} split: ${images} images; COCO and Flickr30k: ${images} captions each, ` +
    `VQAv2: ${images * (w.vqaPerImage ?? 3)} questions, POPE: ${POPE_STRATEGIES.length} × ≤${pope} questions, ` +
    `MME: ${MME_WORLD_SUBTASKS.length} subtasks × ${mme} images × 2 questions`
  );
}

/** How the benchmarks are run and reduced to Table 1's numbers. */
export function describeEval(): string {
  const t = EVAL_SETTINGS.maxNewTokens;
  return (
    `evaluation: LLaVA's protocol (vicuna_v1, greedy, the short-answer instruction on VQAv2, POPE and MME), ` +
    `at most ${t.vqav2} new tokens per answer and ${t.coco} per caption, captions asked with "${EVAL_SETTINGS.captionPrompt}"; ` +
    "MME: perception total; COCO and Flickr30k: CIDEr-D × 100; POPE: F1 averaged over its three splits"
  );
}
