// A model on the five sandbox benchmarks of one split, through the evaluation harness and the official-metric
// scorers (LLaVA's protocol: vicuna_v1, the template the sandbox LLM was pretrained with; greedy decoding),
// reduced to the numbers of the paper's Table 1.
import { join } from "node:path";
import { type EvaluateResult, evaluate } from "../eval/harness/evaluate.ts";
import type { Bench } from "../eval/harness/types.ts";
import type { MmeScores } from "../eval/metrics/mme.ts";
import type { CaptionReport } from "../eval/score_caption_files.ts";
import type { PopeReport } from "../eval/score_pope_files.ts";
import type { VqaReport } from "../eval/score_vqa_files.ts";
import type { BenchmarkScores } from "./report/results.ts";
import type { EvalSetFiles } from "./world/datasets.ts";
import { BRIEF_PROMPTS } from "./world/language.ts";

/** How the demo evaluates; part of every evaluation's key, so that changing it redoes the evaluations. */
export const EVAL_SETTINGS = {
  protocol: "llava",
  /** New tokens per answer: short answers are a word or two; world captions are under 30 tokens. */
  maxNewTokens: { vqav2: 10, pope: 10, mme: 10, coco: 32, flickr30k: 32 } satisfies Record<Bench, number>,
  /** The caption instruction: one of LLaVA's brief-description prompts, which the sandbox LLM was
   * pretrained to answer with a caption (the paper's "Please provide a description of the picture." is a
   * request the sandbox's training data never makes). */
  captionPrompt: BRIEF_PROMPTS[1],
  /** Prompts generated together (left padded). */
  batchSize: 16,
} as const;

export interface SplitEvalOptions {
  /** LLaVA checkpoint directory, and the adapter of a stage-2 run. */
  model: string;
  adapter?: string;
  split: EvalSetFiles;
  /** One folder per benchmark is written here (predictions and the scorers' input files). */
  output: string;
  progress: "auto" | "quiet";
}

function benchInput(bench: Bench, s: EvalSetFiles) {
  switch (bench) {
    case "vqav2":
      return { data: s.vqav2.questions, annotations: s.vqav2.annotations, images: s.images };
    case "coco":
      return { data: s.coco, images: s.images };
    case "flickr30k":
      return { data: s.flickr30k, images: s.images };
    case "pope":
      return { data: s.pope, images: s.images };
    case "mme":
      return { data: s.mme };
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Table 1's numbers from the scorers' reports; POPE is the mean over its three splits. */
export function benchmarkScores(metrics: Record<Bench, unknown>): BenchmarkScores {
  const pope = Object.values((metrics.pope as PopeReport).splits);
  return {
    mmePerception: (metrics.mme as MmeScores).perception.total,
    vqav2: (metrics.vqav2 as VqaReport).overall,
    cocoCider: 100 * (metrics.coco as CaptionReport).CIDEr,
    flickrCider: 100 * (metrics.flickr30k as CaptionReport).CIDEr,
    popeF1: 100 * mean(pope.map((s) => s.f1)),
    popeAccuracy: 100 * mean(pope.map((s) => s.accuracy)),
  };
}

export const BENCH_ORDER: readonly Bench[] = ["mme", "vqav2", "coco", "flickr30k", "pope"];

/** Evaluates on every benchmark (resuming answered items) and returns the scores. */
export async function evaluateSplit(o: SplitEvalOptions): Promise<BenchmarkScores> {
  const metrics = {} as Record<Bench, unknown>;
  for (const bench of BENCH_ORDER) {
    const r: EvaluateResult = await evaluate({
      bench,
      ...benchInput(bench, o.split),
      model: o.model,
      adapter: o.adapter,
      output: join(o.output, bench),
      protocol: EVAL_SETTINGS.protocol,
      prompt: EVAL_SETTINGS.captionPrompt,
      batchSize: EVAL_SETTINGS.batchSize,
      decoding: { maxNewTokens: EVAL_SETTINGS.maxNewTokens[bench] },
      strict: true,
      progress: o.progress,
      log: () => {},
    });
    if (r.metrics === null) throw new Error(`${join(o.output, bench)}: no score (no answers)`);
    metrics[bench] = r.metrics;
  }
  return benchmarkScores(metrics);
}
